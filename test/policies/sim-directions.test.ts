// The direction and rough size of the paper's results, from running the simulator: nothing
// here is a stored number; every comparison is between two policies run on the same workload.

import { describe, expect, it } from "vitest";
import { compare } from "../../policies/mod.js";

const SEEDS = [1, 2, 3];

describe("compaction preset (32 VMs, 100 MPI jobs)", () => {
  for (const seed of SEEDS) {
    it(`brings cross-VM links down to about batch's level and lowers median JCT against bin-pack (seed ${seed})`, () => {
      const result = compare("compaction", { seed });
      const { compact, batch } = result;
      const binPack = result["bin-pack"];
      if (compact === undefined || batch === undefined || binPack === undefined)
        throw new Error("missing policy");
      // Paper: 0.99x batch with migration, 1.62x without.
      expect(compact.crossVmLinks / batch.crossVmLinks).toBeLessThan(1.15);
      expect(binPack.crossVmLinks / batch.crossVmLinks).toBeGreaterThan(1.4);
      // Paper: median JCT 1322 s against 1780 s (−26%).
      expect(compact.medianJct).toBeLessThan(0.92 * binPack.medianJct);
      expect(compact.makespan).toBeLessThan(binPack.makespan);
      expect(compact.migrations).toBeGreaterThan(0);
      expect(binPack.migrations).toBe(0);
    });
  }
});

describe("elastic preset (32 VMs, 200 OpenMP jobs)", () => {
  for (const seed of SEEDS) {
    it(`cuts idle vCPUs and makespan against batch (seed ${seed})`, () => {
      const { elastic, batch } = compare("elastic", { seed });
      if (elastic === undefined || batch === undefined) throw new Error("missing policy");
      // Paper: makespan 364 s against 738 s (−51%).
      expect(elastic.makespan).toBeLessThan(0.75 * batch.makespan);
      expect(elastic.idleVcpuPct).toBeLessThan(batch.idleVcpuPct - 15);
      expect(elastic.scaleUps).toBeGreaterThan(0);
    });
  }

  it("uses idle vCPUs that bin-pack alone leaves idle", () => {
    const result = compare("elastic", { seed: 1 });
    expect(result.elastic?.idleVcpuPct).toBeLessThan(result["bin-pack"]?.idleVcpuPct ?? 0);
  });
});

describe("spot preset (32 VMs, 100 MPI jobs, a quarter of the VMs evicted every 60 s)", () => {
  for (const seed of SEEDS) {
    it(`loses less work than restarting evicted jobs (seed ${seed})`, () => {
      const result = compare("spot", { seed });
      const { spot, batch } = result;
      const binPack = result["bin-pack"];
      if (spot === undefined || batch === undefined || binPack === undefined)
        throw new Error("missing policy");
      expect(spot.restarts).toBe(0);
      expect(binPack.restarts).toBeGreaterThan(0);
      expect(spot.lostWorkVcpuS).toBeLessThan(binPack.lostWorkVcpuS / 5);
      expect(spot.lostWorkVcpuS).toBeLessThan(batch.lostWorkVcpuS / 5);
      // Paper: makespan 1137 s against 1798 s (bin-pack) and 1678 s (batch).
      expect(spot.makespan).toBeLessThan(binPack.makespan);
      expect(spot.makespan).toBeLessThan(batch.makespan);
      expect(spot.medianJct).toBeLessThan(binPack.medianJct);
    });
  }

  it("matches bin-pack exactly when no VM is evicted", () => {
    const result = compare("spot", { seed: 1, evictFraction: 0 });
    expect(result.spot).toEqual(result["bin-pack"]);
    expect(result.spot?.migrations).toBe(0);
  });
});

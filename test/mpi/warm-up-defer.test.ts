// A warm-up uses vCPUs that no granule uses: while a granule runs on a machine without two
// spare vCPUs, the pool's cold workers wait, and warm up once the granule has ended. In a file
// of its own, since the pool is per process.

import { availableParallelism } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { mpiProviderUrl, mpiWarmUpPlan, prewarmGranuleWorkers, warmUpReports } from "../../wasm-host/mod.js";
import { EXAMPLES, runGranny, wasmModule } from "./support/mpi-build.js";

describe("MPI warm-up of pooled workers", () => {
  // With three vCPUs or more, one running rank leaves two for the warm-up: nothing to wait for.
  it.runIf(availableParallelism() < 3)(
    "waits for a running granule to end",
    async () => {
      const module = await wasmModule(path.join(EXAMPLES, "timesteps.c"));
      // One rank for about a second (100 steps of 10 ms).
      const job = runGranny(module, 1, 1, ["100", "10000"]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await prewarmGranuleWorkers([mpiProviderUrl().href], [mpiWarmUpPlan({ rounds: 50, budgetMs: 60_000 })]);
      expect(warmUpReports()).toHaveLength(0);
      const result = await job;
      expect(result.failure, JSON.stringify(result.outcomes)).toBeUndefined();
      // The rank's end frees its vCPU: the pool's pair warms up now.
      const deadline = performance.now() + 15_000;
      while (warmUpReports().length < 2 && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(warmUpReports().map((r) => r.rounds)).toEqual([100, 100]);
    },
    40_000,
  );
});

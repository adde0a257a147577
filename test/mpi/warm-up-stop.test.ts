// A warm-up gives way to a launch: a job that takes a pooled worker in the middle of the MPI
// exercise stops it (wasm-host/worker-pool.ts), and runs as it would have. In a file of its own,
// since the pool is per process and the other warm-up test leaves it warming.

import path from "node:path";
import { describe, expect, it } from "vitest";
import { mpiProviderUrl, mpiWarmUpPlan, prewarmGranuleWorkers, warmUpReports } from "../../wasm-host/mod.js";
import { EXAMPLES, runGranny, wasmModule } from "./support/mpi-build.js";

const ring = path.join(EXAMPLES, "ring.c");
const args = ["20", "4096"];

describe("MPI warm-up of pooled workers", () => {
  it("gives way to a launch that takes a worker while it runs", async () => {
    const module = await wasmModule(ring);
    const before = warmUpReports().length;
    // An exercise that would run for a minute: the launch below must stop it.
    const warming = prewarmGranuleWorkers(
      [mpiProviderUrl().href],
      [mpiWarmUpPlan({ rounds: 1e9, budgetMs: 60_000 })],
    );
    // Let the team get into its exercise before the launch comes.
    // (Starting two threads and loading the provider took over 300 ms under the test suite's load.)
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const started = performance.now();
    const result = await runGranny(module, 2, 1, args);
    expect(result.failure, JSON.stringify(result.outcomes)).toBeUndefined();
    expect(result.stdout.join("")).toContain("VALID");
    await warming;
    expect(performance.now() - started).toBeLessThan(20_000);
    const reports = warmUpReports().slice(before);
    expect(reports.length).toBeGreaterThanOrEqual(1);
    for (const report of reports) expect(report.stoppedBy).toMatch(/a launch took a worker of the warm-up/);
  }, 40_000);
});

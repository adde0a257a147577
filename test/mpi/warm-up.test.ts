// Pooled workers warm the MPI message path up before any launch (wasm-host/mpi/warm-up.ts): the
// exercise must run to its end on an idle pool, leave the workers fit for a real job (whose
// output must not change), and give way at once when a launch takes a worker mid-exercise.
// The pool is per process, and vitest runs each test file in its own, so this file owns it.

import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { mpiProviderUrl, mpiWarmUpPlan, prewarmGranuleWorkers, warmUpReports } from "../../wasm-host/mod.js";
import {
  EXAMPLES,
  nativeProgram,
  runGranny,
  runMpirun,
  sortedLines,
  wasmModule,
} from "./support/mpi-build.js";

const ring = path.join(EXAMPLES, "ring.c");
const args = ["20", "4096"];

const exec = promisify(execFile);

describe("MPI warm-up of pooled workers", () => {
  it("keeps a process that awaits it alive until it ends, and then lets the process exit", async () => {
    // The compiled module, as `granny` and the bench load it; exiting needs no process.exit.
    const script = [
      'import { mpiProviderUrl, mpiWarmUpPlan, prewarmGranuleWorkers, warmUpReports } from "./dist/wasm-host/mod.js";',
      "await prewarmGranuleWorkers([mpiProviderUrl().href], [mpiWarmUpPlan({ rounds: 50, budgetMs: 60_000 })]);",
      "console.log(JSON.stringify(warmUpReports()));",
    ].join("\n");
    const { stdout } = await exec(process.execPath, ["--input-type=module", "-e", script], {
      timeout: 30_000,
    });
    const reports = JSON.parse(stdout) as { rounds: number }[];
    expect(reports.map((r) => r.rounds)).toEqual([100, 100]);
  });

  it("runs its two-rank exercise to the end, and a job on the warmed workers prints what OpenMPI prints", async () => {
    const module = await wasmModule(ring);
    const before = warmUpReports().length;
    // A budget that a busy machine cannot run out of, so that the rounds are the ones asked for.
    await prewarmGranuleWorkers([mpiProviderUrl().href], [mpiWarmUpPlan({ rounds: 300, budgetMs: 60_000 })]);
    const reports = warmUpReports().slice(before);
    expect(reports).toHaveLength(2);
    for (const report of reports) {
      expect(report.stoppedBy).toBeUndefined();
      // Two passes (fresh ranks each) of 300 rounds.
      expect(report.rounds).toBe(600);
    }
    const result = await runGranny(module, 2, 1, args);
    expect(result.failure, JSON.stringify(result.outcomes)).toBeUndefined();
    const native = await runMpirun(await nativeProgram(ring), 2, args);
    expect(native.code).toBe(0);
    expect(sortedLines(result.stdout.join(""))).toEqual(sortedLines(native.stdout));
  });
});

// The OpenMP warm-up of pooled workers (wasm-host/omp/warm-up.ts): two idle workers run our
// exercise as main and team thread, each in both roles, before any launch; jobs that come after
// run as before, and a job that comes during it stops it. One file, one pool: the tests run in
// order, the first leaves the pool warm for the second's job.

import { describe, expect, it } from "vitest";
import { ompWarmUpModule, ompWarmUpPlan, prewarmGranuleWorkers, warmUpReports } from "../../wasm-host/mod.js";
import { buildWasm, programPath, runUnderGranny } from "./support.js";

describe("OpenMP warm-up of pooled workers", () => {
  it("runs the exercise in both roles on each of two workers, then a job runs on them", async () => {
    const program = await ompWarmUpModule();
    const before = warmUpReports().length;
    await prewarmGranuleWorkers([], [ompWarmUpPlan(program, { rounds: 500, budgetMs: 10_000 })]);
    const reports = warmUpReports().slice(before);
    expect(reports).toHaveLength(2);
    // Each worker was the main thread of one pass: both count that pass's rounds.
    for (const report of reports) {
      expect(report.stoppedBy).toBeUndefined();
      expect(report.rounds).toBe(500);
    }
    const job = await runUnderGranny(await buildWasm(programPath("reduction")), 2);
    expect(job.outcome, job.stderr).toEqual({ kind: "exited", code: 0 });
    expect(job.stdout).toContain("reduction ok");
  }, 120_000);

  it("gives way to a job that takes its workers while it runs", async () => {
    const module = await buildWasm(programPath("atomic"));
    const program = await ompWarmUpModule();
    // The workers that replaced the first job's warm up by the first plan meanwhile: let them.
    await prewarmGranuleWorkers();
    const before = warmUpReports().length;
    // A new plan (it replaces the first) and an exercise that would run for a minute.
    const warming = prewarmGranuleWorkers([], [ompWarmUpPlan(program, { rounds: 1e9, budgetMs: 60_000 })]);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const started = performance.now();
    const job = await runUnderGranny(module, 2);
    expect(job.outcome, job.stderr).toEqual({ kind: "exited", code: 0 });
    expect(job.stdout).toContain("atomic ok");
    await warming;
    expect(performance.now() - started).toBeLessThan(20_000);
    const reports = warmUpReports().slice(before);
    expect(reports.length).toBeGreaterThanOrEqual(1);
    for (const report of reports)
      expect(String(report.stoppedBy), JSON.stringify(reports)).toMatch(/stopped/);
  }, 120_000);
});

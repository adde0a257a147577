// Elastic scale-up: a job started with one thread is given more by the planner's control while
// it runs; the change takes effect at the next fork the program left to the runtime, is reported
// once as an event, and the regions compute the same result.

import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { OpenMpJobControl, startOpenMpJob, type ThreadsChangedEvent } from "../../wasm-host/omp/mod.js";
import { buildWasm, programPath, runUnderGranny } from "./support.js";

const here = path.dirname(fileURLToPath(import.meta.url));

test("a job started with 1 thread runs later regions with 3 after scaleTo(3), with the same result", async () => {
  const wasm = await buildWasm(path.join(here, "elastic-programs", "elastic.c"));
  const control = new OpenMpJobControl();
  const events: ThreadsChangedEvent[] = [];
  let reportFirstRegion!: () => void;
  const firstRegion = new Promise<void>((resolve) => {
    reportFirstRegion = resolve;
  });
  const run = runUnderGranny(wasm, 1, {
    control,
    onThreadsChanged: (e) => events.push(e),
    onStdoutText: (text) => {
      if (text.includes("first region")) reportFirstRegion();
    },
  });
  // Scale once the program has run its first region with the initial thread (or has ended).
  await Promise.race([firstRegion, run]);
  await control.scaleTo(3);
  const result = await run;
  expect(result.outcome, result.stderr).toEqual({ kind: "exited", code: 0 });
  expect(result.stdout).toBe("first region: 1 threads\nlater regions: 3 threads, same result\n");
  expect(events.map(({ from, to }) => ({ from, to }))).toEqual([{ from: 1, to: 3 }]);
}, 120_000);

test("scaling a job that has ended is refused", async () => {
  const job = startOpenMpJob({
    module: await buildWasm(programPath("parallel")),
    threads: 1,
    args: ["parallel"],
    onStdout: () => {},
    onStderr: () => {},
  });
  expect(await job.done).toEqual({ kind: "exited", code: 0 });
  await expect(job.scaleTo(2)).rejects.toThrow(/has ended/);
}, 60_000);

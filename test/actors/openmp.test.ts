// OpenMP jobs on the actor runtime: threads as granules on one host, and elastic scale-up by
// the planner when vCPUs on the job's host are idle, effective at the next parallel region.
import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, followEvents, LocalCluster, submitJob, waitJob } from "../../actors/mod.js";
import type { Bus } from "../../bus/mod.js";
import { compileOpenMp } from "../../wasm-host/mod.js";
import { compileCToWasm } from "../support/compile-c.js";

const exec = promisify(execFile);
const SOURCE = "examples/omp/phases.c";

let cluster: LocalCluster;
let bus: Bus;
let module: Uint8Array;
let native: string;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "granny-omp-test-"));
  await compileOpenMp({ sources: [SOURCE], output: join(dir, "elastic.wasm") });
  module = new Uint8Array(await readFile(join(dir, "elastic.wasm")));
  await exec("clang-19", ["-O2", "-fopenmp", SOURCE, "-o", join(dir, "elastic")]);
  native = (await exec(join(dir, "elastic"), ["24", "0"], { env: { ...process.env, OMP_NUM_THREADS: "2" } }))
    .stdout;
  process.env.GRANNY_LOG = "warn";
  cluster = await LocalCluster.start({
    hosts: 1,
    slots: 3,
    heartbeatMs: 250,
    policy: "elastic",
    log: createLogger("test", "warn"),
  });
  bus = await cluster.connect("test");
}, 120_000);
afterAll(async () => {
  await bus?.close();
  await cluster?.stop();
});

describe("OpenMP jobs under the elastic policy", () => {
  it("start with one thread and run later parallel regions with more, with the same result", async () => {
    // The other two vCPUs of the host are busy at first; when that job ends they become idle,
    // and the elastic policy hands them to the OpenMP job.
    const sleeper = new Uint8Array(await readFile(await compileCToWasm("test/actors/programs/sleeper.c")));
    const blocker = await submitJob(bus, { module: sleeper, name: "sleeper.wasm", size: 2, args: ["2500"] });
    const { jobId } = await submitJob(bus, { module, name: "elastic.wasm", size: 1, args: ["24", "150"] });
    let out = "";
    let err = "";
    const result = await waitJob(bus, jobId, {
      onOutput: (_g, stream, data) => {
        if (stream === "stdout") out += Buffer.from(data).toString();
        else err += Buffer.from(data).toString();
      },
    });
    expect(result).toEqual({ state: "finished", exitCode: 0 });
    expect((await waitJob(bus, blocker.jobId)).exitCode).toBe(0);
    expect(out).toBe(native);
    const teams = [...err.matchAll(/phase \d+ ran with (\d+) threads/g)].map((m) => Number(m[1]));
    expect(teams).toHaveLength(24);
    expect(teams[0]).toBe(1);
    expect(teams.at(-1)).toBe(3);
    // Never shrinking, never inside a region: sizes only change between phases.
    for (let i = 1; i < teams.length; i++) expect(teams[i]).toBeGreaterThanOrEqual(teams[i - 1] as number);
    const events: string[] = [];
    await followEvents(bus, { jobId }, (e) => {
      if (e.type === "granny.v1.job_event") events.push(e.event);
    });
    expect(events).toContain("scaled");
    expect(events).toContain("threads-changed");
  }, 120_000);
});

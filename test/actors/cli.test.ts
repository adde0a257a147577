// The `granny` command as scripts use it, against a local cluster of real processes.

import { execFile } from "node:child_process";
import { availableParallelism } from "node:os";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, LocalCluster } from "../../actors/mod.js";
import { compileCNative, compileCToWasm, runNative } from "../support/compile-c.js";

const exec = promisify(execFile);
const GRANNY = "dist/bin/granny.js";

let cluster: LocalCluster;
beforeAll(async () => {
  process.env.GRANNY_LOG = "warn";
  cluster = await LocalCluster.start({
    hosts: 2,
    slots: 2,
    heartbeatMs: 250,
    log: createLogger("test", "warn"),
  });
});
afterAll(async () => {
  await cluster?.stop();
});

async function granny(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [GRANNY, ...args], {
      env: { ...process.env, NATS_URL: cluster.url },
    });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe("granny for scripts", () => {
  it("submit without --wait prints only the job id; wait streams output and exits with the job's status", async () => {
    const module = await compileCToWasm("test/actors/programs/sleeper.c");
    const submitted = await granny(["submit", module, "-n", "2", "--", "20", "5"]);
    expect(submitted.code).toBe(0);
    expect(submitted.stdout).toMatch(/^job-[a-z0-9]+-[0-9a-f]+\n$/);
    const jobId = submitted.stdout.trim();
    const waited = await granny(["wait", jobId]);
    expect(waited.code).toBe(5);
    expect(waited.stdout).toBe("slept 20 ms\nslept 20 ms\n");
  });

  it("submit --wait gives the same output as the native build", async () => {
    const native = await runNative(await compileCNative("examples/wasi/hello.c"), ["cli", "300"]);
    const module = await compileCToWasm("examples/wasi/hello.c");
    const run = await granny(["submit", module, "-n", "1", "--wait", "--", "cli", "300"]);
    expect(run).toMatchObject({ code: 0, stdout: native.stdout });
  });

  it("wait on an unknown job says so and fails", async () => {
    const r = await granny(["wait", "job-nope"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no job job-nope");
  });

  it("status --json has hosts and jobs with their placement", async () => {
    const r = await granny(["status", "--json"]);
    expect(r.code).toBe(0);
    const status = JSON.parse(r.stdout) as {
      hosts: { name: string; slots: number; used: number }[];
      jobs: { id: string; state: string; placement: { granule: number; host: string }[] }[];
    };
    expect(status.hosts.map((h) => [h.name, h.slots]).sort()).toEqual([
      ["host-1", 2],
      ["host-2", 2],
    ]);
    for (const h of status.hosts) expect(h.used).toBeGreaterThanOrEqual(0);
    expect(status.jobs.length).toBeGreaterThanOrEqual(2);
    for (const j of status.jobs) {
      expect(["queued", "running", "finished", "failed"]).toContain(j.state);
      for (const p of j.placement) expect(["host-1", "host-2"]).toContain(p.host);
    }
  });

  it("events --json prints one JSON object per line, replayed", async () => {
    const r = await granny(["events", "--json"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(5);
    const events = lines.map((l) => JSON.parse(l) as { type: string; jobId: string });
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(["granny.v1.job_event", "granny.v1.lifecycle"]),
    );
  });

  it("run starts its own cluster, runs the job and exits with its status", async () => {
    const module = await compileCToWasm("test/actors/programs/sleeper.c");
    const { NATS_URL: _ignored, ...env } = process.env;
    const r = await exec(
      process.execPath,
      [GRANNY, "run", module, "-n", "3", "--hosts", "2", "--", "5", "0"],
      {
        env,
      },
    ).then(
      (x) => ({ ...x, code: 0 }),
      (e: { stdout: string; stderr: string; code: number }) => e,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("slept 5 ms\n".repeat(3));
    // Three granules want three vCPUs: on a smaller machine run says that they share cores.
    if (availableParallelism() < 3) expect(r.stderr).toContain("3 granules on a machine with");
    else expect(r.stderr).not.toContain("granules on a machine with");
  });

  it("refuses a bad option value with a clear message", async () => {
    const r = await granny(["submit", "x.wasm", "-n", "zero"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('expected a positive integer, not "zero"');
  });
});

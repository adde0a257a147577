// The actor runtime end to end: a real nats-server, a planner process and host processes, real
// clang-compiled WebAssembly, compared with native builds of the same sources.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clusterStatus,
  createLogger,
  followEvents,
  LocalCluster,
  submitJob,
  waitJob,
} from "../../actors/mod.js";
import type { Bus, MessageOf } from "../../bus/mod.js";
import { compileCNative, compileCToWasm, runNative } from "../support/compile-c.js";

const log = createLogger("test", "warn");
const HELLO = "examples/wasi/hello.c";
const TRAP = "test/actors/programs/trap.c";
const SLEEPER = "test/actors/programs/sleeper.c";

async function wasm(source: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(await compileCToWasm(source)));
}

/** Runs a job to its end, collecting its output per granule. */
async function runJob(bus: Bus, module: Uint8Array, size: number, args: string[]) {
  const { jobId, queued } = await submitJob(bus, { module, name: "prog.wasm", size, args });
  const stdout = new Map<number, string>();
  const stderr = new Map<number, string>();
  const result = await waitJob(bus, jobId, {
    onOutput: (g, stream, data) => {
      const into = stream === "stdout" ? stdout : stderr;
      into.set(g, (into.get(g) ?? "") + Buffer.from(data).toString());
    },
  });
  return { jobId, queued, result, stdout, stderr };
}

async function eventsOf(bus: Bus, jobId: string) {
  const events: (MessageOf<"job_event"> | MessageOf<"lifecycle">)[] = [];
  await followEvents(bus, { jobId }, (e) => events.push(e));
  return events;
}

describe("a local cluster of two host processes", () => {
  let cluster: LocalCluster;
  let bus: Bus;
  beforeAll(async () => {
    process.env.GRANNY_LOG = "warn";
    cluster = await LocalCluster.start({ hosts: 2, slots: 2, heartbeatMs: 250, log });
    bus = await cluster.connect("test");
  });
  afterAll(async () => {
    await bus?.close();
    await cluster?.stop();
  });

  it("places a job of 4 WASI granules over both hosts and runs it to the native result", async () => {
    const native = await runNative(await compileCNative(HELLO), ["granule", "5000"]);
    const { jobId, result, stdout } = await runJob(bus, await wasm(HELLO), 4, ["granule", "5000"]);
    expect(result).toEqual({ state: "finished", exitCode: 0 });
    expect([...stdout.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const text of stdout.values()) expect(text).toBe(native.stdout);
    const status = await clusterStatus(bus);
    const job = status.jobs.find((j) => j.id === jobId);
    expect(new Set(job?.placement.map((p) => p.host))).toEqual(new Set(["host-1", "host-2"]));
    expect(job?.crossVmLinks).toBe(4);
  });

  it("makes a granule's exit code the job's exit status", async () => {
    const { result, stdout } = await runJob(bus, await wasm(SLEEPER), 1, ["10", "7"]);
    expect(result).toEqual({ state: "finished", exitCode: 7 });
    expect(stdout.get(0)).toBe("slept 10 ms\n");
  });

  it("keeps a job that does not fit waiting in FIFO order, then runs it", async () => {
    const sleeper = await wasm(SLEEPER);
    const blocker = await submitJob(bus, { module: sleeper, name: "sleeper.wasm", size: 4, args: ["800"] });
    const waiting = await submitJob(bus, { module: sleeper, name: "sleeper.wasm", size: 2, args: ["10"] });
    expect(blocker.queued).toBe(false);
    expect(waiting.queued).toBe(true);
    const status = await clusterStatus(bus);
    expect(status.queue).toContain(waiting.jobId);
    const [r1, r2] = await Promise.all([waitJob(bus, blocker.jobId), waitJob(bus, waiting.jobId)]);
    expect(r1.exitCode).toBe(0);
    expect(r2.exitCode).toBe(0);
    const blockerEnd = (await eventsOf(bus, blocker.jobId)).find(
      (e) => e.type === "granny.v1.job_event" && e.event === "finished",
    );
    const waitingPlaced = (await eventsOf(bus, waiting.jobId)).find(
      (e) => e.type === "granny.v1.job_event" && e.event === "placed",
    );
    expect(waitingPlaced?.at).toBeGreaterThanOrEqual(blockerEnd?.at ?? Number.POSITIVE_INFINITY);
  });

  it("ends a trapping module as a failed job that carries the trap message", async () => {
    const { result, stdout } = await runJob(bus, await wasm(TRAP), 1, []);
    expect(result.state).toBe("failed");
    expect(result.error).toMatch(/granule 0 on host-\d trapped: .*unreachable/);
    expect(stdout.get(0)).toBe("about to trap\n");
  });

  it("refuses a job larger than the cluster with a clear error", async () => {
    await expect(submitJob(bus, { module: await wasm(SLEEPER), name: "s.wasm", size: 99 })).rejects.toThrow(
      /needs 99 slots but the whole cluster has 4/,
    );
  });

  it("refuses bytes that are not WebAssembly before anything is submitted", async () => {
    await expect(
      submitJob(bus, { module: new Uint8Array([1, 2, 3]), name: "junk.wasm", size: 1 }),
    ).rejects.toThrow(/junk.wasm is not a valid WebAssembly module/);
  });

  it("answers garbage sent to the planner and to a host with typed errors, and keeps working", async () => {
    const { Encoder } = await import("cbor-x");
    const raw = new Encoder({ useRecords: false });
    for (const subject of ["granny.planner", "granny.host.host-1", "granny.mpi.host-2"]) {
      for (const payload of [
        new Uint8Array([0xff, 0x01]),
        raw.encode({ type: "granny.v1.self_destruct" }),
        raw.encode({ type: "granny.v1.job_submit", jobId: 7 }),
      ]) {
        const reply = await bus.nc.request(subject, payload, { timeout: 2000 });
        const decoded = raw.decode(reply.data) as { type: string; code: string };
        expect(decoded.type).toBe("granny.v1.error");
        expect(["malformed", "unknown_type", "unexpected_message"]).toContain(decoded.code);
      }
    }
    const { result } = await runJob(bus, await wasm(SLEEPER), 2, ["1"]);
    expect(result.exitCode).toBe(0);
  });

  it("replays a finished job's lifecycle to a subscriber that connects afterwards", async () => {
    const { jobId } = await runJob(bus, await wasm(SLEEPER), 2, ["5"]);
    const late = await cluster.connect("late");
    try {
      const events = await eventsOf(late, jobId);
      const jobEvents = events.filter((e) => e.type === "granny.v1.job_event").map((e) => e.event);
      expect(jobEvents).toEqual(["submitted", "placed", "finished"]);
      for (const g of [0, 1]) {
        const path = events.flatMap((e) =>
          e.type === "granny.v1.lifecycle" && e.granule === g ? [`${e.from}>${e.to}`] : [],
        );
        expect(path).toEqual(["created>loading", "loading>running", "running>finished"]);
      }
    } finally {
      await late.close();
    }
  });
});

describe("a host process that is killed", () => {
  it("is noticed by the planner, and its granules are reported failed, not lost silently", async () => {
    process.env.GRANNY_LOG = "warn";
    await using cluster = await LocalCluster.start({
      hosts: 2,
      slots: 1,
      heartbeatMs: 200,
      log,
      hostNames: ["steady", "victim"],
    });
    const bus = await cluster.connect("test");
    try {
      const { jobId } = await submitJob(bus, {
        module: await wasm(SLEEPER),
        name: "sleeper.wasm",
        size: 2,
        args: ["60000"],
      });
      // Wait until both granules run, then kill the victim's process outright.
      for (let i = 0; i < 100; i++) {
        const events = await eventsOf(bus, jobId);
        if (events.filter((e) => e.type === "granny.v1.lifecycle" && e.to === "running").length === 2) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      cluster.process("victim")?.kill("SIGKILL");
      const result = await waitJob(bus, jobId);
      expect(result.state).toBe("failed");
      expect(result.error).toMatch(/granule \d on victim lost: host victim stopped responding/);
      const status = await clusterStatus(bus);
      expect(status.hosts.find((h) => h.name === "victim")?.alive).toBe(false);
      // The granule on the surviving host was stopped, freeing its slot.
      expect(status.hosts.find((h) => h.name === "steady")?.used).toBe(0);
    } finally {
      await bus.close();
    }
  });
});

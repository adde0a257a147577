// Actor runtime costs: granule start time (submit to the first instruction, cold and with the
// module cached) beside starting the same program as a native process, the worker-thread part
// of it alone, and lifecycle event throughput beside raw JetStream publishes.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { jetstream } from "@nats-io/jetstream";
import {
  awaitJobEvent,
  createLogger,
  followEvents,
  killJob,
  LocalCluster,
  migrateGranule,
  submitJob,
  waitJob,
} from "../actors/mod.js";
import {
  connectBus,
  DurablePublisher,
  encode,
  ensureJobsStream,
  message,
  NatsServer,
  subjects,
} from "../bus/mod.js";
import { compileMpi, ModuleCache, runGranule } from "../wasm-host/mod.js";
import { median, type Row, slowdown } from "./table.js";

const run = promisify(execFile);
const JOBS = 12;
const EVENTS = 3000;

async function buildHello(): Promise<{ wasm: string; native: string }> {
  const dir = tmpdir();
  const wasm = join(dir, "granny-bench-hello.wasm");
  const native = join(dir, "granny-bench-hello");
  await run("clang-19", [
    "--target=wasm32-wasi",
    "-O2",
    "-Wl,--strip-debug",
    "examples/wasi/hello.c",
    "-o",
    wasm,
  ]);
  await run("cc", ["-O2", "examples/wasi/hello.c", "-o", native]);
  return { wasm, native };
}

export async function benchActors(): Promise<Row[]> {
  const { wasm, native } = await buildHello();
  const module = new Uint8Array(await readFile(wasm));
  const rows: Row[] = [];

  // Native process start to exit: what starting the program costs without any runtime.
  const nativeSamples: number[] = [];
  for (let i = 0; i < JOBS; i++) {
    const t = performance.now();
    await run(native, ["bench", "10"]);
    nativeSamples.push(performance.now() - t);
  }
  const nativeStart = median(nativeSamples);

  // The worker thread alone: runGranule to the first instruction, module already compiled.
  const compiled = await new ModuleCache().compile(module);
  const workerSamples: number[] = [];
  for (let i = 0; i < JOBS; i++) {
    const handle = runGranule(
      { module: compiled.module, args: ["hello", "bench", "10"] },
      { onStdout() {}, onStderr() {} },
    );
    const started = await handle.started;
    workerSamples.push(started.at - handle.launchedAt);
    await handle.done;
  }
  const worker = median(workerSamples);
  rows.push({
    group: "actors",
    name: "granule start in a worker thread (runGranule to first instruction)",
    value: worker,
    unit: "ms",
    baseline: nativeStart,
    baselineName: "native process spawn to exit",
    ratio: slowdown(worker, nativeStart),
  });

  // Through the whole cluster: submit to the first instruction, over NATS and the planner.
  const off = await startTimes(module);
  const cold = off[0] ?? Number.NaN;
  const warm = median(off.slice(1));
  rows.push(
    {
      group: "actors",
      name: "granule start, submit to first instruction (first job: fetch + compile)",
      value: cold,
      unit: "ms",
      baseline: nativeStart,
      baselineName: "native process spawn to exit",
      ratio: slowdown(cold, nativeStart),
    },
    {
      group: "actors",
      name: "granule start, submit to first instruction (module cached, median)",
      value: warm,
      unit: "ms",
      baseline: nativeStart,
      baselineName: "native process spawn to exit",
      ratio: slowdown(warm, nativeStart),
    },
  );
  // The same with tracing on, exporting to a local OTLP/HTTP endpoint that accepts everything.
  const collector = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  });
  await new Promise<void>((r) => collector.listen(0, "127.0.0.1", () => r()));
  const port = (collector.address() as AddressInfo).port;
  try {
    const on = await startTimes(module, { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
    const warmOn = median(on.slice(1));
    rows.push({
      group: "actors",
      name: "granule start, module cached, tracing on (OTLP export)",
      value: warmOn,
      unit: "ms",
      baseline: warm,
      baselineName: "tracing off",
      ratio: slowdown(warmOn, warm),
    });
  } finally {
    collector.close();
  }
  rows.push(...(await eventThroughput()));
  rows.push(...(await migrationPause()));
  return rows;
}

/** Submit-to-first-instruction times of JOBS single-granule jobs on a fresh one-host cluster. */
async function startTimes(module: Uint8Array, env: Record<string, string> = {}): Promise<number[]> {
  process.env.GRANNY_LOG = "warn";
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    await using cluster = await LocalCluster.start({
      hosts: 1,
      slots: 4,
      log: createLogger("bench", "warn"),
    });
    const bus = await cluster.connect("bench");
    try {
      const samples: number[] = [];
      for (let i = 0; i < JOBS; i++) {
        const t0 = Date.now();
        const { jobId } = await submitJob(bus, {
          module,
          name: "hello.wasm",
          size: 1,
          args: ["bench", "10"],
        });
        await waitJob(bus, jobId);
        let startedAt = Number.NaN;
        await followEvents(bus, { jobId }, (e) => {
          if (e.type === "granny.v1.lifecycle" && e.to === "running") startedAt = e.at;
        });
        samples.push(startedAt - t0);
      }
      return samples;
    } finally {
      await bus.close();
    }
  } finally {
    for (const key of Object.keys(env)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

/**
 * Migration pause over NATS between two host processes, from the rank's capture at the barrier
 * to it being restored and parked on the target (the planner's "pause"), for ranks that touched
 * 1 to 256 MiB, with the snapshot's size and how long the pre-copy took while the rank ran.
 */
async function migrationPause(): Promise<Row[]> {
  const dir = tmpdir();
  const wasmPath = join(dir, "granny-bench-timesteps.wasm");
  await compileMpi({ sources: ["examples/mpi/timesteps.c"], output: wasmPath });
  const module = new Uint8Array(await readFile(wasmPath));
  process.env.GRANNY_LOG = "warn";
  await using cluster = await LocalCluster.start({ hosts: 2, slots: 1, log: createLogger("bench", "warn") });
  const bus = await cluster.connect("bench");
  const rows: Row[] = [];
  try {
    for (const mib of [1, 16, 64, 256]) {
      const { jobId } = await submitJob(bus, {
        module,
        name: "timesteps.wasm",
        size: 2,
        args: ["100000", "2000", String(mib)],
      });
      await awaitJobEvent(
        bus,
        jobId,
        (e) => e.type === "granny.v1.lifecycle" && e.granule === 1 && e.to === "running",
      );
      // Both hosts are full (one rank each): rank 1 moves to a host started for the purpose.
      const target = `pause-${mib}`;
      cluster.spawnHost(target, 1);
      await cluster.waitForHosts(3, 30_000);
      // Answered once the plan is out, that is after the pre-copy: the rank runs meanwhile.
      const asked = performance.now();
      await migrateGranule(bus, jobId, 1, target);
      const precopyMs = performance.now() - asked;
      const migrated = await awaitJobEvent(
        bus,
        jobId,
        (e) => e.type === "granny.v1.job_event" && e.event === "migrated",
      );
      const detail = migrated.type === "granny.v1.job_event" ? (migrated.detail ?? "") : "";
      const pause = Number(/pause ([\d.]+) ms/.exec(detail)?.[1]);
      const bytes = Number(/(\d+) snapshot bytes/.exec(detail)?.[1]);
      await killJob(bus, jobId, "benchmark done");
      await waitJob(bus, jobId);
      cluster.process(target)?.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 4000));
      rows.push(
        { group: "actors", name: `migration pause over NATS, ${mib} MiB touched`, value: pause, unit: "ms" },
        {
          group: "actors",
          name: `snapshot size at the barrier (delta over the pre-copy), ${mib} MiB touched`,
          value: bytes / 2 ** 20,
          unit: "MiB",
        },
        {
          group: "actors",
          name: `pre-copy while the rank runs (request to plan), ${mib} MiB touched`,
          value: precopyMs,
          unit: "ms",
        },
      );
    }
  } finally {
    await bus.close();
  }
  return rows;
}

async function eventThroughput(): Promise<Row[]> {
  await using server = await NatsServer.start();
  const bus = await connectBus({ url: server.url });
  try {
    await ensureJobsStream(bus);
    const publisher = new DurablePublisher(bus);
    const event = (i: number) =>
      message("lifecycle", {
        jobId: "job-bench",
        granule: i % 64,
        host: "h1",
        from: "running",
        to: "atBarrier",
        event: "CONTROL_POINT",
        at: Date.now(),
      });
    // As hosts publish: each granule's events in order, many granules at once.
    const lanes = 16;
    let t = performance.now();
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        for (let i = lane; i < EVENTS; i += lanes)
          await publisher.publish(subjects.jobEvent("job-bench", i % 64), event(i));
      }),
    );
    const ours = EVENTS / ((performance.now() - t) / 1000);
    const js = jetstream(bus.nc);
    const bytes = encode(event(0));
    t = performance.now();
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        for (let i = lane; i < EVENTS; i += lanes)
          await js.publish(subjects.jobEvent("job-raw", i % 64), bytes);
      }),
    );
    const raw = EVENTS / ((performance.now() - t) / 1000);
    return [
      {
        group: "actors",
        name: "lifecycle events published to JetStream (16 granules at once)",
        value: ours,
        unit: "events/s",
        baseline: raw,
        baselineName: "raw js.publish",
        ratio: slowdown(ours, raw, true),
      },
    ];
  } finally {
    await bus.close();
  }
}

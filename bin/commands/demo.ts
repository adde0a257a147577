// The README's main demo: compiles the examples to WebAssembly, starts a local cluster
// (nats-server, a planner, two host processes) and runs jobs on it: WASI granules placed over
// both hosts with FIFO queueing; an MPI job split over the hosts; a rank migrated to the other
// host and back at barriers; a job frozen into the snapshot bucket and thawed; an OpenMP job
// that the elastic policy scales up. Exits non-zero if any result is not what the example
// itself checks.
import { execFile } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  awaitNthJobEvent,
  clusterStatus,
  createLogger,
  followEvents,
  freezeJob,
  type JobResult,
  LocalCluster,
  migrateGranule,
  submitJob,
  thawJob,
  waitJob,
} from "../../actors/mod.js";
import type { Bus, MessageOf } from "../../bus/mod.js";
import { compileMpi, compileOpenMp } from "../../wasm-host/mod.js";
import { formatEvent } from "./format-event.js";
import { packageRoot } from "./options.js";

const say = (text: string) => process.stdout.write(`\n== ${text}\n`);

export async function runDemo(): Promise<number> {
  const root = packageRoot();
  const build = join(root, "build/examples");
  await mkdir(build, { recursive: true });
  const out = (name: string) => join(build, name);
  say("compiling the examples to WebAssembly (clang-19; granny cc for MPI and OpenMP)");
  await promisify(execFile)("clang-19", [
    "--target=wasm32-wasi",
    "-O2",
    "-Wl,--strip-debug",
    join(root, "examples/wasi/hello.c"),
    "-o",
    out("hello.wasm"),
  ]);
  await compileMpi({ sources: [join(root, "examples/mpi/heat2d.c")], output: out("heat2d.wasm") });
  await compileMpi({ sources: [join(root, "examples/mpi/timesteps.c")], output: out("timesteps.wasm") });
  await compileOpenMp({ sources: [join(root, "examples/omp/phases.c")], output: out("phases.wasm") });
  const wasm = async (name: string) => new Uint8Array(await readFile(out(name)));

  process.env.GRANNY_LOG ??= "warn";
  say("starting a local cluster: nats-server with JetStream, a planner (elastic policy), 2 hosts x 4 slots");
  await using cluster = await LocalCluster.start({
    hosts: 2,
    slots: 4,
    policy: "elastic",
    log: createLogger("demo"),
  });
  const bus = await cluster.connect("demo");
  const failures: string[] = [];
  const check = (what: string, result: JobResult, output = "", mustContain?: string) => {
    const ok =
      result.state === "finished" && result.exitCode === 0 && (!mustContain || output.includes(mustContain));
    process.stdout.write(
      `${what}: ${result.state}, exit code ${result.exitCode}${result.error ? `, ${result.error}` : ""}\n`,
    );
    if (!ok) failures.push(what);
  };
  try {
    await wasiJobs(bus, await wasm("hello.wasm"), check);
    await mpiJob(bus, await wasm("heat2d.wasm"), check);
    await migration(bus, await wasm("timesteps.wasm"), check);
    await openMp(bus, await wasm("phases.wasm"), check);
    say("cluster status");
    const status = await clusterStatus(bus);
    for (const h of status.hosts) process.stdout.write(`${h.name}: ${h.used}/${h.slots} slots used\n`);
    for (const j of status.jobs) {
      process.stdout.write(
        `${j.id} (${j.kind}): ${j.state}, placement ${j.placement.map((p) => p.host).join(",") || "-"}, cross-VM links ${j.crossVmLinks}\n`,
      );
    }
  } finally {
    await bus.close();
  }
  say(
    failures.length === 0
      ? "demo finished: every job gave the expected result"
      : `demo FAILED: ${failures.join(", ")}`,
  );
  return failures.length === 0 ? 0 : 1;
}

type Check = (what: string, result: JobResult, output?: string, mustContain?: string) => void;

async function collect(
  bus: Bus,
  jobId: string,
  prefix = false,
): Promise<{ result: JobResult; stdout: string }> {
  let stdout = "";
  const result = await waitJob(bus, jobId, {
    onOutput: (g, stream, data) => {
      const text = Buffer.from(data).toString();
      if (stream === "stdout") stdout += text;
      (stream === "stdout" ? process.stdout : process.stderr).write(prefix ? `[${g}] ${text}` : text);
    },
  });
  return { result, stdout };
}

async function events(
  bus: Bus,
  jobId: string,
  keep: (e: MessageOf<"job_event"> | MessageOf<"lifecycle">) => boolean,
) {
  await followEvents(bus, { jobId }, (e) => {
    if (keep(e)) process.stdout.write(`${formatEvent(e)}\n`);
  });
}

async function wasiJobs(bus: Bus, module: Uint8Array, check: Check): Promise<void> {
  say("WASI: two jobs of 6 granules; the first spans both hosts, the second waits in the queue");
  const first = await submitJob(bus, { module, name: "hello.wasm", size: 6, args: ["granule", "100000"] });
  const second = await submitJob(bus, { module, name: "hello.wasm", size: 6, args: ["queued", "2000"] });
  process.stdout.write(`${first.jobId} queued=${first.queued}\n${second.jobId} queued=${second.queued}\n`);
  for (const { jobId } of [first, second]) {
    const { result } = await collect(bus, jobId, true);
    check(jobId, result);
  }
  say(`lifecycle events of ${first.jobId}, replayed from the jobs stream (granule 0)`);
  await events(bus, first.jobId, (e) => e.type === "granny.v1.job_event" || e.granule === 0);
}

async function mpiJob(bus: Bus, module: Uint8Array, check: Check): Promise<void> {
  say("MPI: a 2-D heat stencil with halo exchange, 6 ranks over both hosts (shared memory + NATS)");
  const { jobId } = await submitJob(bus, { module, name: "heat2d.wasm", size: 6, args: ["96", "200"] });
  const { result, stdout } = await collect(bus, jobId);
  check(`heat2d ${jobId}`, result, stdout, "VALID");
}

async function migration(bus: Bus, module: Uint8Array, check: Check): Promise<void> {
  say("migration: rank 1 of a 4-rank job moves to the other host and back at barriers; then freeze and thaw");
  const { jobId } = await submitJob(bus, { module, name: "timesteps.wasm", size: 4, args: ["1200", "4000"] });
  const running = collect(bus, jobId);
  const placement = async () =>
    (await clusterStatus(bus)).jobs.find((j) => j.id === jobId)?.placement.map((p) => p.host) ?? [];
  const home = (await placement())[1] ?? "host-1";
  const away = home === "host-1" ? "host-2" : "host-1";
  const waitFor = (event: string, n: number) => awaitNthJobEvent(bus, jobId, event, n);
  await migrateGranule(bus, jobId, 1, away);
  await waitFor("migrated", 1);
  await migrateGranule(bus, jobId, 1, home);
  await waitFor("migrated", 2);
  await freezeJob(bus, jobId);
  await waitFor("frozen", 1);
  process.stdout.write(`frozen: ${(await clusterStatus(bus)).jobs.find((j) => j.id === jobId)?.state}\n`);
  await thawJob(bus, jobId);
  const { result, stdout } = await running;
  check(`timesteps ${jobId}`, result, stdout, "after 1200 iterations");
  await events(
    bus,
    jobId,
    (e) =>
      (e.type === "granny.v1.job_event" && e.event !== "submitted") ||
      (e.type === "granny.v1.lifecycle" && e.granule === 1 && e.to !== "running"),
  );
}

async function openMp(bus: Bus, module: Uint8Array, check: Check): Promise<void> {
  say("OpenMP: a job submitted with 1 thread; the elastic policy gives it the host's idle vCPUs");
  const { jobId } = await submitJob(bus, { module, name: "phases.wasm", size: 1, args: ["10", "150"] });
  const { result, stdout } = await collect(bus, jobId);
  check(`phases ${jobId}`, result, stdout, "phase 9");
  await events(
    bus,
    jobId,
    (e) => e.type === "granny.v1.job_event" && (e.event === "scaled" || e.event === "threads-changed"),
  );
}

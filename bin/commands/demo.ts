// The README's main demo: compiles the example programs to WebAssembly, starts a local cluster
// (nats-server, a planner, two hosts) and runs jobs on it, showing placement across hosts, FIFO
// queueing, output streaming, lifecycle events and the cluster status. Exits non-zero if any
// job's result is not what the example itself checks.
import { execFile } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  clusterStatus,
  createLogger,
  followEvents,
  LocalCluster,
  submitJob,
  waitJob,
} from "../../actors/mod.js";
import { formatEvent } from "./format-event.js";
import { packageRoot } from "./options.js";

const run = promisify(execFile);

export async function runDemo(): Promise<number> {
  const say = (text: string) => process.stdout.write(`\n== ${text}\n`);
  const root = packageRoot();
  await mkdir(join(root, "build/examples"), { recursive: true });
  const hello = join(root, "build/examples", "hello.wasm");
  say("compiling examples/wasi/hello.c to WebAssembly with clang-19");
  await run("clang-19", [
    "--target=wasm32-wasi",
    "-O2",
    "-Wl,--strip-debug",
    "examples/wasi/hello.c",
    "-o",
    hello,
  ]);

  process.env.GRANNY_LOG ??= "warn";
  say("starting a local cluster: nats-server with JetStream, a planner, 2 hosts x 4 slots");
  await using cluster = await LocalCluster.start({ hosts: 2, slots: 4, log: createLogger("demo") });
  const bus = await cluster.connect("demo");
  let failures = 0;
  try {
    const module = new Uint8Array(await readFile(hello));
    say("submitting two jobs of 6 granules each: the first spans both hosts, the second waits in the queue");
    const first = await submitJob(bus, { module, name: "hello.wasm", size: 6, args: ["granule", "100000"] });
    const second = await submitJob(bus, { module, name: "hello.wasm", size: 6, args: ["queued", "2000"] });
    process.stdout.write(`${first.jobId} queued=${first.queued}\n${second.jobId} queued=${second.queued}\n`);
    for (const { jobId } of [first, second]) {
      say(`output of ${jobId}`);
      const result = await waitJob(bus, jobId, {
        onOutput: (g, stream, data) =>
          (stream === "stdout" ? process.stdout : process.stderr).write(`[${g}] ${Buffer.from(data)}`),
      });
      process.stdout.write(
        `${jobId}: ${result.state}, exit code ${result.exitCode}${result.error ? `, ${result.error}` : ""}\n`,
      );
      if (result.state !== "finished" || result.exitCode !== 0) failures++;
    }
    say(`lifecycle events of ${first.jobId} (replayed from the jobs stream)`);
    await followEvents(bus, { jobId: first.jobId }, (e) => process.stdout.write(`${formatEvent(e)}\n`));
    say("cluster status");
    const status = await clusterStatus(bus);
    for (const h of status.hosts) process.stdout.write(`${h.name}: ${h.used}/${h.slots} slots used\n`);
    for (const j of status.jobs) {
      process.stdout.write(
        `${j.id}: ${j.state}, placement ${j.placement.map((p) => p.host).join(",")}, cross-VM links ${j.crossVmLinks}\n`,
      );
    }
  } finally {
    await bus.close();
  }
  say(
    failures === 0
      ? "demo finished: every job gave the expected result"
      : `demo FAILED: ${failures} job(s) went wrong`,
  );
  return failures === 0 ? 0 : 1;
}

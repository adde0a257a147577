// Jobs: `granny submit`, `granny wait`, `granny events`, `granny kill`.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Command } from "commander";
import {
  clusterStatus,
  evictHost,
  followEvents,
  freezeJob,
  type JobKind,
  killJob,
  migrateGranule,
  submitJob,
  thawJob,
  waitJob,
} from "../../actors/mod.js";
import { type Bus, connectBus } from "../../bus/mod.js";
import { formatEvent } from "./format-event.js";
import { duration, nonNegativeInt, positiveInt, writeOutput } from "./options.js";

export interface SubmitFlags {
  readonly n: number;
  readonly kind?: JobKind;
  readonly env?: string[];
}

/** Reads a module and submits it; shared by `submit` and `run`. */
export async function submitFromFile(bus: Bus, file: string, args: string[], flags: SubmitFlags) {
  const bytes = await readFile(file).catch((err: Error) => {
    throw new Error(`cannot read ${file}: ${err.message}`);
  });
  return submitJob(bus, {
    module: bytes,
    name: basename(file),
    size: flags.n,
    args,
    env: parseEnv(flags.env ?? []),
    ...(flags.kind ? { kind: flags.kind } : {}),
  });
}

/** Streams a job's output and returns its exit status. */
export async function waitAndReport(bus: Bus, jobId: string): Promise<number> {
  const result = await waitJob(bus, jobId, { onOutput: writeOutput });
  if (result.state === "failed") process.stderr.write(`granny: job ${jobId} failed: ${result.error}\n`);
  return result.exitCode;
}

export function jobCommands(program: Command): void {
  program
    .command("submit")
    .description(
      "submit a job of N granules; prints its id (with --wait, streams its output and exits with its status)",
    )
    .argument("<module>", "WebAssembly module (.wasm)")
    .argument("[args...]", "program arguments (after --)")
    .requiredOption("-n, --granules <N>", "number of granules (ranks or threads)", positiveInt)
    .option("--wait", "wait for the job, stream its output and exit with its status")
    .option("--kind <kind>", "wasi, mpi or omp (default: detected from the module's imports)")
    .option("-e, --env <KEY=VALUE...>", "environment variables for the program")
    .action(
      async (
        file: string,
        args: string[],
        opts: { granules: number; wait?: boolean; kind?: JobKind; env?: string[] },
      ) => {
        const bus = await connectBus({ name: "submit" });
        try {
          const { jobId } = await submitFromFile(bus, file, args, { n: opts.granules, ...opts });
          if (!opts.wait) {
            process.stdout.write(`${jobId}\n`);
            return;
          }
          process.exitCode = await waitAndReport(bus, jobId);
        } finally {
          await bus.close();
        }
      },
    );

  program
    .command("wait")
    .description("stream a job's output (from its start) and exit with its status")
    .argument("<job>", "job id")
    .action(async (jobId: string) => {
      const bus = await connectBus({ name: "wait" });
      try {
        const status = await clusterStatus(bus);
        if (!status.jobs.some((j) => j.id === jobId)) throw new Error(`no job ${jobId} (see granny status)`);
        process.exitCode = await waitAndReport(bus, jobId);
      } finally {
        await bus.close();
      }
    });

  program
    .command("events")
    .description("print lifecycle and job events, replayed from the start of the stream")
    .option("--job <id>", "only this job")
    .option("--follow", "keep printing new events")
    .option("--json", "one JSON object per line")
    .action(async (opts: { job?: string; follow?: boolean; json?: boolean }) => {
      const bus = await connectBus({ name: "events" });
      const abort = new AbortController();
      process.once("SIGINT", () => abort.abort());
      try {
        await followEvents(
          bus,
          { ...(opts.job ? { jobId: opts.job } : {}), follow: opts.follow ?? false, signal: abort.signal },
          (e) => process.stdout.write(`${opts.json ? JSON.stringify(e) : formatEvent(e)}\n`),
        );
      } finally {
        await bus.close();
      }
    });

  program
    .command("migrate")
    .description(
      "move an MPI rank to another host: its memory is copied there while it runs, then it moves at its next barrier",
    )
    .argument("<job>", "job id")
    .requiredOption("--rank <R>", "the rank (granule index) to move", nonNegativeInt)
    .requiredOption("--to <host>", "target host")
    .action(async (jobId: string, opts: { rank: number; to: string }) => {
      const bus = await connectBus({ name: "migrate" });
      try {
        await migrateGranule(bus, jobId, opts.rank, opts.to);
        process.stdout.write(`rank ${opts.rank} of ${jobId} moves to ${opts.to} at its next barrier\n`);
      } finally {
        await bus.close();
      }
    });

  program
    .command("freeze")
    .description("freeze an MPI job at its next barrier: snapshots kept in the bucket, its slots freed")
    .argument("<job>", "job id")
    .action(async (jobId: string) => {
      const bus = await connectBus({ name: "freeze" });
      try {
        await freezeJob(bus, jobId);
        process.stdout.write(`${jobId} freezes at its next barrier\n`);
      } finally {
        await bus.close();
      }
    });

  program
    .command("thaw")
    .description("place a frozen job again (on any hosts) and resume it from its snapshots")
    .argument("<job>", "job id")
    .action(async (jobId: string) => {
      const bus = await connectBus({ name: "thaw" });
      try {
        await thawJob(bus, jobId);
        process.stdout.write(`${jobId} is being restored\n`);
      } finally {
        await bus.close();
      }
    });

  program
    .command("evict")
    .description(
      "a host goes away after the grace period: its MPI ranks move (or their jobs freeze) before then",
    )
    .argument("<host>", "host name")
    .option("--grace <duration>", "time until the host goes away (60s, 2m, 500ms)", duration, 60_000)
    .action(async (host: string, opts: { grace: number }) => {
      const bus = await connectBus({ name: "evict" });
      try {
        await evictHost(bus, host, opts.grace);
        process.stdout.write(`${host} is under eviction notice for ${opts.grace} ms\n`);
      } finally {
        await bus.close();
      }
    });

  program
    .command("kill")
    .description("stop a job: queued jobs leave the queue, running ones are stopped on every host")
    .argument("<job>", "job id")
    .action(async (jobId: string) => {
      const bus = await connectBus({ name: "kill" });
      try {
        await killJob(bus, jobId, "killed by the user");
      } finally {
        await bus.close();
      }
    });
}

function parseEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq < 1) throw new Error(`--env expects KEY=VALUE, not "${pair}"`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

// Runs one MPI job inside this process: every rank in its own granule worker, ranks grouped into
// "hosts" that each get their own MpiRouter, the routers linked directly (in place of NATS).
// The host actor does the same over the bus; this is for tests, benchmarks and `granny cc` users
// who want to try a program without a cluster.

import { type GranuleHandle, runGranule } from "../granule-runner.js";
import type { GranuleOutcome } from "../outcome.js";
import { mpiProviderUrl } from "./provider-url.js";
import { type MpiJobFailure, MpiRouter } from "./router.js";

export interface LocalMpiJobOptions {
  readonly module: WebAssembly.Module | Uint8Array;
  /** Host name of each rank; the job has placement.length ranks. */
  readonly placement: readonly string[];
  /** argv without argv[0]. */
  readonly args?: readonly string[];
  readonly name?: string;
  readonly inboxBytes?: number;
  readonly inflightLimit?: number;
  readonly remoteFragmentBytes?: number;
  /** Stops every rank after this many ms (default: no limit). */
  readonly timeoutMs?: number;
}

export interface LocalMpiJobResult {
  readonly outcomes: readonly GranuleOutcome[];
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  /** Why the job failed, if it did. */
  readonly failure: MpiJobFailure | undefined;
  /** Envelopes and bytes that crossed between routers. */
  readonly crossHost: { envelopes: number; bytes: number };
}

/** How long ranks of an aborted job get to notice before they are stopped. */
const ABORT_GRACE_MS = 2000;

export async function runLocalMpiJob(options: LocalMpiJobOptions): Promise<LocalMpiJobResult> {
  const jobId = options.name ?? "local-mpi";
  const hosts = [...new Set(options.placement)];
  const routers = new Map<string, MpiRouter>();
  const crossHost = { envelopes: 0, bytes: 0 };
  let failure: MpiJobFailure | undefined;
  const handlesRef: GranuleHandle[] = [];
  for (const host of hosts) {
    routers.set(
      host,
      new MpiRouter({
        jobId,
        hostName: host,
        placement: options.placement,
        inboxBytes: options.inboxBytes,
        inflightLimit: options.inflightLimit,
        remoteFragmentBytes: options.remoteFragmentBytes,
        remoteSend: (to, envelope) => {
          crossHost.envelopes++;
          crossHost.bytes += envelope.length;
          // Asynchronous like a network hop, and in order per destination like NATS.
          const copy = envelope.slice();
          setImmediate(() => routers.get(to)?.deliverFromRemote(copy));
        },
        onAbort: (f) => {
          failure ??= f;
          // A rank busy computing never looks at the abort flag: stop it as mpirun would.
          setTimeout(() => {
            for (const h of handlesRef) void h.kill();
          }, ABORT_GRACE_MS).unref();
        },
      }),
    );
  }
  const size = options.placement.length;
  const stdout = Array.from({ length: size }, () => "");
  const stderr = Array.from({ length: size }, () => "");
  const decoder = () => new TextDecoder();
  const handles = options.placement.map((host, rank) => {
    const router = routers.get(host) as MpiRouter;
    const out = decoder();
    const err = decoder();
    return runGranule(
      {
        module: options.module,
        args: [`${jobId}.wasm`, ...(options.args ?? [])],
        providers: [mpiProviderUrl().href],
        providerData: router.rankData(rank),
        name: `${jobId}/rank-${rank}`,
      },
      {
        onStdout: (b) => {
          stdout[rank] += out.decode(b, { stream: true });
        },
        onStderr: (b) => {
          stderr[rank] += err.decode(b, { stream: true });
        },
        onProviderMessage: (m) => router.handleProviderMessage(rank, m),
      },
    );
  });
  handlesRef.push(...handles);
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          for (const router of routers.values()) {
            router.fail({
              code: 16,
              message: `MPI_ERR_OTHER: job ${jobId} timed out after ${options.timeoutMs} ms`,
            });
          }
          for (const h of handles) void h.kill();
        }, options.timeoutMs);
  const outcomes = await Promise.all(
    handles.map(async (h, rank) => {
      const outcome = await h.done;
      routers.get(options.placement[rank] as string)?.rankExited(rank, outcome);
      return outcome;
    }),
  );
  if (timer !== undefined) clearTimeout(timer);
  for (const router of routers.values()) {
    failure ??= router.failure;
    router.close();
  }
  return { outcomes, stdout, stderr, failure, crossHost };
}

// Cross-host routing: routers of two "hosts" wired to each other through remoteSend and
// deliverFromRemote, exactly as the host actor wires them over NATS, with ranks run by
// runGranule. Shows end-to-end flow control (bounded in-flight bytes), locality-aware
// collectives (one exchange per host, not per rank), and that bad input fails the job.

import path from "node:path";
import { describe, expect, it } from "vitest";
import { type GranuleOutcome, runGranule } from "../../wasm-host/mod.js";
import { MpiRouter, mpiProviderUrl } from "../../wasm-host/mpi/mod.js";
import { PROGRAMS, placementOf, runGranny, wasmModule } from "./support/mpi-build.js";

interface LinkStats {
  dataEnvelopes: number;
  /** Largest number of bytes any rank had sent across hosts that were not yet credited back. */
  maxInflight: number;
}

interface WiredRun {
  outcomes: GranuleOutcome[];
  stdout: string;
  stats: LinkStats;
  failures: string[];
}

/** Runs a program over routers linked directly; envelope kinds: 1 data, 2 credit, 3 abort. */
async function runWired(
  module: WebAssembly.Module,
  placement: readonly string[],
  limits: { inboxBytes?: number; inflightLimit?: number; remoteFragmentBytes?: number } = {},
): Promise<WiredRun> {
  const hosts = [...new Set(placement)];
  const routers = new Map<string, MpiRouter>();
  const inflight = new Map<number, number>();
  const stats: LinkStats = { dataEnvelopes: 0, maxInflight: 0 };
  const failures: string[] = [];
  for (const host of hosts) {
    routers.set(
      host,
      new MpiRouter({
        jobId: "wired",
        hostName: host,
        placement,
        ...limits,
        remoteSend: (to, envelope) => {
          const view = new DataView(envelope.buffer, envelope.byteOffset, envelope.byteLength);
          const kind = view.getUint32(0, true);
          if (kind === 1) {
            stats.dataEnvelopes++;
            const src = view.getInt32(8 + 8, true);
            const now = (inflight.get(src) ?? 0) + envelope.length - 8;
            inflight.set(src, now);
            stats.maxInflight = Math.max(stats.maxInflight, now);
          } else if (kind === 2) {
            const rank = view.getInt32(4, true);
            inflight.set(rank, (inflight.get(rank) ?? 0) - view.getInt32(8, true));
          }
          const copy = envelope.slice();
          setImmediate(() => routers.get(to)?.deliverFromRemote(copy));
        },
        onAbort: (f) => failures.push(f.message),
      }),
    );
  }
  let stdout = "";
  const outcomes = await Promise.all(
    placement.map(async (host, rank) => {
      const router = routers.get(host) as MpiRouter;
      const handle = runGranule(
        {
          module,
          args: ["program"],
          providers: [mpiProviderUrl().href],
          providerData: router.rankData(rank),
          name: `wired/rank-${rank}`,
        },
        {
          onStdout: (b) => {
            stdout += new TextDecoder().decode(b);
          },
          onStderr: () => {},
          onProviderMessage: (m) => router.handleProviderMessage(rank, m),
        },
      );
      const outcome = await handle.done;
      router.rankExited(rank, outcome);
      return outcome;
    }),
  );
  for (const r of routers.values()) r.close();
  return { outcomes, stdout, stats, failures };
}

const allExited = (n: number) => Array.from({ length: n }, () => ({ kind: "exited", code: 0 }));

describe("MPI routers linked in one process", () => {
  it("keep each rank's cross-host bytes in flight under the bound, through tiny inboxes", async () => {
    const module = await wasmModule(path.join(PROGRAMS, "p2p.c"));
    const limit = 64 * 1024;
    const run = await runWired(module, placementOf(4, 2), {
      inboxBytes: 32 * 1024,
      inflightLimit: limit,
      remoteFragmentBytes: 16 * 1024,
    });
    expect(run.failures).toEqual([]);
    expect(run.outcomes).toEqual(allExited(4));
    expect(run.stdout.match(/p2p ok/g)).toHaveLength(4);
    // p2p sends 3 MiB around the ring, so the bound was reached and held.
    expect(run.stats.maxInflight).toBeGreaterThan(limit / 2);
    expect(run.stats.maxInflight).toBeLessThanOrEqual(limit + 16 * 1024 + 64);
  });

  it("carry random traffic between 8 ranks on 3 hosts through 16 KiB inboxes without loss or reordering", async () => {
    const module = await wasmModule(path.join(PROGRAMS, "stress.c"));
    const limit = 32 * 1024;
    const run = await runWired(module, placementOf(8, 3), {
      inboxBytes: 16 * 1024,
      inflightLimit: limit,
      remoteFragmentBytes: 8 * 1024,
    });
    expect(run.failures).toEqual([]);
    expect(run.outcomes).toEqual(allExited(8));
    expect(run.stdout).toMatch(/^stress: 192 messages, \d+ bytes, all checked\n$/);
    expect(run.stats.maxInflight).toBeLessThanOrEqual(limit + 8 * 1024 + 64);
  });

  it("re-fragment records from a host whose fragments are larger than this host's inboxes", async () => {
    const module = await wasmModule(path.join(PROGRAMS, "p2p.c"));
    // 256 KiB fragments into 16 KiB inboxes, where a record may carry at most 4 KiB.
    const run = await runWired(module, placementOf(3, 2), {
      inboxBytes: 16 * 1024,
      remoteFragmentBytes: 256 * 1024,
    });
    expect(run.failures).toEqual([]);
    expect(run.outcomes).toEqual(allExited(3));
    expect(run.stdout.match(/p2p ok/g)).toHaveLength(3);
  });

  it("cross hosts a fixed number of times per collective, however many ranks a host runs", async () => {
    const module = await wasmModule(path.join(PROGRAMS, "collective_rounds.c"));
    const small = await runWired(module, ["a", "b"]);
    const large = await runWired(module, ["a", "b", "a", "b", "a", "b", "a", "b"]);
    expect(small.outcomes).toEqual(allExited(2));
    expect(large.outcomes).toEqual(allExited(8));
    expect(small.stdout).toBe("total 400\n");
    expect(large.stdout).toBe("total 1660\n");
    // Barrier 2, Bcast 1, Allreduce 2, Reduce 1 crossings per round, 20 rounds.
    expect(small.stats.dataEnvelopes).toBe(120);
    expect(large.stats.dataEnvelopes).toBe(120);
  });

  it("fail the job on an envelope they cannot decode", () => {
    const failures: string[] = [];
    const router = new MpiRouter({
      jobId: "bad",
      hostName: "a",
      placement: ["a", "b"],
      remoteSend: () => {},
      onAbort: (f) => failures.push(f.message),
    });
    router.deliverFromRemote(new Uint8Array([9, 0, 0, 0, 0, 0, 0, 0]));
    expect(failures).toEqual(["MPI_ERR_INTERN: bad envelope from another host: unknown MPI envelope kind 9"]);
    expect(router.failure?.code).toBe(17);
  });

  it("fail the job when the link to another host refuses a message", () => {
    const failures: string[] = [];
    const router = new MpiRouter({
      jobId: "down",
      hostName: "a",
      placement: ["a", "b"],
      remoteSend: () => {
        throw new Error("connection closed");
      },
      onAbort: (f) => failures.push(f.message),
    });
    router.handleProviderMessage(0, { type: "mpi.remote", dest: 1, record: new Uint8Array(40) });
    expect(failures).toEqual(["MPI_ERR_INTERN: cannot reach host b: connection closed"]);
  });

  it("refuse providerData for a rank placed on another host", () => {
    const router = new MpiRouter({ jobId: "j", hostName: "a", placement: ["a", "b"], remoteSend: () => {} });
    expect(router.localRanks).toEqual([0]);
    expect(() => router.rankData(1)).toThrow("rank 1 of job j is not placed on a");
  });
});

describe("a rank that leaves without calling MPI_Init", () => {
  /** Two hosts' routers linked directly, as in runWired, without ranks. */
  function linkedRouters(placement: readonly string[]) {
    const routers = new Map<string, MpiRouter>();
    const failures: string[] = [];
    for (const host of new Set(placement)) {
      routers.set(
        host,
        new MpiRouter({
          jobId: "uninit",
          hostName: host,
          placement,
          remoteSend: (to, envelope) => routers.get(to)?.deliverFromRemote(envelope.slice()),
          onAbort: (f) => failures.push(`${host}: ${f.message}`),
        }),
      );
    }
    return { router: (h: string) => routers.get(h) as MpiRouter, failures };
  }

  it("fails the job when another rank, on another host, called MPI_Init", () => {
    const { router, failures } = linkedRouters(["a", "b", "b"]);
    router("b").handleProviderMessage(2, { type: "mpi.initialized", rank: 2 });
    router("a").rankExited(0, { kind: "exited", code: 0 });
    expect(router("b").failure?.message).toBe(
      "MPI_ERR_OTHER: rank 0 exited without calling MPI_Init, while rank 2 called it (and may wait for it forever)",
    );
    // The host that decided tells the others: the whole job is over.
    expect(router("a").failure?.message).toBe(router("b").failure?.message);
    expect(failures).toHaveLength(2);
  });

  it("fails it too when the call to MPI_Init comes after the exit", () => {
    const { router } = linkedRouters(["a", "a"]);
    router("a").rankExited(1, { kind: "exited", code: 0 });
    expect(router("a").failure).toBeUndefined();
    router("a").handleProviderMessage(0, { type: "mpi.initialized", rank: 0 });
    expect(router("a").failure?.message).toMatch(/^MPI_ERR_OTHER: rank 1 exited without calling MPI_Init/);
  });

  it("is no error when no rank calls MPI_Init (a program that stops early everywhere)", async () => {
    const { router, failures } = linkedRouters(["a", "b"]);
    router("a").rankExited(0, { kind: "exited", code: 0 });
    router("b").rankExited(1, { kind: "exited", code: 0 });
    expect(router("a").failure).toBeUndefined();
    expect(router("b").failure).toBeUndefined();
    expect(failures).toEqual([]);
    // And end to end: every rank returns before MPI_Init when given an argument.
    const run = await runGranny(await wasmModule(path.join(PROGRAMS, "misuse", "early_exit.c")), 3, 2, [
      "stop",
    ]);
    expect(run.failure).toBeUndefined();
    expect(run.outcomes.every((o) => o.kind === "exited" && o.code === 0)).toBe(true);
  });
});

// An MPI job over in-process "hosts" (one MpiRouter each, linked directly in place of NATS) whose
// ranks can be migrated between hosts at barriers, following the sequence a host actor and the
// planner follow over the bus (docs/snapshots.md). Every snapshot is encoded and decoded on the
// way, as it would be on the wire, and every restored memory is compared with its snapshot.

import {
  decodeSnapshot,
  encodeSnapshot,
  type GranuleHandle,
  type GranuleOutcome,
  type GranuleSnapshot,
  imageDigest,
  MpiRouter,
  mpiProviderUrl,
  runGranule,
  snapshotTransferList,
} from "../../../wasm-host/mod.js";

export interface MigrationRecord {
  readonly rank: number;
  readonly from: string;
  readonly to: string;
  readonly snapshotBytes: number;
  /** The restored memory hashed the same as the snapshot's memory image. */
  readonly memoryMatches: boolean;
  /** Messages in the rank's inbox, not yet received, carried by the snapshot. */
  readonly carriedMessages: number;
  /** From the snapshot request until every rank was released, ms. */
  readonly pauseMs: number;
}

export class MigratingJob {
  readonly routers = new Map<string, MpiRouter>();
  readonly stdout: string[];
  readonly stderr: string[];
  readonly migrations: MigrationRecord[] = [];
  private placement: string[];
  private readonly handles: GranuleHandle[] = [];
  private readonly finals: Promise<GranuleOutcome>[] = [];
  private readonly settleFinal: ((o: GranuleOutcome) => void)[] = [];
  private readonly suspensions = new Map<number, (s: GranuleSnapshot | Error) => void>();

  constructor(
    private readonly module: Uint8Array,
    private readonly moduleHash: string,
    placement: readonly string[],
    private readonly args: readonly string[],
    private readonly jobId = "migrating-job",
  ) {
    this.placement = [...placement];
    const size = placement.length;
    this.stdout = Array.from({ length: size }, () => "");
    this.stderr = Array.from({ length: size }, () => "");
    for (const host of new Set(placement)) this.addRouter(host);
    for (let rank = 0; rank < size; rank++) {
      this.finals.push(
        new Promise((resolve) => {
          this.settleFinal[rank] = resolve;
        }),
      );
      this.launch(rank, undefined);
    }
  }

  /** The job's failure as the routers recorded it. */
  get failure(): string | undefined {
    for (const router of this.routers.values())
      if (router.failure !== undefined) return router.failure.message;
    return undefined;
  }

  private addRouter(host: string): MpiRouter {
    const router = new MpiRouter({
      jobId: this.jobId,
      hostName: host,
      placement: this.placement,
      remoteSend: (to, envelope) => {
        const copy = envelope.slice();
        // Asynchronous like a network hop, in order per destination like NATS.
        setImmediate(() => this.routers.get(to)?.deliverFromRemote(copy));
      },
    });
    this.routers.set(host, router);
    return router;
  }

  private launch(
    rank: number,
    restore: GranuleSnapshot | undefined,
    transferList: ArrayBuffer[] = [],
  ): GranuleHandle {
    const host = this.placement[rank] as string;
    const router = this.routers.get(host) as MpiRouter;
    const out = new TextDecoder();
    const err = new TextDecoder();
    const handle = runGranule(
      {
        module: this.module,
        moduleHash: this.moduleHash,
        args: [`${this.jobId}.wasm`, ...this.args],
        providers: [mpiProviderUrl().href],
        providerData: router.rankData(rank),
        name: `${this.jobId}/rank-${rank}@${host}`,
        identity: { jobId: this.jobId, granuleId: `rank-${rank}` },
        ...(restore === undefined ? {} : { restore, digestAfterRestore: true, transferList }),
      },
      {
        onStdout: (b) => {
          this.stdout[rank] += out.decode(b, { stream: true });
        },
        onStderr: (b) => {
          this.stderr[rank] += err.decode(b, { stream: true });
        },
        // This incarnation talks to the router of the host it was launched on.
        onProviderMessage: (m) => router.handleProviderMessage(rank, m),
      },
    );
    this.handles[rank] = handle;
    void handle.done.then((outcome) => {
      router.rankExited(rank, outcome);
      const waiting = this.suspensions.get(rank);
      this.suspensions.delete(rank);
      if (outcome.kind === "suspended") {
        if (waiting === undefined)
          this.settleFinal[rank]?.({ kind: "failed", reason: "bad-launch", message: "suspended unasked" });
        else waiting(outcome.snapshot);
        return;
      }
      waiting?.(new Error(`rank ${rank} ended before its next barrier: ${JSON.stringify(outcome)}`));
      this.settleFinal[rank]?.(outcome);
    });
    return handle;
  }

  /** Moves a rank to a host at its next barrier, the way the planner and host actors do. */
  async migrate(rank: number, to: string): Promise<MigrationRecord> {
    return (await this.migrateMany([[rank, to]]))[0] as MigrationRecord;
  }

  /**
   * Moves several ranks at one barrier (all of them: a freeze and a thaw elsewhere), following
   * docs/snapshots.md step by step.
   */
  async migrateMany(
    moves: readonly (readonly [number, string])[],
    /** Changes a snapshot on its way (tests of bad snapshots). */
    tamper: (s: GranuleSnapshot) => GranuleSnapshot = (s) => s,
  ): Promise<MigrationRecord[]> {
    const t0 = performance.now();
    // 1. The source hosts ask the granules to snapshot at their next control point.
    const captured = moves.map(
      ([rank]) => new Promise<GranuleSnapshot | Error>((resolve) => this.suspensions.set(rank, resolve)),
    );
    for (const [rank] of moves) (this.handles[rank] as GranuleHandle).requestSnapshot();
    const snapshots = await Promise.all(captured);
    for (const s of snapshots) if (s instanceof Error) throw s;
    // 2. Every host of the job reports its ranks held (parked, or suspended for a snapshot).
    await Promise.all([...this.routers.values()].map((r) => r.whenHeld()));
    // 3. The planner sends the new placement to every host of the job (a new host makes a router).
    const from = moves.map(([rank]) => this.placement[rank] as string);
    const next = [...this.placement];
    for (const [rank, to] of moves) next[rank] = to;
    this.placement = next;
    for (const [, to] of moves) if (!this.routers.has(to)) this.addRouter(to);
    for (const router of this.routers.values()) router.updatePlacement(next);
    // 4. The snapshots travel as bytes; the target hosts check and restore them.
    const restores = moves.map(async ([rank], i) => {
      const bytes = encodeSnapshot(snapshots[i] as GranuleSnapshot);
      const decoded = tamper(decodeSnapshot(bytes, { expectModuleHash: this.moduleHash }));
      const expected = imageDigest(decoded.memory);
      const size = bytes.byteLength;
      const carried = (decoded.provider as { transport: { unexpected: unknown[] } }).transport.unexpected
        .length;
      // The memory moves into the worker without a copy; decoded.memory is spent afterwards.
      const restored = await this.launch(rank, decoded, snapshotTransferList(decoded)).restored;
      return { size, expected, carried, restored };
    });
    const done = await Promise.all(restores);
    // 5. Once the restored ranks are parked too, every host releases its ranks.
    await Promise.all([...this.routers.values()].map((r) => r.whenHeld()));
    for (const router of this.routers.values()) {
      router.releaseBarrier((r, message) => (this.handles[r] as GranuleHandle).postToGranule(message));
    }
    const pauseMs = performance.now() - t0;
    const records = moves.map(([rank, to], i): MigrationRecord => {
      const { size, expected, carried, restored } = done[i] as (typeof done)[number];
      return {
        rank,
        from: from[i] as string,
        to,
        snapshotBytes: size,
        memoryMatches: restored.memoryDigest === expected,
        carriedMessages: carried,
        pauseMs,
      };
    });
    this.migrations.push(...records);
    return records;
  }

  /**
   * Holds the job at its next barrier from one host, without moving anyone, and releases it:
   * resolves with the ranks each host had parked.
   */
  async holdAndRelease(host: string): Promise<Record<string, readonly number[]>> {
    (this.routers.get(host) as MpiRouter).holdBarrier();
    await Promise.all([...this.routers.values()].map((r) => r.whenHeld()));
    const parked: Record<string, readonly number[]> = {};
    for (const [name, router] of this.routers) parked[name] = router.heldRanks;
    for (const router of this.routers.values()) {
      router.releaseBarrier((r, message) => (this.handles[r] as GranuleHandle).postToGranule(message));
    }
    return parked;
  }

  /** Final outcomes of every rank (after any number of migrations). */
  outcomes(): Promise<GranuleOutcome[]> {
    return Promise.all(this.finals);
  }

  close(): void {
    for (const router of this.routers.values()) router.close();
  }

  async kill(): Promise<void> {
    await Promise.all(this.handles.map((h) => h.kill()));
  }
}

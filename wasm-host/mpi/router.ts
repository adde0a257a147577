// The MPI router of one job on one host. The host actor creates it with the job's placement;
// it owns the shared memory of the job's local ranks, hands each rank its providerData, sends
// what local ranks address to other hosts through the actor's remoteSend, and writes what
// arrives from other hosts into local inboxes. Flow control across hosts is end to end: a rank
// may have at most inflightLimit bytes that the destination host has not yet put into an inbox.
// Ranks never see NATS; the router never sees subjects.

import type { GranuleOutcome } from "../outcome.js";
import type { MpiRelease } from "./migration.js";
import {
  decodeEnvelope,
  type Envelope,
  EnvelopeKind,
  encodeEnvelope,
  isRankToRouter,
  type MpiRankData,
} from "./protocol.js";
import { Ring, ringHeaderBytes, splitRecord } from "./ring.js";
import { Control, controlBytes, RankState } from "./shared-layout.js";

export interface MpiRouterOptions {
  readonly jobId: string;
  /** This host, as named in placement. */
  readonly hostName: string;
  /** Host name of every world rank, indexed by rank. */
  readonly placement: readonly string[];
  /**
   * Sends an envelope to the router of this job on another host. Envelopes to one host must
   * arrive in the order they were sent (one NATS connection and subject keeps that order).
   */
  readonly remoteSend: (hostName: string, envelope: Uint8Array) => void | Promise<void>;
  /** Inbox size of each local rank (default 4 MiB). */
  readonly inboxBytes?: number;
  /** Bytes one rank may have in flight to other hosts (default 8 MiB). */
  readonly inflightLimit?: number;
  /** Largest record sent to another host (default 512 KiB). */
  readonly remoteFragmentBytes?: number;
  /** Called once when the job fails (a rank error, MPI_Abort, a rank gone without MPI_Finalize). */
  readonly onAbort?: (failure: MpiJobFailure) => void;
}

export interface MpiJobFailure {
  /** MPI error class, or the MPI_Abort error code. */
  readonly code: number;
  readonly message: string;
}

interface RemoteDelivery {
  readonly src: number;
  readonly record: Uint8Array;
  /** Bytes to credit back to the sender once this is in the inbox. */
  readonly credit: number;
}

type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };

const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

export class MpiRouter {
  readonly jobId: string;
  readonly hostName: string;
  readonly worldSize: number;
  // The placement and this host's shared memory, set by adopt() in the constructor and again by
  // updatePlacement (migration): not readonly for that reason only.
  private local!: readonly number[];
  private placement!: readonly string[];
  private slotOfRank!: number[];
  private hostNames!: string[];
  private hostOfRank!: number[];
  private control!: Control;
  /** Control blocks replaced by updatePlacement that parked ranks may still watch until released. */
  private retiredControls: Control[] = [];
  private ringBuffers!: { header: SharedArrayBuffer; data: SharedArrayBuffer }[];
  private rings!: Ring[];
  private waiting!: RemoteDelivery[][];
  /** Local ranks parked at a held barrier, and local ranks that left as snapshots. */
  private readonly held = new Set<number>();
  private readonly suspended = new Set<number>();
  private heldWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private readonly credits = new Map<number, number>();
  private creditFlushQueued = false;
  private sleeping = false;
  private closed = false;
  private failureValue: MpiJobFailure | undefined;

  constructor(private readonly options: MpiRouterOptions) {
    this.jobId = options.jobId;
    this.hostName = options.hostName;
    this.worldSize = options.placement.length;
    const inbox = options.inboxBytes ?? 4 * 1024 * 1024;
    if (inbox % 8 !== 0 || inbox < 4096)
      throw new Error(`inboxBytes must be a multiple of 8 and at least 4096, not ${inbox}`);
    this.adopt(this.layout(options.placement));
  }

  /** Routing tables and fresh shared memory for the local ranks of a placement. */
  /** Makes a layout (placement, routes, this host's shared memory) the current one. */
  private adopt(layout: ReturnType<MpiRouter["layout"]>): void {
    this.placement = layout.placement;
    this.hostNames = layout.hostNames;
    this.hostOfRank = layout.hostOfRank;
    this.slotOfRank = layout.slotOfRank;
    this.local = layout.localRanks;
    this.control = layout.control;
    this.ringBuffers = layout.ringBuffers;
    this.rings = layout.rings;
    this.waiting = layout.waiting;
  }

  private layout(placement: readonly string[]) {
    const hostNames = [...new Set(placement)];
    const hostOfRank = placement.map((h) => hostNames.indexOf(h));
    const local: number[] = [];
    const slotOfRank = placement.map((h, rank) => (h === this.options.hostName ? local.push(rank) - 1 : -1));
    const slots = local.length + 1;
    const control = new Control(new SharedArrayBuffer(controlBytes(local.length)), local.length);
    const inbox = this.options.inboxBytes ?? 4 * 1024 * 1024;
    const ringBuffers = local.map(() => ({
      header: new SharedArrayBuffer(ringHeaderBytes(slots)),
      data: new SharedArrayBuffer(inbox),
    }));
    const rings = ringBuffers.map((b) => new Ring(b.header, b.data, slots));
    const waiting: RemoteDelivery[][] = local.map(() => []);
    return {
      placement: [...placement],
      hostNames,
      hostOfRank,
      slotOfRank,
      localRanks: local,
      control,
      ringBuffers,
      rings,
      waiting,
    };
  }

  /** World ranks placed on this host, in slot order (changes with updatePlacement). */
  get localRanks(): readonly number[] {
    return this.local;
  }

  // ---- migration (docs/snapshots.md) ----

  /**
   * Makes the job's next barrier on the whole world a held one: every rank stays in it (after a
   * quiescent cut) until releaseBarrier on its host. A snapshot request on any rank
   * (handle.requestSnapshot()) holds that barrier too, without this call.
   */
  holdBarrier(): void {
    this.control.setBarrierHold(true);
  }

  /** Local ranks parked at a held barrier. */
  get heldRanks(): readonly number[] {
    return [...this.held].sort((a, b) => a - b);
  }

  /**
   * Resolves when every rank placed here is parked at the held barrier or has left as a snapshot
   * (rankExited with a suspended outcome), i.e. when this host is ready for a placement change.
   * Rejects if the job fails meanwhile (or had failed).
   */
  whenHeld(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failureValue !== undefined) {
        reject(new Error(`job ${this.jobId} failed: ${this.failureValue.message}`));
        return;
      }
      this.heldWaiters.push({ resolve, reject });
      this.checkHeld();
    });
  }

  private checkHeld(): void {
    if (this.heldWaiters.length === 0) return;
    if (!this.localRanks.every((r) => this.held.has(r) || this.suspended.has(r))) return;
    const waiters = this.heldWaiters;
    this.heldWaiters = [];
    for (const w of waiters) w.resolve();
  }

  /**
   * The job's new placement, while it is held (after whenHeld on every host of the job, before
   * any release). Ranks that stay here keep running on new shared memory when released; ranks
   * that arrive are launched with rankData(rank) from now on. Every router of the job, and a
   * new router on a host the job did not use before, must get the same placement.
   */
  updatePlacement(placement: readonly string[]): void {
    if (placement.length !== this.worldSize) {
      throw new Error(`a placement of ${placement.length} ranks for job ${this.jobId} of ${this.worldSize}`);
    }
    // Idempotent: a router made for the new placement (a host new to the job) needs no change.
    if (placement.every((h, r) => h === this.placement[r])) return;
    const notHeld = this.localRanks.filter((r) => !this.held.has(r) && !this.suspended.has(r));
    if (notHeld.length > 0) {
      throw new Error(
        `job ${this.jobId} on ${this.hostName}: cannot change placement while rank(s) ${notHeld.join(", ")} are not held`,
      );
    }
    const stays = placement.every((h, r) => (h === this.hostName) === (this.placement[r] === this.hostName));
    if (stays) {
      // Same local ranks: keep the shared memory, update the routes.
      this.placement = [...placement];
      this.hostNames = [...new Set(placement)];
      this.hostOfRank = placement.map((h) => this.hostNames.indexOf(h));
      return;
    }
    for (const q of this.waiting) {
      if (q.length > 0)
        throw new Error(`job ${this.jobId} on ${this.hostName}: records are still waiting for an inbox`);
    }
    const layout = this.layout(placement);
    this.retiredControls.push(this.control);
    // A held barrier stays held on the new shared memory until released.
    layout.control.setBarrierHold(this.control.barrierHeld);
    this.adopt(layout);
    for (const r of [...this.held]) if (!this.localRanks.includes(r)) this.held.delete(r);
    this.suspended.clear();
  }

  /**
   * Lets the ranks parked here leave the held barrier: post(rank, message) must hand each message
   * to that rank's granule (handle.postToGranule). Call on every host of the job once the moved
   * ranks are restored and parked too (whenHeld), so that no rank runs before all routes agree.
   */
  releaseBarrier(post: (rank: number, message: MpiRelease) => void): void {
    this.control.setBarrierHold(false);
    const ranks = this.heldRanks;
    this.held.clear();
    this.suspended.clear();
    for (const rank of ranks) post(rank, { type: "granny.mpi.release.v1", data: this.rankData(rank) });
    this.retiredControls = [];
  }

  /** The providerData for a local rank's launch. */
  rankData(worldRank: number): MpiRankData {
    if (this.slotOfRank[worldRank] === undefined || (this.slotOfRank[worldRank] as number) < 0) {
      throw new Error(`rank ${worldRank} of job ${this.jobId} is not placed on ${this.hostName}`);
    }
    return {
      kind: "granny.mpi.rank.v1",
      jobId: this.jobId,
      worldRank,
      worldSize: this.worldSize,
      hostName: this.hostName,
      hostOfRank: this.hostOfRank,
      hostNames: this.hostNames,
      slotOfRank: this.slotOfRank,
      localCount: this.localRanks.length,
      control: this.control.buffer,
      rings: this.ringBuffers,
      inflightLimit: this.options.inflightLimit ?? 8 * 1024 * 1024,
      remoteFragmentBytes: this.options.remoteFragmentBytes ?? 512 * 1024,
    };
  }

  get failure(): MpiJobFailure | undefined {
    return this.failureValue;
  }

  /** A message a local rank's MPI provider posted (runGranule's onProviderMessage). */
  handleProviderMessage(fromRank: number, message: unknown): void {
    if (!isRankToRouter(message)) {
      this.fail({ code: 17, message: `MPI_ERR_INTERN: rank ${fromRank} sent the router an unknown message` });
      return;
    }
    switch (message.type) {
      case "mpi.remote": {
        const host = this.placement[message.dest];
        if (host === undefined || host === this.hostName) {
          this.fail({
            code: 17,
            message: `MPI_ERR_INTERN: remote record for rank ${message.dest}, which is not remote`,
          });
          return;
        }
        this.send(host, { kind: EnvelopeKind.data, dest: message.dest, record: message.record });
        return;
      }
      case "mpi.abort":
        this.recordFailure({ code: message.code, message: message.message }, true);
        return;
      case "mpi.held":
        this.held.add(message.rank);
        this.checkHeld();
        return;
      case "mpi.initialized":
        this.initialized.add(message.rank);
        this.checkUninitializedExits();
        return;
    }
  }

  /** Ranks of the job (on any host) that ended with code 0 without ever calling MPI_Init. */
  private readonly exitedUninitialized = new Set<number>();
  /** Local ranks that called MPI_Init. */
  private readonly initialized = new Set<number>();

  /**
   * A rank that leaves without calling MPI_Init is only an error when others call it (they may
   * wait for it forever): as with mpirun, the job then fails. If no rank calls MPI_Init (a
   * program that stops early on every rank), nothing is wrong. Each router checks its own
   * ranks; the news of such an exit goes to the job's other hosts.
   */
  private noteUninitializedExit(rank: number, tellOthers: boolean): void {
    if (this.exitedUninitialized.has(rank)) return;
    this.exitedUninitialized.add(rank);
    if (tellOthers) {
      for (const host of this.hostNames) {
        if (host !== this.hostName) this.send(host, { kind: EnvelopeKind.exitedUninitialized, rank });
      }
    }
    this.checkUninitializedExits();
  }

  private checkUninitializedExits(): void {
    if (this.exitedUninitialized.size === 0 || this.initialized.size === 0 || this.control.aborted) return;
    const gone = [...this.exitedUninitialized].sort((a, b) => a - b);
    const callers = [...this.initialized].sort((a, b) => a - b);
    this.fail({
      code: 16,
      message: `MPI_ERR_OTHER: rank ${gone.join(", ")} exited without calling MPI_Init, while rank ${callers.join(", ")} called it (and may wait for it forever)`,
    });
  }

  /** An envelope from this job's router on another host. */
  deliverFromRemote(bytes: Uint8Array): void {
    let envelope: Envelope;
    try {
      envelope = decodeEnvelope(bytes);
    } catch (e) {
      this.fail({
        code: 17,
        message: `MPI_ERR_INTERN: bad envelope from another host: ${(e as Error).message}`,
      });
      return;
    }
    switch (envelope.kind) {
      case EnvelopeKind.data: {
        const slot = this.slotOfRank[envelope.dest] ?? -1;
        if (slot < 0) {
          this.fail({
            code: 17,
            message: `MPI_ERR_INTERN: a record for rank ${envelope.dest} reached ${this.hostName}`,
          });
          return;
        }
        const src = new Int32Array(
          envelope.record.buffer.slice(envelope.record.byteOffset, envelope.record.byteOffset + 12),
        )[2] as number;
        // The sending host fragments for its own inboxes; re-fragment for ours when they are smaller.
        const pieces = splitRecord(envelope.record, (this.rings[slot] as Ring).maxPayload);
        const queue = this.waiting[slot] as RemoteDelivery[];
        pieces.forEach((record, i) => {
          // The sender counted the record as it sent it: credit all of it with the last piece.
          queue.push({ src, record, credit: i === pieces.length - 1 ? envelope.record.length : 0 });
        });
        this.deliverWaiting(slot);
        return;
      }
      case EnvelopeKind.credit: {
        const slot = this.slotOfRank[envelope.rank] ?? -1;
        if (slot < 0) return;
        this.control.addInflight(slot, -envelope.bytes);
        this.control.ring(slot);
        return;
      }
      case EnvelopeKind.exitedUninitialized:
        this.noteUninitializedExit(envelope.rank, false);
        return;
      case EnvelopeKind.abort:
        for (const old of this.retiredControls) old.abort(envelope.code, envelope.message);
        if (this.control.abort(envelope.code, envelope.message)) {
          this.recordFailure({ code: envelope.code, message: envelope.message }, false);
        }
        return;
    }
  }

  /**
   * A local rank's granule ended. A rank that initialised MPI and left without MPI_Finalize, or
   * that failed, ends the job: its peers would otherwise wait for it forever.
   */
  rankExited(worldRank: number, outcome: GranuleOutcome): void {
    const slot = this.slotOfRank[worldRank] ?? -1;
    if (slot < 0) return;
    if (outcome.kind === "suspended") {
      // Left as a snapshot at a held barrier: it goes on elsewhere (or here) after a restore,
      // and that incarnation reports itself held again.
      this.held.delete(worldRank);
      this.suspended.add(worldRank);
      this.checkHeld();
      return;
    }
    const state = this.control.state(slot);
    this.control.setState(slot, RankState.exited);
    if (this.control.aborted) return;
    switch (outcome.kind) {
      case "exited":
        if (outcome.code !== 0) {
          this.fail({ code: outcome.code, message: `rank ${worldRank} exited with code ${outcome.code}` });
        } else if (state === RankState.initialized) {
          this.fail({
            code: 16,
            message: `MPI_ERR_OTHER: rank ${worldRank} exited without calling MPI_Finalize`,
          });
        } else if (state === RankState.created) {
          this.noteUninitializedExit(worldRank, true);
        }
        return;
      case "trapped":
        this.fail({ code: 16, message: `rank ${worldRank} trapped: ${outcome.message}` });
        return;
      case "failed":
        this.fail({ code: 16, message: `rank ${worldRank} failed: ${outcome.message}` });
        return;
    }
  }

  /** Ends the job on every host (the host actor cancelling it, for instance). */
  fail(failure: MpiJobFailure): void {
    for (const old of this.retiredControls) old.abort(failure.code, failure.message);
    if (this.control.abort(failure.code, failure.message)) this.recordFailure(failure, true);
  }

  close(): void {
    this.closed = true;
    this.control.ring(this.control.routerSlot);
  }

  private recordFailure(failure: MpiJobFailure, tellOthers: boolean): void {
    if (this.failureValue !== undefined) return;
    this.failureValue = failure;
    const waiters = this.heldWaiters;
    this.heldWaiters = [];
    for (const w of waiters) w.reject(new Error(`job ${this.jobId} failed: ${failure.message}`));
    if (tellOthers) {
      for (const host of this.hostNames) {
        if (host !== this.hostName)
          this.send(host, { kind: EnvelopeKind.abort, code: failure.code, message: failure.message });
      }
    }
    this.options.onAbort?.(failure);
  }

  private send(host: string, envelope: Envelope): void {
    // A failed send loses a message the job needs: end the job (an abort that cannot be
    // delivered is left to the other host noticing this one's failure).
    const unreachable = (e: unknown) => {
      if (envelope.kind !== EnvelopeKind.abort) {
        this.fail({
          code: 17,
          message: `MPI_ERR_INTERN: cannot reach host ${host}: ${e instanceof Error ? e.message : String(e)}`,
        });
      }
    };
    let result: void | Promise<void>;
    try {
      result = this.options.remoteSend(host, encodeEnvelope(envelope));
    } catch (e) {
      unreachable(e);
      return;
    }
    if (result instanceof Promise) result.catch(unreachable);
  }

  /** Writes queued remote records into a local inbox as far as it has room. */
  private deliverWaiting(slot: number): void {
    const queue = this.waiting[slot] as RemoteDelivery[];
    const ring = this.rings[slot] as Ring;
    // Read the doorbell before trying: a rank that frees room after a failed try rings it, and
    // the wait below must see that ring rather than sleep past it.
    const seen = this.control.bell(this.control.routerSlot);
    while (queue.length > 0) {
      const next = queue[0] as RemoteDelivery;
      if (!ring.tryWrite(this.control.routerSlot, undefined, next.record)) {
        this.sleepUntilRoom(seen);
        return;
      }
      queue.shift();
      this.control.ring(slot);
      if (next.credit > 0) this.credit(next.src, next.credit);
    }
  }

  private credit(src: number, bytes: number): void {
    this.credits.set(src, (this.credits.get(src) ?? 0) + bytes);
    if (this.creditFlushQueued) return;
    this.creditFlushQueued = true;
    queueMicrotask(() => {
      this.creditFlushQueued = false;
      for (const [rank, total] of this.credits) {
        const host = this.placement[rank];
        if (host !== undefined) this.send(host, { kind: EnvelopeKind.credit, rank, bytes: total });
      }
      this.credits.clear();
    });
  }

  /** Waits, without blocking the event loop, for a local rank to free inbox space. */
  private sleepUntilRoom(seen: number): void {
    if (this.sleeping || this.closed) return;
    this.sleeping = true;
    const slot = this.control.routerSlot;
    this.control.setSleeping(slot, true);
    const wake = () => {
      this.sleeping = false;
      this.control.setSleeping(slot, false);
      if (this.closed) return;
      for (let s = 0; s < this.waiting.length; s++)
        if ((this.waiting[s] as RemoteDelivery[]).length > 0) this.deliverWaiting(s);
    };
    if (waitAsync !== undefined) {
      const result = waitAsync(this.control.words, this.control.bellIndex(slot), seen);
      if (result.async) void result.value.then(wake);
      else queueMicrotask(wake);
    } else {
      setTimeout(wake, 1);
    }
  }
}

// What happens to a rank at a held barrier (see barrier.ts and docs/snapshots.md): the job is
// brought to a quiescent cut, where every message sent before the barrier sits in its receiver's
// unexpected queue and nothing is on its way; a rank asked to snapshot then hands its MPI state
// to the capture, the others park until their host releases them, possibly with a new placement.
//
// Added for migration (issue 6) beside helper-3's MPI runtime; it only reads and rebinds the
// transport and rank, and uses the collective kind Coll.quiesce for its internal barrier.

import type { ControlPointContext } from "../imports.js";
import { mpiError } from "./errors.js";
import { fanIn, fanOut } from "./hierarchy.js";
import { isMpiRankData, type MpiRankData } from "./protocol.js";
import { BARRIER_IMPORT, MPI_NAMESPACE } from "./provider-names.js";
import { Coll, type MpiRank } from "./rank.js";
import type { CommState, MpiState } from "./state.js";
import type { SavedMessage, SavedTransport } from "./transport.js";

/** What the MPI barrier needs from the granule besides the rank: capture and the host's mailbox. */
export interface BarrierControl {
  readonly controlPoints: ControlPointContext;
  receiveFromHost(timeoutMs?: number): { readonly message: unknown } | undefined;
}

export const MPI_CONTROL_POINT = `${MPI_NAMESPACE}.${BARRIER_IMPORT}`;

/** The MPI part of a snapshot: the rank's state and the messages it has not received yet. */
export interface SavedRank {
  readonly kind: "granny.mpi.rank-state.v1";
  readonly worldRank: number;
  readonly worldSize: number;
  readonly state: MpiState;
  readonly transport: SavedTransport;
  readonly nextRequest: number;
}

/** The message a host posts (handle.postToGranule) to a parked rank to let it leave the barrier. */
export interface MpiRelease {
  readonly type: "granny.mpi.release.v1";
  /** The rank's providerData under the placement from now on. */
  readonly data: MpiRankData;
}

export function isMpiRelease(value: unknown): value is MpiRelease {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { type?: unknown }).type === "granny.mpi.release.v1" &&
    isMpiRankData((value as { data?: unknown }).data)
  );
}

/**
 * Brings the job to a quiescent cut after a held barrier that every rank of the world took part
 * in. Cross-host records are credited once written into their receiver's inbox, so a rank with
 * no queued records and an in-flight count of zero has nothing on the way; after an internal barrier entered only at that
 * point, every record sent before the held barrier is in its receiver's inbox, and draining it
 * moves them into the unexpected queue. The internal barrier's own records are credited before
 * the rank goes on, so nothing is in flight anywhere when every rank has returned from here.
 */
export function quiesce(rank: MpiRank, c: CommState): void {
  const t = rank.transport;
  // Queued records too: a rank may hold nonblocking sends across a barrier.
  const settled = (): boolean => !t.sendsQueued && t.inflightBytes === 0;
  t.waitUntil(settled);
  fanIn(rank, c, 0, Coll.quiesce, "MPI_Barrier", new Uint8Array(0), () => {});
  fanOut(rank, c, 0, Coll.quiesce, "MPI_Barrier", new Uint8Array(0), 0);
  t.waitUntil(settled);
  t.progress();
}

/** The rank's MPI state for a snapshot; only a rank with nothing pending can be captured. */
export function saveRank(rank: MpiRank): SavedRank {
  if (rank.requests.size > 0) {
    throw mpiError(
      "MPI_ERR_OTHER",
      `rank ${rank.worldRank} cannot be snapshotted at MPI_Barrier with ${rank.requests.size} request(s) not completed or freed`,
    );
  }
  return {
    kind: "granny.mpi.rank-state.v1",
    worldRank: rank.worldRank,
    worldSize: rank.data.worldSize,
    state: rank.state,
    transport: rank.transport.save(),
    nextRequest: rank.nextRequestHandle,
  };
}

/** Checks the MPI state carried by a snapshot against the rank it is restored as. */
export function parseSavedRank(value: unknown, data: MpiRankData): SavedRank {
  const v = value as Partial<SavedRank> | undefined;
  const fail = (why: string): never => {
    throw new Error(`the snapshot's MPI state is invalid: ${why}`);
  };
  if (typeof v !== "object" || v === null || v.kind !== "granny.mpi.rank-state.v1")
    return fail("not an MPI rank state");
  if (v.worldRank !== data.worldRank || v.worldSize !== data.worldSize) {
    return fail(
      `it is of rank ${v.worldRank} of ${v.worldSize}, restored as rank ${data.worldRank} of ${data.worldSize}`,
    );
  }
  const s = v.state as MpiState | undefined;
  if (typeof s !== "object" || s === null || !Array.isArray(s.comms) || !Array.isArray(s.groups)) {
    return fail("no communicators");
  }
  const t = v.transport as SavedTransport | undefined;
  if (
    typeof t !== "object" ||
    t === null ||
    !Array.isArray(t.unexpected) ||
    typeof t.nextMsgId !== "number"
  ) {
    return fail("no transport state");
  }
  for (const m of t.unexpected as SavedMessage[]) {
    if (!(m.data instanceof Uint8Array) || m.data.length !== m.total)
      return fail("an unexpected message is malformed");
  }
  if (typeof v.nextRequest !== "number") return fail("no request counter");
  // CBOR gives "undefined" back as undefined but plain data may have dropped it: normalise.
  for (const comm of s.comms)
    if (comm !== null && comm.cart === null) (comm as { cart: unknown }).cart = undefined;
  return v as SavedRank;
}

/**
 * Parks the rank at the held barrier until its host posts an MpiRelease (with its providerData
 * under the new placement), watching for the job being aborted meanwhile. A snapshot asked for
 * while parked is taken here: the job is still at its quiescent cut, so a request that came too
 * late for the barrier's arrival still catches this barrier (freezing a whole job relies on it).
 */
export function parkUntilReleased(rank: MpiRank, control: BarrierControl): void {
  rank.transport.reportHeld();
  for (;;) {
    rank.transport.checkAbort();
    // The flag is read before the mailbox: a host that releases and then asks for the next
    // snapshot has posted the release by the time the flag is seen, and the release wins
    // (ranks released elsewhere may already be sending to this one).
    const wanted = control.controlPoints.snapshotRequested();
    const mail = control.receiveFromHost(wanted ? 0 : 20);
    if (mail === undefined) {
      if (!wanted) continue;
      control.controlPoints.suspend(MPI_CONTROL_POINT, saveRank(rank));
      return;
    }
    if (!isMpiRelease(mail.message)) {
      throw mpiError(
        "MPI_ERR_INTERN",
        `rank ${rank.worldRank} parked at a barrier got an unknown host message`,
      );
    }
    rank.rebind(mail.message.data);
    return;
  }
}

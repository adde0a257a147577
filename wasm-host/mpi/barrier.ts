// MPI_Barrier: the control point of MPI ranks. It is kept as one named host call so that
// snapshot and migration can instrument exactly this import (Asyncify unwinds here, see
// DESIGN.md "Control points" and docs/snapshots.md).
//
// Every rank's arrival carries one byte: 1 when the rank was asked to snapshot or its host holds
// the job's barrier. Over messages the root ORs them and sends the result back; through the
// control block (MPI_COMM_WORLD of a one-host job, shm-collectives.ts) every rank ORs the flags
// of all. Either way all ranks agree which barrier is held. At a held barrier (only on a communicator spanning the world, so no rank runs
// on) the job is brought to a quiescent cut; ranks asked to snapshot are captured, the others
// park until their host releases them. A restored rank re-enters here while rewinding and parks
// like the others. Without a request the only extra cost is reading two flags.

import { fanIn, fanOut } from "./hierarchy.js";
import { type BarrierControl, MPI_CONTROL_POINT, parkUntilReleased, quiesce, saveRank } from "./migration.js";
import { Coll, type MpiRank } from "./rank.js";
import { sharedMemoryBarrier, usesSharedMemoryCollectives } from "./shm-collectives.js";
import type { CommState } from "./state.js";

export { BARRIER_IMPORT } from "./provider-names.js";

export function controlPointBarrier(rank: MpiRank, comm: number, control?: BarrierControl): number {
  const points = control?.controlPoints;
  if (points?.rewinding() === true) {
    // Restored from a snapshot taken in this call: the barrier itself completed before the capture.
    points.endRewind();
    parkUntilReleased(rank, control as BarrierControl);
    return 0;
  }
  const c = rank.comm(comm);
  const wholeWorld = control !== undefined && c.group.length === rank.data.worldSize;
  const snapshot = wholeWorld && points?.snapshotRequested() === true;
  const hold = wholeWorld && (snapshot || rank.transport.control.barrierHeld);
  // One sequence number per collective call, so that a rank in another collective is told so.
  const seq = rank.nextCollSeq(c);
  const held = usesSharedMemoryCollectives(rank, c)
    ? sharedMemoryBarrier(rank, c, seq, hold)
    : overMessages(rank, c, seq, hold);
  if (!held || control === undefined) return 0;
  quiesce(rank, c);
  if (snapshot) {
    control.controlPoints.suspend(MPI_CONTROL_POINT, saveRank(rank));
    return 0;
  }
  parkUntilReleased(rank, control);
  return 0;
}

/** The barrier as a fan-in and fan-out through rank 0, carrying the OR of the hold flags. */
function overMessages(rank: MpiRank, c: CommState, seq: number, hold: boolean): boolean {
  const combine = (acc: Uint8Array, incoming: Uint8Array) => {
    acc[0] = (acc[0] as number) | (incoming[0] as number);
  };
  const all = fanIn(rank, c, 0, Coll.barrier, "MPI_Barrier", new Uint8Array([hold ? 1 : 0]), combine, seq);
  return fanOut(rank, c, 0, Coll.barrier, "MPI_Barrier", all, 1, seq)[0] === 1;
}

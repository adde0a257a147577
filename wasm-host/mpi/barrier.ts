// MPI_Barrier: the control point of MPI ranks. It is kept as one named host call so that
// snapshot and migration can instrument exactly this import (Asyncify unwinds here, see
// DESIGN.md "Control points").

import { fanIn, fanOut } from "./hierarchy.js";
import { Coll, type MpiRank } from "./rank.js";

export const BARRIER_IMPORT = "MPI_Barrier";

export function controlPointBarrier(rank: MpiRank, comm: number): number {
  const c = rank.comm(comm);
  const empty = new Uint8Array(0);
  fanIn(rank, c, 0, Coll.barrier, "MPI_Barrier", empty, () => {});
  fanOut(rank, c, 0, Coll.barrier, "MPI_Barrier", empty, 0);
  return 0;
}

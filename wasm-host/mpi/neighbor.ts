// Neighbourhood collectives on Cartesian communicators (MPI_Neighbor_allgather, ..._alltoall and
// their v and nonblocking forms). A rank's neighbours are, per dimension, the one in the negative
// direction and then the one in the positive direction (MPI_PROC_NULL past a non-periodic edge,
// whose buffer blocks are left alone). With a periodic dimension of size 1 or 2 one rank is both
// neighbours, so each message carries its direction in its kind and receives match it exactly.

import { PROC_NULL } from "./abi.js";
import type { Started } from "./collective-algorithms.js";
import { cartCoords, cartRank } from "./comms.js";
import { pack, type TypeInfo, unpack } from "./datatypes.js";
import { mpiError } from "./errors.js";
import type { MpiRank } from "./rank.js";
import type { CommState } from "./state.js";
import { flushSteps, recvSteps, type Steps } from "./steps.js";
import type { Outgoing } from "./transport.js";

/** Kind of a message sent towards neighbour k (2 * dimension + direction). */
const NEIGHBOR_KIND = 20;
const MAX_DIMS = 6;

/** Neighbours of the calling rank, in MPI order; comm ranks or MPI_PROC_NULL. */
export function cartNeighbors(c: CommState): number[] {
  const cart = c.cart;
  if (cart === undefined) {
    throw mpiError("MPI_ERR_TOPOLOGY", "neighbourhood collectives need a Cartesian communicator here");
  }
  if (cart.dims.length > MAX_DIMS) {
    throw mpiError("MPI_ERR_TOPOLOGY", `neighbourhood collectives support up to ${MAX_DIMS} dimensions`);
  }
  const coords = cartCoords(cart, c.rank);
  const out: number[] = [];
  cart.dims.forEach((_, d) => {
    for (const delta of [-1, 1]) {
      const moved = coords.slice();
      moved[d] = (moved[d] as number) + delta;
      out.push(cartRank(cart, moved));
    }
  });
  return out;
}

export function neighborAlgorithms(rank: MpiRank) {
  const mem = rank.mem;

  /** Block k of the send buffer goes to neighbour k; block k of the receive buffer comes from it. */
  const exchange = (
    sendParts: (k: number) => Uint8Array,
    recvbuf: number,
    rcounts: readonly number[],
    rdispls: readonly number[],
    rtype: number,
    comm: number,
    what: string,
  ): Started => {
    const c = rank.comm(comm);
    const neighbors = cartNeighbors(c);
    const rt = rank.commType(rtype);
    const seq = rank.nextCollSeq(c);
    const parts = neighbors.map((_, k) => sendParts(k));
    return {
      comm,
      steps: exchangeSteps({ c, neighbors, parts, seq, rcounts, rt, what, recvbuf, rdispls }),
    };
  };

  // Declared once, called with the call's values: a generator function expression evaluated at
  // every call cost about 2 us in Node 20 (see collective-algorithms.ts).
  function* exchangeSteps(a: {
    c: CommState;
    neighbors: readonly number[];
    parts: readonly Uint8Array[];
    seq: number;
    rcounts: readonly number[];
    rt: TypeInfo;
    what: string;
    recvbuf: number;
    rdispls: readonly number[];
  }): Steps<void> {
    const { c, neighbors, parts, seq, rcounts, rt, what, recvbuf, rdispls } = a;
    const outs: Outgoing[] = [];
    neighbors.forEach((n, k) => {
      if (n !== PROC_NULL) outs.push(rank.collSend(c, n, NEIGHBOR_KIND + k, parts[k] as Uint8Array, seq));
    });
    for (let k = 0; k < neighbors.length; k++) {
      const n = neighbors[k] as number;
      if (n === PROC_NULL) continue;
      // My neighbour in direction k sent this towards the opposite direction, k ^ 1.
      const expected = (rcounts[k] ?? 0) * rt.size;
      const bytes = yield* recvSteps(rank, c, n, NEIGHBOR_KIND + (k ^ 1), what, expected, seq, true);
      unpack(mem.u8(), recvbuf + (rdispls[k] ?? 0) * rt.extent, rt, bytes);
    }
    yield* flushSteps(outs);
  }

  const degree = (comm: number) => cartNeighbors(rank.comm(comm)).length;
  const blocks = (n: number, count: number) => ({
    counts: new Array<number>(n).fill(count),
    displs: Array.from({ length: n }, (_, i) => i * count),
  });

  return {
    allgather(sb: number, sc: number, st: number, rb: number, rc: number, rt: number, comm: number): Started {
      const mine = pack(mem.u8(), sb, sc, rank.commType(st));
      const { counts, displs } = blocks(degree(comm), rc);
      return exchange(() => mine, rb, counts, displs, rt, comm, "MPI_Neighbor_allgather");
    },
    allgatherv(
      sb: number,
      sc: number,
      st: number,
      rb: number,
      rcPtr: number,
      dPtr: number,
      rt: number,
      comm: number,
    ): Started {
      const n = degree(comm);
      const mine = pack(mem.u8(), sb, sc, rank.commType(st));
      return exchange(
        () => mine,
        rb,
        mem.ints(rcPtr, n),
        mem.ints(dPtr, n),
        rt,
        comm,
        "MPI_Neighbor_allgatherv",
      );
    },
    alltoall(sb: number, sc: number, st: number, rb: number, rc: number, rt: number, comm: number): Started {
      const stype = rank.commType(st);
      const { counts, displs } = blocks(degree(comm), rc);
      const part = (k: number) => pack(mem.u8(), sb + k * sc * stype.extent, sc, stype);
      return exchange(part, rb, counts, displs, rt, comm, "MPI_Neighbor_alltoall");
    },
    alltoallv(
      sb: number,
      scPtr: number,
      sdPtr: number,
      st: number,
      rb: number,
      rcPtr: number,
      rdPtr: number,
      rt: number,
      comm: number,
    ): Started {
      const n = degree(comm);
      const stype = rank.commType(st);
      const sc = mem.ints(scPtr, n);
      const sd = mem.ints(sdPtr, n);
      const part = (k: number) => pack(mem.u8(), sb + (sd[k] ?? 0) * stype.extent, sc[k] ?? 0, stype);
      return exchange(part, rb, mem.ints(rcPtr, n), mem.ints(rdPtr, n), rt, comm, "MPI_Neighbor_alltoallv");
    },
  };
}

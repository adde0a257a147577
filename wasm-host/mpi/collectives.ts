// Collective operations, built on internal messages (context ctx + 1) so they never match user
// receives. Reductions with commutative operations go through the locality-aware fan-in; others
// fold in rank order at the root, as MPI requires for non-commutative operations.

import { IN_PLACE } from "./abi.js";
import { pack, type TypeInfo, unpack } from "./datatypes.js";
import { mpiError } from "./errors.js";
import { fanIn, fanOut } from "./hierarchy.js";
import type { HostCalls } from "./imports-types.js";
import { Coll, type MpiRank } from "./rank.js";
import type { CommState } from "./state.js";
import type { Outgoing } from "./transport.js";

function checkRoot(c: CommState, root: number, what: string): void {
  if (root < 0 || root >= c.group.length) {
    throw mpiError("MPI_ERR_ROOT", `${what}: invalid root ${root} in communicator of size ${c.group.length}`);
  }
}

/** The reduction of every rank's packed contribution, at root (undefined elsewhere). */
export function reduceToRoot(
  rank: MpiRank,
  c: CommState,
  root: number,
  mine: Uint8Array,
  count: number,
  typeHandle: number,
  t: TypeInfo,
  op: number,
  kind: number,
  what: string,
): Uint8Array | undefined {
  if (rank.isCommutative(op)) {
    return fanIn(rank, c, root, kind, what, mine, (acc, incoming) =>
      rank.applyOp(op, typeHandle, t, count, incoming, acc),
    );
  }
  if (c.rank !== root) {
    rank.flush([rank.collSend(c, root, kind, mine)]);
    return undefined;
  }
  const n = c.group.length;
  const parts: Uint8Array[] = [];
  for (let r = 0; r < n; r++) parts.push(r === root ? mine : rank.collRecv(c, r, kind, what, mine.length));
  const acc = (parts[n - 1] as Uint8Array).slice();
  for (let r = n - 2; r >= 0; r--) rank.applyOp(op, typeHandle, t, count, parts[r] as Uint8Array, acc);
  return acc;
}

export function collectiveCalls(rank: MpiRank): HostCalls {
  const mem = rank.mem;
  const sizeOf = (c: CommState) => c.group.length;
  const packAt = (ptr: number, count: number, t: TypeInfo) => pack(mem.u8(), ptr, count, t);

  return {
    MPI_Bcast(buf, count, type, root, comm) {
      const c = rank.comm(comm);
      const t = rank.commType(type);
      rank.checkCount(count);
      checkRoot(c, root, "MPI_Bcast");
      const bytes = c.rank === root ? packAt(buf, count, t) : undefined;
      const got = fanOut(rank, c, root, Coll.bcast, "MPI_Bcast", bytes, count * t.size);
      if (c.rank !== root) unpack(mem.u8(), buf, t, got);
      return 0;
    },

    MPI_Reduce(sendbuf, recvbuf, count, type, op, root, comm) {
      const c = rank.comm(comm);
      const t = rank.commType(type);
      rank.checkCount(count);
      checkRoot(c, root, "MPI_Reduce");
      const mine = packAt(sendbuf === IN_PLACE && c.rank === root ? recvbuf : sendbuf, count, t);
      const result = reduceToRoot(rank, c, root, mine, count, type, t, op, Coll.reduce, "MPI_Reduce");
      if (result !== undefined) unpack(mem.u8(), recvbuf, t, result);
      return 0;
    },

    MPI_Allreduce(sendbuf, recvbuf, count, type, op, comm) {
      const c = rank.comm(comm);
      const t = rank.commType(type);
      rank.checkCount(count);
      const mine = packAt(sendbuf === IN_PLACE ? recvbuf : sendbuf, count, t);
      const result = reduceToRoot(rank, c, 0, mine, count, type, t, op, Coll.allreduce, "MPI_Allreduce");
      const all = fanOut(rank, c, 0, Coll.allreduce, "MPI_Allreduce", result, count * t.size);
      unpack(mem.u8(), recvbuf, t, all);
      return 0;
    },

    MPI_Reduce_scatter(sendbuf, recvbuf, recvcountsPtr, type, op, comm) {
      const c = rank.comm(comm);
      const t = rank.commType(type);
      const counts = mem.ints(recvcountsPtr, sizeOf(c));
      const total = counts.reduce((a, b) => a + b, 0);
      const mine = packAt(sendbuf === IN_PLACE ? recvbuf : sendbuf, total, t);
      const result = reduceToRoot(
        rank,
        c,
        0,
        mine,
        total,
        type,
        t,
        op,
        Coll.reduceScatter,
        "MPI_Reduce_scatter",
      );
      scatterPacked(rank, c, result, counts, t, recvbuf, Coll.reduceScatter, "MPI_Reduce_scatter");
      return 0;
    },

    MPI_Reduce_scatter_block(sendbuf, recvbuf, recvcount, type, op, comm) {
      const c = rank.comm(comm);
      const t = rank.commType(type);
      const counts = new Array<number>(sizeOf(c)).fill(recvcount);
      const total = recvcount * sizeOf(c);
      const mine = packAt(sendbuf === IN_PLACE ? recvbuf : sendbuf, total, t);
      const what = "MPI_Reduce_scatter_block";
      const result = reduceToRoot(rank, c, 0, mine, total, type, t, op, Coll.reduceScatterBlock, what);
      scatterPacked(rank, c, result, counts, t, recvbuf, Coll.reduceScatterBlock, what);
      return 0;
    },

    MPI_Scan(sendbuf, recvbuf, count, type, op, comm) {
      const c = rank.comm(comm);
      const t = rank.commType(type);
      const acc = packAt(sendbuf === IN_PLACE ? recvbuf : sendbuf, count, t);
      if (c.rank > 0) {
        const prev = rank.collRecv(c, c.rank - 1, Coll.scan, "MPI_Scan", acc.length);
        rank.applyOp(op, type, t, count, prev, acc);
      }
      if (c.rank + 1 < sizeOf(c)) rank.flush([rank.collSend(c, c.rank + 1, Coll.scan, acc)]);
      unpack(mem.u8(), recvbuf, t, acc);
      return 0;
    },

    MPI_Exscan(sendbuf, recvbuf, count, type, op, comm) {
      const c = rank.comm(comm);
      const t = rank.commType(type);
      const mine = packAt(sendbuf === IN_PLACE ? recvbuf : sendbuf, count, t);
      let forward = mine;
      if (c.rank > 0) {
        const prev = rank.collRecv(c, c.rank - 1, Coll.exscan, "MPI_Exscan", mine.length);
        forward = mine.slice();
        rank.applyOp(op, type, t, count, prev, forward);
        unpack(mem.u8(), recvbuf, t, prev);
      }
      if (c.rank + 1 < sizeOf(c)) rank.flush([rank.collSend(c, c.rank + 1, Coll.exscan, forward)]);
      return 0;
    },

    MPI_Gather(sendbuf, scount, stype, recvbuf, rcount, rtype, root, comm) {
      const c = rank.comm(comm);
      checkRoot(c, root, "MPI_Gather");
      const n = sizeOf(c);
      const counts = new Array<number>(n).fill(rcount);
      const displs = counts.map((_, i) => i * rcount);
      gatherv(
        rank,
        c,
        root,
        sendbuf,
        scount,
        stype,
        recvbuf,
        counts,
        displs,
        rtype,
        Coll.gather,
        "MPI_Gather",
      );
      return 0;
    },

    MPI_Gatherv(sendbuf, scount, stype, recvbuf, rcountsPtr, displsPtr, rtype, root, comm) {
      const c = rank.comm(comm);
      checkRoot(c, root, "MPI_Gatherv");
      const n = sizeOf(c);
      const counts = c.rank === root ? mem.ints(rcountsPtr, n) : [];
      const displs = c.rank === root ? mem.ints(displsPtr, n) : [];
      gatherv(
        rank,
        c,
        root,
        sendbuf,
        scount,
        stype,
        recvbuf,
        counts,
        displs,
        rtype,
        Coll.gatherv,
        "MPI_Gatherv",
      );
      return 0;
    },

    MPI_Scatter(sendbuf, scount, stype, recvbuf, rcount, rtype, root, comm) {
      const c = rank.comm(comm);
      checkRoot(c, root, "MPI_Scatter");
      const n = sizeOf(c);
      const counts = new Array<number>(n).fill(scount);
      const displs = counts.map((_, i) => i * scount);
      scatterv(
        rank,
        c,
        root,
        sendbuf,
        counts,
        displs,
        stype,
        recvbuf,
        rcount,
        rtype,
        Coll.scatter,
        "MPI_Scatter",
      );
      return 0;
    },

    MPI_Scatterv(sendbuf, scountsPtr, displsPtr, stype, recvbuf, rcount, rtype, root, comm) {
      const c = rank.comm(comm);
      checkRoot(c, root, "MPI_Scatterv");
      const n = sizeOf(c);
      const counts = c.rank === root ? mem.ints(scountsPtr, n) : [];
      const displs = c.rank === root ? mem.ints(displsPtr, n) : [];
      scatterv(
        rank,
        c,
        root,
        sendbuf,
        counts,
        displs,
        stype,
        recvbuf,
        rcount,
        rtype,
        Coll.scatterv,
        "MPI_Scatterv",
      );
      return 0;
    },

    MPI_Allgather(sendbuf, scount, stype, recvbuf, rcount, rtype, comm) {
      const c = rank.comm(comm);
      const n = sizeOf(c);
      const counts = new Array<number>(n).fill(rcount);
      const displs = counts.map((_, i) => i * rcount);
      allgatherv(
        rank,
        c,
        sendbuf,
        scount,
        stype,
        recvbuf,
        counts,
        displs,
        rtype,
        Coll.allgather,
        "MPI_Allgather",
      );
      return 0;
    },

    MPI_Allgatherv(sendbuf, scount, stype, recvbuf, rcountsPtr, displsPtr, rtype, comm) {
      const c = rank.comm(comm);
      const n = sizeOf(c);
      const counts = mem.ints(rcountsPtr, n);
      const displs = mem.ints(displsPtr, n);
      allgatherv(
        rank,
        c,
        sendbuf,
        scount,
        stype,
        recvbuf,
        counts,
        displs,
        rtype,
        Coll.allgatherv,
        "MPI_Allgatherv",
      );
      return 0;
    },

    MPI_Alltoall(sendbuf, scount, stype, recvbuf, rcount, rtype, comm) {
      const c = rank.comm(comm);
      const n = sizeOf(c);
      const inPlace = sendbuf === IN_PLACE;
      const sc = new Array<number>(n).fill(inPlace ? rcount : scount);
      const rc = new Array<number>(n).fill(rcount);
      const sd = sc.map((_, i) => i * (inPlace ? rcount : scount));
      const rd = rc.map((_, i) => i * rcount);
      alltoallv(
        rank,
        c,
        inPlace ? recvbuf : sendbuf,
        sc,
        sd,
        inPlace ? rtype : stype,
        recvbuf,
        rc,
        rd,
        rtype,
        Coll.alltoall,
        "MPI_Alltoall",
      );
      return 0;
    },

    MPI_Alltoallv(sendbuf, scountsPtr, sdisplsPtr, stype, recvbuf, rcountsPtr, rdisplsPtr, rtype, comm) {
      const c = rank.comm(comm);
      const n = sizeOf(c);
      const inPlace = sendbuf === IN_PLACE;
      const rc = mem.ints(rcountsPtr, n);
      const rd = mem.ints(rdisplsPtr, n);
      const sc = inPlace ? rc : mem.ints(scountsPtr, n);
      const sd = inPlace ? rd : mem.ints(sdisplsPtr, n);
      alltoallv(
        rank,
        c,
        inPlace ? recvbuf : sendbuf,
        sc,
        sd,
        inPlace ? rtype : stype,
        recvbuf,
        rc,
        rd,
        rtype,
        Coll.alltoallv,
        "MPI_Alltoallv",
      );
      return 0;
    },
  };
}

function gatherv(
  rank: MpiRank,
  c: CommState,
  root: number,
  sendbuf: number,
  scount: number,
  stype: number,
  recvbuf: number,
  counts: readonly number[],
  displs: readonly number[],
  rtype: number,
  kind: number,
  what: string,
): void {
  const mem = rank.mem;
  if (c.rank !== root) {
    const st = rank.commType(stype);
    rank.flush([rank.collSend(c, root, kind, pack(mem.u8(), sendbuf, scount, st))]);
    return;
  }
  const rt = rank.commType(rtype);
  for (let r = 0; r < c.group.length; r++) {
    const at = recvbuf + (displs[r] ?? 0) * rt.extent;
    const expected = (counts[r] ?? 0) * rt.size;
    if (r === root) {
      if (sendbuf === IN_PLACE) continue;
      const st = rank.commType(stype);
      const bytes = pack(mem.u8(), sendbuf, scount, st);
      if (bytes.length !== expected) {
        throw mpiError(
          "MPI_ERR_TRUNCATE",
          `${what}: root sends ${bytes.length} bytes to itself but receives ${expected}`,
        );
      }
      unpack(mem.u8(), at, rt, bytes);
    } else {
      unpack(mem.u8(), at, rt, rank.collRecv(c, r, kind, what, expected));
    }
  }
}

function scatterv(
  rank: MpiRank,
  c: CommState,
  root: number,
  sendbuf: number,
  counts: readonly number[],
  displs: readonly number[],
  stype: number,
  recvbuf: number,
  rcount: number,
  rtype: number,
  kind: number,
  what: string,
): void {
  const mem = rank.mem;
  if (c.rank !== root) {
    const rt = rank.commType(rtype);
    unpack(mem.u8(), recvbuf, rt, rank.collRecv(c, root, kind, what, rcount * rt.size));
    return;
  }
  const st = rank.commType(stype);
  const outs: Outgoing[] = [];
  for (let r = 0; r < c.group.length; r++) {
    const bytes = pack(mem.u8(), sendbuf + (displs[r] ?? 0) * st.extent, counts[r] ?? 0, st);
    if (r !== root) {
      outs.push(rank.collSend(c, r, kind, bytes));
    } else if (recvbuf !== IN_PLACE) {
      const rt = rank.commType(rtype);
      unpack(mem.u8(), recvbuf, rt, bytes);
    }
  }
  rank.flush(outs);
}

/** Every rank gets its share of a packed vector that root holds (reduce-scatter). */
function scatterPacked(
  rank: MpiRank,
  c: CommState,
  all: Uint8Array | undefined,
  counts: readonly number[],
  t: TypeInfo,
  recvbuf: number,
  kind: number,
  what: string,
): void {
  const mem = rank.mem;
  if (c.rank !== 0) {
    unpack(mem.u8(), recvbuf, t, rank.collRecv(c, 0, kind, what, (counts[c.rank] ?? 0) * t.size));
    return;
  }
  const bytes = all ?? new Uint8Array(0);
  const outs: Outgoing[] = [];
  let offset = 0;
  for (let r = 0; r < c.group.length; r++) {
    const len = (counts[r] ?? 0) * t.size;
    const part = bytes.subarray(offset, offset + len);
    offset += len;
    if (r === 0) unpack(mem.u8(), recvbuf, t, part);
    else outs.push(rank.collSend(c, r, kind, part.slice()));
  }
  rank.flush(outs);
}

function allgatherv(
  rank: MpiRank,
  c: CommState,
  sendbuf: number,
  scount: number,
  stype: number,
  recvbuf: number,
  counts: readonly number[],
  displs: readonly number[],
  rtype: number,
  kind: number,
  what: string,
): void {
  const mem = rank.mem;
  const rt = rank.commType(rtype);
  const me = c.rank;
  const mine =
    sendbuf === IN_PLACE
      ? pack(mem.u8(), recvbuf + (displs[me] ?? 0) * rt.extent, counts[me] ?? 0, rt)
      : pack(mem.u8(), sendbuf, scount, rank.commType(stype));
  const sizes = counts.map((n) => n * rt.size);
  let whole: Uint8Array | undefined;
  if (me === 0) {
    whole = new Uint8Array(sizes.reduce((a, b) => a + b, 0));
    let offset = 0;
    for (let r = 0; r < c.group.length; r++) {
      const part = r === 0 ? mine : rank.collRecv(c, r, kind, what, sizes[r]);
      if (part.length !== sizes[r]) {
        throw mpiError(
          "MPI_ERR_TRUNCATE",
          `${what}: rank ${r} contributes ${part.length} bytes, ${sizes[r]} expected`,
        );
      }
      whole.set(part, offset);
      offset += part.length;
    }
  } else {
    rank.flush([rank.collSend(c, 0, kind, mine)]);
  }
  const all = fanOut(rank, c, 0, kind, what, whole);
  let offset = 0;
  for (let r = 0; r < c.group.length; r++) {
    const len = sizes[r] ?? 0;
    unpack(mem.u8(), recvbuf + (displs[r] ?? 0) * rt.extent, rt, all.subarray(offset, offset + len));
    offset += len;
  }
}

function alltoallv(
  rank: MpiRank,
  c: CommState,
  sendbuf: number,
  scounts: readonly number[],
  sdispls: readonly number[],
  stype: number,
  recvbuf: number,
  rcounts: readonly number[],
  rdispls: readonly number[],
  rtype: number,
  kind: number,
  what: string,
): void {
  const mem = rank.mem;
  const st = rank.commType(stype);
  const rt = rank.commType(rtype);
  const n = c.group.length;
  const me = c.rank;
  // Pack everything before receiving anything, so that MPI_IN_PLACE reads the old contents.
  const parts = scounts.map((count, r) => pack(mem.u8(), sendbuf + (sdispls[r] ?? 0) * st.extent, count, st));
  const outs: Outgoing[] = [];
  for (let k = 1; k < n; k++) {
    const r = (me + k) % n;
    outs.push(rank.collSend(c, r, kind, parts[r] as Uint8Array));
  }
  unpack(mem.u8(), recvbuf + (rdispls[me] ?? 0) * rt.extent, rt, parts[me] as Uint8Array);
  for (let k = 1; k < n; k++) {
    const r = (me - k + n) % n;
    const bytes = rank.collRecv(c, r, kind, what, (rcounts[r] ?? 0) * rt.size);
    unpack(mem.u8(), recvbuf + (rdispls[r] ?? 0) * rt.extent, rt, bytes);
  }
  rank.flush(outs);
}

// The collective algorithms, each as a generator of steps (steps.ts) over internal messages
// (context ctx + 1, tagged with the collective's sequence number and kind, so they never match
// user receives). A builder checks its arguments, packs what it sends and takes its sequence
// number when the collective starts; the steps run later, to the end at once for a blocking
// call or bit by bit for a nonblocking one. Reductions with commutative operations go through
// the locality-aware fan-in; others fold in rank order at the root, as MPI requires.

import { IN_PLACE } from "./abi.js";
import { pack, type TypeInfo, unpack } from "./datatypes.js";
import { mpiError } from "./errors.js";
import { fanInSteps, fanOutSteps } from "./hierarchy.js";
import { Coll, type MpiRank } from "./rank.js";
import {
  fitsSharedMemory,
  sharedMemoryAllreduce,
  usesSharedMemoryCollectives,
  wordAllreduce,
  wordAllreduceKind,
} from "./shm-collectives.js";
import type { CommState } from "./state.js";
import { flushSteps, recvSteps, runSteps, type Steps } from "./steps.js";
import type { Outgoing } from "./transport.js";

function checkRoot(c: CommState, root: number, what: string): void {
  if (root < 0 || root >= c.group.length) {
    throw mpiError("MPI_ERR_ROOT", `${what}: invalid root ${root} in communicator of size ${c.group.length}`);
  }
}

/** A reduction once started: its arguments checked, its sequence number taken, this rank's part packed. */
export interface Reduction {
  readonly c: CommState;
  readonly t: TypeInfo;
  readonly seq: number;
  /** This rank's contribution, packed. */
  readonly mine: Uint8Array;
  readonly count: number;
  readonly type: number;
  readonly op: number;
  readonly recvbuf: number;
}

/** The reduction of every rank's packed contribution, at root (undefined elsewhere). */
function* reduceToRootSteps(
  rank: MpiRank,
  r: Reduction,
  root: number,
  kind: number,
  what: string,
): Steps<Uint8Array | undefined> {
  const { c, mine, count, type: typeHandle, t, op, seq } = r;
  if (rank.isCommutative(op)) {
    const combine = (acc: Uint8Array, incoming: Uint8Array) =>
      rank.applyOp(op, typeHandle, t, count, incoming, acc);
    return yield* fanInSteps(rank, c, root, kind, what, mine, combine, seq);
  }
  if (c.rank !== root) {
    yield* flushSteps([rank.collSend(c, root, kind, mine, seq)]);
    return undefined;
  }
  const n = c.group.length;
  const parts: Uint8Array[] = [];
  for (let from = 0; from < n; from++)
    parts.push(from === root ? mine : yield* recvSteps(rank, c, from, kind, what, mine.length, seq));
  const acc = (parts[n - 1] as Uint8Array).slice();
  for (let from = n - 2; from >= 0; from--)
    rank.applyOp(op, typeHandle, t, count, parts[from] as Uint8Array, acc);
  return acc;
}

const EMPTY = new Uint8Array(0);
const NO_COMBINE = (): void => {};

/** A collective that has checked its arguments and taken its sequence number, ready to run. */
export interface Started {
  readonly comm: number;
  readonly steps: Steps<void>;
}

export function collectiveAlgorithms(rank: MpiRank) {
  const mem = rank.mem;
  const sizeOf = (c: CommState) => c.group.length;
  const packAt = (ptr: number, count: number, t: TypeInfo) => pack(mem.u8(), ptr, count, t);

  /**
   * The start of every reduction: arguments checked (`check` adds the collective's own, before
   * the sequence number is taken, so that a refused call leaves the numbering as it was), its
   * sequence number, and this rank's contribution packed (from recvbuf where MPI_IN_PLACE
   * applies to this rank).
   */
  const startReduction = (
    sendbuf: number,
    recvbuf: number,
    count: number,
    type: number,
    op: number,
    comm: number,
    inPlaceHere: (c: CommState) => boolean,
    check: (c: CommState) => void = () => {},
  ): Reduction => {
    const c = rank.comm(comm);
    const t = rank.commType(type);
    rank.checkCount(count);
    check(c);
    rank.isCommutative(op);
    const seq = rank.nextCollSeq(c);
    const mine = packAt(sendbuf === IN_PLACE && inPlaceHere(c) ? recvbuf : sendbuf, count, t);
    return { c, t, seq, mine, count, type, op, recvbuf };
  };

  const barrier = (comm: number): Started => {
    const c = rank.comm(comm);
    const seq = rank.nextCollSeq(c);
    return {
      comm,
      steps: barrierSteps({ c, seq }),
    };
  };

  const bcast = (buf: number, count: number, type: number, root: number, comm: number): Started => {
    const c = rank.comm(comm);
    const t = rank.commType(type);
    rank.checkCount(count);
    checkRoot(c, root, "MPI_Bcast");
    const seq = rank.nextCollSeq(c);
    const bytes = c.rank === root ? packAt(buf, count, t) : undefined;
    return {
      comm,
      steps: bcastSteps({ c, root, bytes, count, t, seq, buf }),
    };
  };

  const reduce = (
    sendbuf: number,
    recvbuf: number,
    count: number,
    type: number,
    op: number,
    root: number,
    comm: number,
  ): Started => {
    const r = startReduction(
      sendbuf,
      recvbuf,
      count,
      type,
      op,
      comm,
      (c) => c.rank === root,
      (c) => checkRoot(c, root, "MPI_Reduce"),
    );
    return { comm, steps: reduceSteps(r, root) };
  };

  /** An allreduce's start: every rank contributes and receives (MPI_IN_PLACE applies on all). */
  const startAllreduce = (
    sendbuf: number,
    recvbuf: number,
    count: number,
    type: number,
    op: number,
    comm: number,
  ): Reduction => startReduction(sendbuf, recvbuf, count, type, op, comm, () => true);

  const allreduce = (...args: Parameters<typeof startAllreduce>): Started => {
    const r = startAllreduce(...args);
    return { comm: args[5], steps: allreduceSteps(r) };
  };

  /**
   * MPI_Allreduce: through the control block when every rank is on this host and the
   * contribution fits (shm-collectives.ts), over messages otherwise. Every rank takes the same
   * path for one call of a correct program; in a wrong one, the paths tell each other apart.
   */
  const allreduceBlocking = (
    sendbuf: number,
    recvbuf: number,
    count: number,
    type: number,
    op: number,
    comm: number,
  ): number => {
    const c = rank.comm(comm);
    if (usesSharedMemoryCollectives(rank, c)) {
      // Doubles and ints by SUM, MAX or MIN straight between linear memory and the control
      // block, after the same checks as startReduction, in the same order.
      const t = rank.commType(type);
      const from = sendbuf === IN_PLACE ? recvbuf : sendbuf;
      const kind = wordAllreduceKind(t, op, count, from, recvbuf, mem.u8().length);
      if (kind !== undefined) {
        rank.checkCount(count);
        rank.isCommutative(op);
        wordAllreduce(rank, c, rank.nextCollSeq(c), kind, op, from, recvbuf, count);
        return 0;
      }
    }
    const r = startAllreduce(sendbuf, recvbuf, count, type, op, comm);
    if (usesSharedMemoryCollectives(rank, r.c) && fitsSharedMemory(r.mine.length))
      sharedMemoryAllreduce(rank, r);
    else runSteps(rank, allreduceSteps(r));
    return 0;
  };

  const reduceScatter = (
    sendbuf: number,
    recvbuf: number,
    counts: readonly number[],
    type: number,
    op: number,
    comm: number,
    kind: number,
    what: string,
  ): Started => {
    const total = counts.reduce((a, b) => a + b, 0);
    const r = startReduction(sendbuf, recvbuf, total, type, op, comm, () => true);
    return { comm, steps: reduceScatterSteps(r, counts, kind, what) };
  };

  const scan = (
    sendbuf: number,
    recvbuf: number,
    count: number,
    type: number,
    op: number,
    comm: number,
    exclusive: boolean,
  ): Started => {
    const r = startReduction(sendbuf, recvbuf, count, type, op, comm, () => true);
    return { comm, steps: scanSteps(r, exclusive) };
  };

  const gatherv = (
    sendbuf: number,
    scount: number,
    stype: number,
    recvbuf: number,
    counts: readonly number[],
    displs: readonly number[],
    rtype: number,
    root: number,
    comm: number,
    kind: number,
    what: string,
  ): Started => {
    const c = rank.comm(comm);
    checkRoot(c, root, what);
    const seq = rank.nextCollSeq(c);
    const mine =
      c.rank === root && sendbuf === IN_PLACE ? undefined : packAt(sendbuf, scount, rank.commType(stype));
    return {
      comm,
      steps: gathervSteps({ c, root, kind, mine, seq, rtype, recvbuf, displs, counts, what }),
    };
  };

  const scatterv = (
    sendbuf: number,
    counts: readonly number[],
    displs: readonly number[],
    stype: number,
    recvbuf: number,
    rcount: number,
    rtype: number,
    root: number,
    comm: number,
    kind: number,
    what: string,
  ): Started => {
    const c = rank.comm(comm);
    checkRoot(c, root, what);
    const seq = rank.nextCollSeq(c);
    // The root packs every part at the start: its send buffer may be reused once the call returns.
    const parts =
      c.rank === root
        ? c.group.map((_, r) => {
            const st = rank.commType(stype);
            return packAt(sendbuf + (displs[r] ?? 0) * st.extent, counts[r] ?? 0, st);
          })
        : [];
    return {
      comm,
      steps: scattervSteps({ c, root, rtype, recvbuf, kind, what, rcount, seq, parts }),
    };
  };

  const allgatherv = (
    sendbuf: number,
    scount: number,
    stype: number,
    recvbuf: number,
    counts: readonly number[],
    displs: readonly number[],
    rtype: number,
    comm: number,
    kind: number,
    what: string,
  ): Started => {
    const c = rank.comm(comm);
    const rt = rank.commType(rtype);
    const seq = rank.nextCollSeq(c);
    const me = c.rank;
    const mine =
      sendbuf === IN_PLACE
        ? packAt(recvbuf + (displs[me] ?? 0) * rt.extent, counts[me] ?? 0, rt)
        : packAt(sendbuf, scount, rank.commType(stype));
    const sizes = counts.map((n) => n * rt.size);
    const total = sizes.reduce((a, b) => a + b, 0);
    return {
      comm,
      steps: allgathervSteps({ c, me, total, mine, kind, what, sizes, seq, recvbuf, displs, rt }),
    };
  };

  const alltoallv = (
    sendbuf: number,
    scounts: readonly number[],
    sdispls: readonly number[],
    stype: number,
    recvbuf: number,
    rcounts: readonly number[],
    rdispls: readonly number[],
    rtype: number,
    comm: number,
    kind: number,
    what: string,
  ): Started => {
    const c = rank.comm(comm);
    const st = rank.commType(stype);
    const rt = rank.commType(rtype);
    const seq = rank.nextCollSeq(c);
    const n = c.group.length;
    const me = c.rank;
    // Pack everything before receiving anything, so that MPI_IN_PLACE reads the old contents.
    const parts = scounts.map((count, r) => packAt(sendbuf + (sdispls[r] ?? 0) * st.extent, count, st));
    return {
      comm,
      steps: alltoallvSteps({ c, n, me, kind, parts, seq, recvbuf, rdispls, rt, rcounts, what }),
    };
  };

  // The steps of each collective are generator functions declared once here and called with the
  // call's values: a generator function expression evaluated at every call cost about 2 us in
  // Node 20 (each evaluation makes a new function with its own prototype, so every generator
  // object had a new shape), against 0.03 us for a call of one declared once.
  function* barrierSteps(a: { c: CommState; seq: number }): Steps<void> {
    const { c, seq } = a;
    yield* fanInSteps(rank, c, 0, Coll.barrier, "MPI_Ibarrier", EMPTY, NO_COMBINE, seq);
    yield* fanOutSteps(rank, c, 0, Coll.barrier, "MPI_Ibarrier", EMPTY, 0, seq);
  }

  function* bcastSteps(a: {
    c: CommState;
    root: number;
    bytes: Uint8Array | undefined;
    count: number;
    t: TypeInfo;
    seq: number;
    buf: number;
  }): Steps<void> {
    const { c, root, bytes, count, t, seq, buf } = a;
    const got = yield* fanOutSteps(rank, c, root, Coll.bcast, "MPI_Bcast", bytes, count * t.size, seq);
    if (c.rank !== root) unpack(mem.u8(), buf, t, got);
  }

  function* reduceSteps(r: Reduction, root: number): Steps<void> {
    const result = yield* reduceToRootSteps(rank, r, root, Coll.reduce, "MPI_Reduce");
    if (result !== undefined) unpack(mem.u8(), r.recvbuf, r.t, result);
  }

  function* allreduceSteps(r: Reduction): Steps<void> {
    const what = "MPI_Allreduce";
    const result = yield* reduceToRootSteps(rank, r, 0, Coll.allreduce, what);
    const all = yield* fanOutSteps(rank, r.c, 0, Coll.allreduce, what, result, r.count * r.t.size, r.seq);
    unpack(mem.u8(), r.recvbuf, r.t, all);
  }

  function* reduceScatterSteps(
    r: Reduction,
    counts: readonly number[],
    kind: number,
    what: string,
  ): Steps<void> {
    const result = yield* reduceToRootSteps(rank, r, 0, kind, what);
    yield* scatterPackedSteps(rank, r.c, result, counts, r.t, r.recvbuf, kind, what, r.seq);
  }

  function* scanSteps(r: Reduction, exclusive: boolean): Steps<void> {
    const { c, mine, seq, op, type, t, count, recvbuf } = r;
    const kind = exclusive ? Coll.exscan : Coll.scan;
    const what = exclusive ? "MPI_Exscan" : "MPI_Scan";
    // Rank i gets the prefix of ranks 0..i-1, folds its own in and passes it on.
    let forward = mine;
    if (c.rank > 0) {
      const prev = yield* recvSteps(rank, c, c.rank - 1, kind, what, mine.length, seq);
      forward = mine.slice();
      rank.applyOp(op, type, t, count, prev, forward);
      if (exclusive) unpack(mem.u8(), recvbuf, t, prev);
    }
    if (!exclusive) unpack(mem.u8(), recvbuf, t, forward);
    if (c.rank + 1 < sizeOf(c)) yield* flushSteps([rank.collSend(c, c.rank + 1, kind, forward, seq)]);
  }

  function* gathervSteps(a: {
    c: CommState;
    root: number;
    kind: number;
    mine: Uint8Array | undefined;
    seq: number;
    rtype: number;
    recvbuf: number;
    displs: readonly number[];
    counts: readonly number[];
    what: string;
  }): Steps<void> {
    const { c, root, kind, mine, seq, rtype, recvbuf, displs, counts, what } = a;
    if (c.rank !== root) {
      yield* flushSteps([rank.collSend(c, root, kind, mine as Uint8Array, seq)]);
      return;
    }
    const rt = rank.commType(rtype);
    for (let r = 0; r < c.group.length; r++) {
      const at = recvbuf + (displs[r] ?? 0) * rt.extent;
      const expected = (counts[r] ?? 0) * rt.size;
      if (r !== root) {
        unpack(mem.u8(), at, rt, yield* recvSteps(rank, c, r, kind, what, expected, seq));
      } else if (mine !== undefined) {
        if (mine.length !== expected) {
          throw mpiError(
            "MPI_ERR_TRUNCATE",
            `${what}: root sends ${mine.length} bytes to itself but receives ${expected}`,
          );
        }
        unpack(mem.u8(), at, rt, mine);
      }
    }
  }

  function* scattervSteps(a: {
    c: CommState;
    root: number;
    rtype: number;
    recvbuf: number;
    kind: number;
    what: string;
    rcount: number;
    seq: number;
    parts: readonly Uint8Array[];
  }): Steps<void> {
    const { c, root, rtype, recvbuf, kind, what, rcount, seq, parts } = a;
    if (c.rank !== root) {
      const rt = rank.commType(rtype);
      unpack(mem.u8(), recvbuf, rt, yield* recvSteps(rank, c, root, kind, what, rcount * rt.size, seq));
      return;
    }
    const outs: Outgoing[] = [];
    parts.forEach((bytes, r) => {
      if (r !== root) outs.push(rank.collSend(c, r, kind, bytes, seq));
      else if (recvbuf !== IN_PLACE) unpack(mem.u8(), recvbuf, rank.commType(rtype), bytes);
    });
    yield* flushSteps(outs);
  }

  function* allgathervSteps(a: {
    c: CommState;
    me: number;
    total: number;
    mine: Uint8Array;
    kind: number;
    what: string;
    sizes: readonly number[];
    seq: number;
    recvbuf: number;
    displs: readonly number[];
    rt: TypeInfo;
  }): Steps<void> {
    const { c, me, total, mine, kind, what, sizes, seq, recvbuf, displs, rt } = a;
    let whole: Uint8Array | undefined;
    if (me === 0) {
      whole = new Uint8Array(total);
      let offset = 0;
      for (let r = 0; r < c.group.length; r++) {
        const part = r === 0 ? mine : yield* recvSteps(rank, c, r, kind, what, sizes[r], seq);
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
      yield* flushSteps([rank.collSend(c, 0, kind, mine, seq)]);
    }
    const all = yield* fanOutSteps(rank, c, 0, kind, what, whole, total, seq);
    let offset = 0;
    for (let r = 0; r < c.group.length; r++) {
      const len = sizes[r] ?? 0;
      unpack(mem.u8(), recvbuf + (displs[r] ?? 0) * rt.extent, rt, all.subarray(offset, offset + len));
      offset += len;
    }
  }

  function* alltoallvSteps(a: {
    c: CommState;
    n: number;
    me: number;
    kind: number;
    parts: readonly Uint8Array[];
    seq: number;
    recvbuf: number;
    rdispls: readonly number[];
    rt: TypeInfo;
    rcounts: readonly number[];
    what: string;
  }): Steps<void> {
    const { c, n, me, kind, parts, seq, recvbuf, rdispls, rt, rcounts, what } = a;
    const outs: Outgoing[] = [];
    for (let k = 1; k < n; k++) {
      const r = (me + k) % n;
      outs.push(rank.collSend(c, r, kind, parts[r] as Uint8Array, seq));
    }
    unpack(mem.u8(), recvbuf + (rdispls[me] ?? 0) * rt.extent, rt, parts[me] as Uint8Array);
    for (let k = 1; k < n; k++) {
      const r = (me - k + n) % n;
      const bytes = yield* recvSteps(rank, c, r, kind, what, (rcounts[r] ?? 0) * rt.size, seq);
      unpack(mem.u8(), recvbuf + (rdispls[r] ?? 0) * rt.extent, rt, bytes);
    }
    yield* flushSteps(outs);
  }

  return {
    barrier,
    bcast,
    reduce,
    allreduce,
    allreduceBlocking,
    reduceScatter,
    scan,
    gatherv,
    scatterv,
    allgatherv,
    alltoallv,
  };
}

/** Every rank gets its share of a packed vector that rank 0 holds (reduce-scatter). */
function* scatterPackedSteps(
  rank: MpiRank,
  c: CommState,
  all: Uint8Array | undefined,
  counts: readonly number[],
  t: TypeInfo,
  recvbuf: number,
  kind: number,
  what: string,
  seq: number,
): Steps<void> {
  const mem = rank.mem;
  if (c.rank !== 0) {
    unpack(
      mem.u8(),
      recvbuf,
      t,
      yield* recvSteps(rank, c, 0, kind, what, (counts[c.rank] ?? 0) * t.size, seq),
    );
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
    else outs.push(rank.collSend(c, r, kind, part.slice(), seq));
  }
  yield* flushSteps(outs);
}

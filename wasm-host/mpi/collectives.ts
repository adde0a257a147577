// Collective operations, blocking and nonblocking, built on internal messages (context ctx + 1,
// tagged with the collective's sequence number and kind) so they never match user receives.
// Each collective is one generator of steps (steps.ts): the blocking call runs it to the end,
// the nonblocking call (MPI_I...) keeps it in a request that moves on with every progress.
// Reductions with commutative operations go through the locality-aware fan-in; others fold in
// rank order at the root, as MPI requires for non-commutative operations.

import { IN_PLACE } from "./abi.js";
import { pack, type TypeInfo, unpack } from "./datatypes.js";
import { mpiError } from "./errors.js";
import { fanInSteps, fanOutSteps } from "./hierarchy.js";
import type { HostCall, HostCalls } from "./imports-types.js";
import { Coll, MpiRank, type Request } from "./rank.js";
import type { CommState } from "./state.js";
import { advanceSteps, flushSteps, type Ready, recvSteps, runSteps, type Steps } from "./steps.js";
import type { Outgoing } from "./transport.js";

function checkRoot(c: CommState, root: number, what: string): void {
  if (root < 0 || root >= c.group.length) {
    throw mpiError("MPI_ERR_ROOT", `${what}: invalid root ${root} in communicator of size ${c.group.length}`);
  }
}

/** The reduction of every rank's packed contribution, at root (undefined elsewhere). */
export function* reduceToRootSteps(
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
  seq: number,
): Steps<Uint8Array | undefined> {
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
  for (let r = 0; r < n; r++)
    parts.push(r === root ? mine : yield* recvSteps(rank, c, r, kind, what, mine.length, seq));
  const acc = (parts[n - 1] as Uint8Array).slice();
  for (let r = n - 2; r >= 0; r--) rank.applyOp(op, typeHandle, t, count, parts[r] as Uint8Array, acc);
  return acc;
}

/** A collective that has checked its arguments and taken its sequence number, ready to run. */
interface Started {
  readonly comm: number;
  readonly steps: Steps<void>;
}

export function collectiveCalls(rank: MpiRank): HostCalls {
  const mem = rank.mem;
  const sizeOf = (c: CommState) => c.group.length;
  const packAt = (ptr: number, count: number, t: TypeInfo) => pack(mem.u8(), ptr, count, t);

  // Nonblocking collectives in flight; every progress step of the rank moves them on.
  const active = new Set<{ steps: Steps<void>; pending: Ready | undefined; done: boolean }>();
  let advancing = false;
  rank.transport.afterProgress = () => {
    if (advancing || active.size === 0) return;
    advancing = true;
    try {
      for (const state of active) if (advanceSteps(state)) active.delete(state);
    } finally {
      advancing = false;
    }
  };

  const run = (started: Started): number => {
    runSteps(rank, started.steps);
    return 0;
  };

  const start = (started: Started, reqPtr: number): number => {
    const state = { steps: started.steps, pending: undefined as Ready | undefined, done: false };
    if (!advanceSteps(state)) active.add(state);
    const request: Request = {
      kind: "collective",
      comm: started.comm,
      complete: () => {
        if (state.done) return true;
        const done = advanceSteps(state);
        if (done) active.delete(state);
        return done;
      },
      status: MpiRank.emptyStatus(),
    };
    mem.setI32(reqPtr, rank.addRequest(request));
    return 0;
  };

  const barrier = (comm: number): Started => {
    const c = rank.comm(comm);
    const seq = rank.nextCollSeq(c);
    const empty = new Uint8Array(0);
    return {
      comm,
      steps: (function* () {
        yield* fanInSteps(rank, c, 0, Coll.barrier, "MPI_Ibarrier", empty, () => {}, seq);
        yield* fanOutSteps(rank, c, 0, Coll.barrier, "MPI_Ibarrier", empty, 0, seq);
      })(),
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
      steps: (function* () {
        const got = yield* fanOutSteps(rank, c, root, Coll.bcast, "MPI_Bcast", bytes, count * t.size, seq);
        if (c.rank !== root) unpack(mem.u8(), buf, t, got);
      })(),
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
    const c = rank.comm(comm);
    const t = rank.commType(type);
    rank.checkCount(count);
    checkRoot(c, root, "MPI_Reduce");
    rank.isCommutative(op);
    const seq = rank.nextCollSeq(c);
    const mine = packAt(sendbuf === IN_PLACE && c.rank === root ? recvbuf : sendbuf, count, t);
    return {
      comm,
      steps: (function* () {
        const result = yield* reduceToRootSteps(
          rank,
          c,
          root,
          mine,
          count,
          type,
          t,
          op,
          Coll.reduce,
          "MPI_Reduce",
          seq,
        );
        if (result !== undefined) unpack(mem.u8(), recvbuf, t, result);
      })(),
    };
  };

  const allreduce = (
    sendbuf: number,
    recvbuf: number,
    count: number,
    type: number,
    op: number,
    comm: number,
  ): Started => {
    const c = rank.comm(comm);
    const t = rank.commType(type);
    rank.checkCount(count);
    rank.isCommutative(op);
    const seq = rank.nextCollSeq(c);
    const mine = packAt(sendbuf === IN_PLACE ? recvbuf : sendbuf, count, t);
    const what = "MPI_Allreduce";
    return {
      comm,
      steps: (function* () {
        const result = yield* reduceToRootSteps(
          rank,
          c,
          0,
          mine,
          count,
          type,
          t,
          op,
          Coll.allreduce,
          what,
          seq,
        );
        const all = yield* fanOutSteps(rank, c, 0, Coll.allreduce, what, result, count * t.size, seq);
        unpack(mem.u8(), recvbuf, t, all);
      })(),
    };
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
    const c = rank.comm(comm);
    const t = rank.commType(type);
    rank.isCommutative(op);
    const seq = rank.nextCollSeq(c);
    const total = counts.reduce((a, b) => a + b, 0);
    const mine = packAt(sendbuf === IN_PLACE ? recvbuf : sendbuf, total, t);
    return {
      comm,
      steps: (function* () {
        const result = yield* reduceToRootSteps(rank, c, 0, mine, total, type, t, op, kind, what, seq);
        yield* scatterPackedSteps(rank, c, result, counts, t, recvbuf, kind, what, seq);
      })(),
    };
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
    const c = rank.comm(comm);
    const t = rank.commType(type);
    rank.isCommutative(op);
    const seq = rank.nextCollSeq(c);
    const mine = packAt(sendbuf === IN_PLACE ? recvbuf : sendbuf, count, t);
    const kind = exclusive ? Coll.exscan : Coll.scan;
    const what = exclusive ? "MPI_Exscan" : "MPI_Scan";
    return {
      comm,
      steps: (function* () {
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
      })(),
    };
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
      steps: (function* () {
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
      })(),
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
      steps: (function* () {
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
      })(),
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
      steps: (function* () {
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
      })(),
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
      steps: (function* () {
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
      })(),
    };
  };

  // Argument decoding shared by the blocking and nonblocking forms.
  const uniform = (n: number, count: number) => new Array<number>(n).fill(count);
  const offsets = (n: number, count: number) => Array.from({ length: n }, (_, i) => i * count);

  const gather = (
    sb: number,
    sc: number,
    st: number,
    rb: number,
    rc: number,
    rt: number,
    root: number,
    comm: number,
  ) => {
    const n = sizeOf(rank.comm(comm));
    return gatherv(sb, sc, st, rb, uniform(n, rc), offsets(n, rc), rt, root, comm, Coll.gather, "MPI_Gather");
  };
  const gathervCall = (
    sb: number,
    sc: number,
    st: number,
    rb: number,
    rcPtr: number,
    dPtr: number,
    rt: number,
    root: number,
    comm: number,
  ) => {
    const c = rank.comm(comm);
    const n = sizeOf(c);
    const counts = c.rank === root ? mem.ints(rcPtr, n) : [];
    const displs = c.rank === root ? mem.ints(dPtr, n) : [];
    return gatherv(sb, sc, st, rb, counts, displs, rt, root, comm, Coll.gatherv, "MPI_Gatherv");
  };
  const scatter = (
    sb: number,
    sc: number,
    st: number,
    rb: number,
    rc: number,
    rt: number,
    root: number,
    comm: number,
  ) => {
    const n = sizeOf(rank.comm(comm));
    return scatterv(
      sb,
      uniform(n, sc),
      offsets(n, sc),
      st,
      rb,
      rc,
      rt,
      root,
      comm,
      Coll.scatter,
      "MPI_Scatter",
    );
  };
  const scattervCall = (
    sb: number,
    scPtr: number,
    dPtr: number,
    st: number,
    rb: number,
    rc: number,
    rt: number,
    root: number,
    comm: number,
  ) => {
    const c = rank.comm(comm);
    const n = sizeOf(c);
    const counts = c.rank === root ? mem.ints(scPtr, n) : [];
    const displs = c.rank === root ? mem.ints(dPtr, n) : [];
    return scatterv(sb, counts, displs, st, rb, rc, rt, root, comm, Coll.scatterv, "MPI_Scatterv");
  };
  const allgather = (
    sb: number,
    sc: number,
    st: number,
    rb: number,
    rc: number,
    rt: number,
    comm: number,
  ) => {
    const n = sizeOf(rank.comm(comm));
    return allgatherv(
      sb,
      sc,
      st,
      rb,
      uniform(n, rc),
      offsets(n, rc),
      rt,
      comm,
      Coll.allgather,
      "MPI_Allgather",
    );
  };
  const allgathervCall = (
    sb: number,
    sc: number,
    st: number,
    rb: number,
    rcPtr: number,
    dPtr: number,
    rt: number,
    comm: number,
  ) => {
    const n = sizeOf(rank.comm(comm));
    return allgatherv(
      sb,
      sc,
      st,
      rb,
      mem.ints(rcPtr, n),
      mem.ints(dPtr, n),
      rt,
      comm,
      Coll.allgatherv,
      "MPI_Allgatherv",
    );
  };
  const alltoall = (sb: number, sc: number, st: number, rb: number, rc: number, rt: number, comm: number) => {
    const n = sizeOf(rank.comm(comm));
    const inPlace = sb === IN_PLACE;
    const scount = inPlace ? rc : sc;
    return alltoallv(
      inPlace ? rb : sb,
      uniform(n, scount),
      offsets(n, scount),
      inPlace ? rt : st,
      rb,
      uniform(n, rc),
      offsets(n, rc),
      rt,
      comm,
      Coll.alltoall,
      "MPI_Alltoall",
    );
  };
  const alltoallvCall = (
    sb: number,
    scPtr: number,
    sdPtr: number,
    st: number,
    rb: number,
    rcPtr: number,
    rdPtr: number,
    rt: number,
    comm: number,
  ) => {
    const n = sizeOf(rank.comm(comm));
    const inPlace = sb === IN_PLACE;
    const rc = mem.ints(rcPtr, n);
    const rd = mem.ints(rdPtr, n);
    const sc = inPlace ? rc : mem.ints(scPtr, n);
    const sd = inPlace ? rd : mem.ints(sdPtr, n);
    return alltoallv(
      inPlace ? rb : sb,
      sc,
      sd,
      inPlace ? rt : st,
      rb,
      rc,
      rd,
      rt,
      comm,
      Coll.alltoallv,
      "MPI_Alltoallv",
    );
  };
  const reduceScatterCall = (sb: number, rb: number, rcPtr: number, type: number, op: number, comm: number) =>
    reduceScatter(
      sb,
      rb,
      mem.ints(rcPtr, sizeOf(rank.comm(comm))),
      type,
      op,
      comm,
      Coll.reduceScatter,
      "MPI_Reduce_scatter",
    );
  const reduceScatterBlock = (sb: number, rb: number, rc: number, type: number, op: number, comm: number) =>
    reduceScatter(
      sb,
      rb,
      uniform(sizeOf(rank.comm(comm)), rc),
      type,
      op,
      comm,
      Coll.reduceScatterBlock,
      "MPI_Reduce_scatter_block",
    );

  /** The blocking form of a collective and its nonblocking MPI_I form (request pointer last). */
  const both = <A extends number[]>(make: (...args: A) => Started): [HostCall, HostCall] => [
    (...args: number[]) => run(make(...(args as A))),
    (...args: number[]) => start(make(...(args.slice(0, -1) as A)), args[args.length - 1] as number),
  ];

  const [bcastCall, ibcast] = both(bcast);
  const [reduceCall, ireduce] = both(reduce);
  const [allreduceCall, iallreduce] = both(allreduce);
  const [gatherCall, igather] = both(gather);
  const [gathervBlocking, igatherv] = both(gathervCall);
  const [scatterCall, iscatter] = both(scatter);
  const [scattervBlocking, iscatterv] = both(scattervCall);
  const [allgatherCall, iallgather] = both(allgather);
  const [allgathervBlocking, iallgatherv] = both(allgathervCall);
  const [alltoallCall, ialltoall] = both(alltoall);
  const [alltoallvBlocking, ialltoallv] = both(alltoallvCall);
  const [reduceScatterBlocking, ireduceScatter] = both(reduceScatterCall);
  const [reduceScatterBlockCall, ireduceScatterBlock] = both(reduceScatterBlock);
  const [scanCall, iscan] = both((sb: number, rb: number, n: number, t: number, op: number, comm: number) =>
    scan(sb, rb, n, t, op, comm, false),
  );
  const [exscanCall, iexscan] = both(
    (sb: number, rb: number, n: number, t: number, op: number, comm: number) =>
      scan(sb, rb, n, t, op, comm, true),
  );

  return {
    // MPI_Barrier itself is the control point (barrier.ts); MPI_Ibarrier is an ordinary collective.
    MPI_Ibarrier: (comm, reqPtr) => start(barrier(comm), reqPtr as number),
    MPI_Bcast: bcastCall,
    MPI_Ibcast: ibcast,
    MPI_Reduce: reduceCall,
    MPI_Ireduce: ireduce,
    MPI_Allreduce: allreduceCall,
    MPI_Iallreduce: iallreduce,
    MPI_Gather: gatherCall,
    MPI_Igather: igather,
    MPI_Gatherv: gathervBlocking,
    MPI_Igatherv: igatherv,
    MPI_Scatter: scatterCall,
    MPI_Iscatter: iscatter,
    MPI_Scatterv: scattervBlocking,
    MPI_Iscatterv: iscatterv,
    MPI_Allgather: allgatherCall,
    MPI_Iallgather: iallgather,
    MPI_Allgatherv: allgathervBlocking,
    MPI_Iallgatherv: iallgatherv,
    MPI_Alltoall: alltoallCall,
    MPI_Ialltoall: ialltoall,
    MPI_Alltoallv: alltoallvBlocking,
    MPI_Ialltoallv: ialltoallv,
    MPI_Reduce_scatter: reduceScatterBlocking,
    MPI_Ireduce_scatter: ireduceScatter,
    MPI_Reduce_scatter_block: reduceScatterBlockCall,
    MPI_Ireduce_scatter_block: ireduceScatterBlock,
    MPI_Scan: scanCall,
    MPI_Iscan: iscan,
    MPI_Exscan: exscanCall,
    MPI_Iexscan: iexscan,
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

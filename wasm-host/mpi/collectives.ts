// Collective host calls, blocking and nonblocking (MPI_I...): argument decoding shared by both
// forms, the blocking call running the collective's steps to the end, the nonblocking one
// keeping them in a request that every progress of the rank moves on.

import { IN_PLACE } from "./abi.js";
import { collectiveAlgorithms, type Started } from "./collective-algorithms.js";
import type { HostCall, HostCalls } from "./imports-types.js";
import { neighborAlgorithms } from "./neighbor.js";
import { Coll, MpiRank, type Request } from "./rank.js";
import type { CommState } from "./state.js";
import { advanceSteps, type Ready, runSteps, type Steps } from "./steps.js";

export function collectiveCalls(rank: MpiRank): HostCalls {
  const mem = rank.mem;
  const sizeOf = (c: CommState) => c.group.length;
  const {
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
  } = collectiveAlgorithms(rank);

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

  // Argument decoding shared by the blocking and nonblocking forms.
  const uniform = (n: number, count: number) => new Array<number>(n).fill(count);
  const offsets = (n: number, count: number) => Array.from({ length: n }, (_, i) => i * count);
  /** A rooted -v collective's counts and displacements: significant at the root only. */
  const rootVectors = (comm: number, root: number, countsPtr: number, displsPtr: number) => {
    const c = rank.comm(comm);
    const n = sizeOf(c);
    return c.rank === root
      ? { counts: mem.ints(countsPtr, n), displs: mem.ints(displsPtr, n) }
      : { counts: [], displs: [] };
  };

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
    const { counts, displs } = rootVectors(comm, root, rcPtr, dPtr);
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
    const { counts, displs } = rootVectors(comm, root, scPtr, dPtr);
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
  const [, iallreduce] = both(allreduce);
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
  const neighbor = neighborAlgorithms(rank);
  const [neighborAllgather, ineighborAllgather] = both(neighbor.allgather);
  const [neighborAllgatherv, ineighborAllgatherv] = both(neighbor.allgatherv);
  const [neighborAlltoall, ineighborAlltoall] = both(neighbor.alltoall);
  const [neighborAlltoallv, ineighborAlltoallv] = both(neighbor.alltoallv);
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
    MPI_Allreduce: allreduceBlocking,
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
    MPI_Neighbor_allgather: neighborAllgather,
    MPI_Ineighbor_allgather: ineighborAllgather,
    MPI_Neighbor_allgatherv: neighborAllgatherv,
    MPI_Ineighbor_allgatherv: ineighborAllgatherv,
    MPI_Neighbor_alltoall: neighborAlltoall,
    MPI_Ineighbor_alltoall: ineighborAlltoall,
    MPI_Neighbor_alltoallv: neighborAlltoallv,
    MPI_Ineighbor_alltoallv: ineighborAlltoallv,
  };
}

// The MPI warm-up, worker side: two idle pooled workers play a two-rank job through the real
// host calls (guarded as a module's imports are) over a scratch memory, so that V8 has optimised
// the message path before a granule needs it.
//
// Why: a worker thread starts with a cold JIT, and the message path needs thousands of calls
// before TurboFan has compiled it. Until then a same-host MPI_Barrier or MPI_Sendrecv cost
// 30-60 us instead of 2-3 (measured in a two-rank job on this 2-vCPU machine), and with both
// vCPUs busy computing, the compiler threads wait for a core. A Jacobi job of 500 steps spent a
// third of its time there. JIT state lives in the worker's isolate, so the warm-up has to run
// in the worker that will run the granule, before its launch; warm-up-plan.ts makes the shared
// memory on the host's side and stops a warm-up whose worker is taken for a launch.

import type { WarmUpReport } from "../imports.js";
import { ControlPoints } from "../snapshot/control-points.js";
import { COMM_WORLD, PROC_NULL, STATUS_IGNORE } from "./abi.js";
import { isMpiRankData, type MpiRankData } from "./protocol.js";
import { guardedCalls, mpiHostCalls } from "./provider.js";
import { MpiRank } from "./rank.js";

/**
 * What the plan sends each member of a warm-up team: the rank's data for each pass. The
 * exercise runs once per pass, each time as a fresh rank, as successive jobs would: code that V8
 * optimised for one rank's objects and closures only (a call inlined for one transport's
 * callback) would be thrown away at the job's first call, so the last pass is there to make V8
 * see more than one of each before it compiles the code the job will use.
 */
export interface MpiWarmUpSession {
  readonly kind: "granny.mpi.warm-up.v1";
  readonly passes: readonly MpiRankData[];
  /** Each pass stops after this many rounds, or once rank 0 has spent budgetMs in it. */
  readonly rounds: number;
  readonly budgetMs: number;
}

export function isMpiWarmUpSession(value: unknown): value is MpiWarmUpSession {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === "granny.mpi.warm-up.v1" &&
    Array.isArray((value as { passes?: unknown }).passes) &&
    (value as { passes: unknown[] }).passes.every(isMpiRankData)
  );
}

// Handles from include/mpi.h.
const MPI_INT = 7;
/** MPI_STATUSES_IGNORE, the array form of MPI_STATUS_IGNORE (the same value). */
const STATUSES_IGNORE = 1;
const MPI_DOUBLE = 14;
const MPI_MAX = 1;
const MPI_SUM = 3;

/** The calls the exercise makes: the ones a stencil, a ping-pong or a reduction loop makes. */
export const WARM_UP_CALLS = [
  "MPI_Init",
  "MPI_Comm_rank",
  "MPI_Comm_size",
  "MPI_Wtime",
  "MPI_Send",
  "MPI_Recv",
  "MPI_Sendrecv",
  "MPI_Isend",
  "MPI_Irecv",
  "MPI_Waitall",
  "MPI_Barrier",
  "MPI_Bcast",
  "MPI_Reduce",
  "MPI_Allreduce",
  "MPI_Type_vector",
  "MPI_Type_commit",
  "MPI_Type_free",
  "MPI_Finalize",
] as const;

type Calls = Record<(typeof WARM_UP_CALLS)[number], (...args: number[]) => number>;

// Scratch memory layout (bytes).
const SMALL_SEND = 1024;
const SMALL_RECV = 1088;
const STATUS = 1152;
const REQUESTS = 1216;
const INTS = 1280; // rank, size, vector type, continue flag
const ROW_DOUBLES = 1024;
const ROW_SEND = 16384;
const ROW_RECV = ROW_SEND + ROW_DOUBLES * 8;
/** A 64 x 66 grid of doubles: one column of it is the MPI_Type_vector halo of a 2-D stencil. */
const GRID = 65536;
const GRID_ROWS = 64;
const GRID_LD = 66;
const PAGES = 4;
const GROW_AT_ROUND = 10;
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/** Runs one rank of the exercise; the pool stops it early by aborting the session's job. */
export function warmUp(session: unknown): WarmUpReport {
  if (!isMpiWarmUpSession(session)) throw new Error("the MPI warm-up needs a session made by mpiWarmUpPlan");
  const started = performance.now();
  let rounds = 0;
  try {
    for (const data of session.passes) rounds += pass(data, session);
    return { rounds, ms: performance.now() - started };
  } catch (e) {
    return { rounds, ms: performance.now() - started, stoppedBy: e instanceof Error ? e.message : String(e) };
  }
}

/** One run of the exercise as one rank of a fresh job; the rounds it made. */
function pass(data: MpiRankData, session: MpiWarmUpSession): number {
  const memory = new WebAssembly.Memory({ initial: PAGES });
  // An instance of the empty module: no Asyncify exports (never rewinding), no function table.
  const instance = new WebAssembly.Instance(new WebAssembly.Module(EMPTY_MODULE));
  const points = new ControlPoints(
    new Int32Array(new SharedArrayBuffer(8)),
    () => instance,
    () => memory,
    undefined,
    () => {},
  );
  const rank = new MpiRank(data, { memory: () => memory, instance: () => instance, postToHost: () => {} });
  const exit = (code: number): never => {
    throw new Error(`the MPI warm-up exited with code ${code}`);
  };
  const all = mpiHostCalls(rank, exit, { controlPoints: points, receiveFromHost: () => undefined });
  const mpi = guardedCalls(rank, all, WARM_UP_CALLS, points) as Calls;
  return exercise(mpi, memory, session);
}

function exercise(mpi: Calls, memory: WebAssembly.Memory, session: MpiWarmUpSession): number {
  let view = new DataView(memory.buffer);
  mpi.MPI_Init(0, 0);
  mpi.MPI_Comm_rank(COMM_WORLD, INTS);
  mpi.MPI_Comm_size(COMM_WORLD, INTS + 4);
  const me = view.getInt32(INTS, true);
  const partner = me === 0 ? 1 : 0;
  mpi.MPI_Type_vector(GRID_ROWS, 1, GRID_LD, MPI_DOUBLE, INTS + 8);
  mpi.MPI_Type_commit(INTS + 8);
  const column = view.getInt32(INTS + 8, true);
  const start = mpi.MPI_Wtime();
  let round = 0;
  for (;;) {
    view.setFloat64(SMALL_SEND, round, true);
    // Ping-pong of one double, with and without a status.
    if (me === 0) {
      mpi.MPI_Send(SMALL_SEND, 1, MPI_DOUBLE, partner, 0, COMM_WORLD);
      mpi.MPI_Recv(SMALL_RECV, 1, MPI_DOUBLE, partner, 0, COMM_WORLD, STATUS);
    } else {
      mpi.MPI_Recv(SMALL_RECV, 1, MPI_DOUBLE, partner, 0, COMM_WORLD, STATUS_IGNORE);
      mpi.MPI_Send(SMALL_SEND, 1, MPI_DOUBLE, partner, 0, COMM_WORLD);
    }
    // A stencil's halo exchange: a row, nobody (the edge of the grid), a strided column.
    mpi.MPI_Sendrecv(
      ROW_SEND,
      ROW_DOUBLES,
      MPI_DOUBLE,
      partner,
      1,
      ROW_RECV,
      ROW_DOUBLES,
      MPI_DOUBLE,
      partner,
      1,
      COMM_WORLD,
      STATUS_IGNORE,
    );
    mpi.MPI_Sendrecv(
      ROW_SEND,
      ROW_DOUBLES,
      MPI_DOUBLE,
      PROC_NULL,
      2,
      ROW_RECV,
      ROW_DOUBLES,
      MPI_DOUBLE,
      PROC_NULL,
      2,
      COMM_WORLD,
      STATUS_IGNORE,
    );
    mpi.MPI_Sendrecv(
      GRID + 8,
      1,
      column,
      partner,
      3,
      GRID + 16,
      1,
      column,
      partner,
      3,
      COMM_WORLD,
      STATUS_IGNORE,
    );
    // Nonblocking pair.
    mpi.MPI_Irecv(SMALL_RECV, 1, MPI_DOUBLE, partner, 4, COMM_WORLD, REQUESTS);
    mpi.MPI_Isend(SMALL_SEND, 1, MPI_DOUBLE, partner, 4, COMM_WORLD, REQUESTS + 4);
    mpi.MPI_Waitall(2, REQUESTS, STATUSES_IGNORE);
    // Collectives.
    mpi.MPI_Barrier(COMM_WORLD);
    mpi.MPI_Allreduce(SMALL_SEND, SMALL_RECV, 1, MPI_DOUBLE, MPI_SUM, COMM_WORLD);
    mpi.MPI_Allreduce(INTS, INTS + 16, 1, MPI_INT, MPI_MAX, COMM_WORLD);
    mpi.MPI_Reduce(ROW_SEND, ROW_RECV, 2, MPI_DOUBLE, MPI_SUM, 0, COMM_WORLD);
    round++;
    // Programs grow their memory (malloc): the host calls then see a new buffer, and growing
    // detaches the old one, which makes V8 drop code that assumed no buffer is ever detached.
    if (round === GROW_AT_ROUND) {
      memory.grow(1);
      view = new DataView(memory.buffer);
    }
    // Rank 0 decides whether there is another round, so that both ranks stop together.
    const more = round < session.rounds && (mpi.MPI_Wtime() - start) * 1000 < session.budgetMs;
    view.setInt32(INTS + 12, more ? 1 : 0, true);
    mpi.MPI_Bcast(INTS + 12, 1, MPI_INT, 0, COMM_WORLD);
    if (view.getInt32(INTS + 12, true) === 0) break;
  }
  mpi.MPI_Type_free(INTS + 8);
  mpi.MPI_Finalize();
  return round;
}

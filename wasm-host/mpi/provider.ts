// The MPI import provider: loaded by the granule worker (launch.providers), it builds one rank's
// MPI runtime from its providerData and supplies the "mpi" namespace. Every call is guarded:
// an MPI error ends the job with an MPI-style message (MPI_ERRORS_ARE_FATAL) or is returned
// (MPI_ERRORS_RETURN); a function the runtime does not implement ends the job with
// "MPI_X is not supported".

import type { ControlPointContext, ImportContext, ProviderImports } from "../imports.js";
import { WasiExit } from "../wasi/mod.js";
import { COMM_WORLD, ERRORS_RETURN, ErrorClass } from "./abi.js";
import { attributeCalls } from "./attributes.js";
import { controlPointBarrier } from "./barrier.js";
import { collectiveCalls } from "./collectives.js";
import { commCalls } from "./comms.js";
import { datatypeCalls } from "./datatype-calls.js";
import { environmentCalls } from "./environment-calls.js";
import { MpiError, MpiJobAborted } from "./errors.js";
import type { HostCall, HostCalls } from "./imports-types.js";
import { type BarrierControl, parseSavedRank } from "./migration.js";
import { p2pCalls } from "./p2p.js";
import { isMpiRankData, type RankToRouter } from "./protocol.js";
import { MPI_NAMESPACE } from "./provider-names.js";
import { MpiRank } from "./rank.js";

// Run by idle pooled workers before any launch (imports.ts, worker-pool.ts).
export { warmUp } from "./warm-up.js";
export { MPI_NAMESPACE };

/** Calls allowed before MPI_Init and after MPI_Finalize (MPI-3.1 section 8.7). */
const OUTSIDE_INIT = new Set([
  "MPI_Init",
  "MPI_Init_thread",
  "MPI_Initialized",
  "MPI_Finalized",
  "MPI_Get_version",
  "MPI_Get_library_version",
  "MPI_Wtime",
  "MPI_Wtick",
  "MPI_Abort",
  "MPI_Error_string",
  "MPI_Error_class",
  "granny_mpi_runtime",
]);

/** Position of the communicator argument, for the error handler that applies. */
const COMM_ARG: Readonly<Record<string, number>> = {
  MPI_Send: 5,
  MPI_Ssend: 5,
  MPI_Rsend: 5,
  MPI_Bsend: 5,
  MPI_Isend: 5,
  MPI_Issend: 5,
  MPI_Irsend: 5,
  MPI_Ibsend: 5,
  MPI_Recv: 5,
  MPI_Irecv: 5,
  MPI_Sendrecv: 10,
  MPI_Sendrecv_replace: 7,
  MPI_Probe: 2,
  MPI_Iprobe: 2,
  MPI_Barrier: 0,
  MPI_Bcast: 4,
  MPI_Reduce: 6,
  MPI_Allreduce: 5,
  MPI_Gather: 7,
  MPI_Gatherv: 8,
  MPI_Scatter: 7,
  MPI_Scatterv: 8,
  MPI_Allgather: 6,
  MPI_Allgatherv: 7,
  MPI_Alltoall: 6,
  MPI_Alltoallv: 8,
  MPI_Reduce_scatter: 5,
  MPI_Reduce_scatter_block: 5,
  MPI_Scan: 5,
  MPI_Exscan: 5,
  MPI_Comm_size: 0,
  MPI_Comm_rank: 0,
  MPI_Comm_dup: 0,
  MPI_Comm_split: 0,
  MPI_Comm_create: 0,
  MPI_Cart_create: 0,
};

/**
 * Every MPI host call of a rank, by import name. Without `control`, MPI_Barrier is a plain
 * barrier that never holds or snapshots.
 */
export function mpiHostCalls(
  rank: MpiRank,
  exit: (code: number) => never,
  control?: BarrierControl,
): HostCalls {
  return {
    ...environmentCalls(rank, exit),
    ...p2pCalls(rank),
    ...collectiveCalls(rank),
    ...commCalls(rank),
    ...datatypeCalls(rank),
    ...attributeCalls(rank),
    MPI_Barrier: (comm) => controlPointBarrier(rank, comm, control),
  };
}

export function createImports(ctx: ImportContext): ProviderImports {
  const data = ctx.providerData;
  if (!isMpiRankData(data)) {
    throw new Error("the MPI provider needs providerData made by MpiRouter.rankData(rank)");
  }
  const restored = ctx.controlPoints.restoredState;
  const rank = new MpiRank(
    data,
    {
      memory: () => ctx.memory(),
      instance: () => ctx.instance(),
      postToHost: (message: RankToRouter, transfer?: ArrayBuffer[]) => ctx.postToHost(message, transfer),
    },
    restored === undefined ? undefined : parseSavedRank(restored, data),
  );
  const calls = mpiHostCalls(rank, (code) => ctx.exit(code), {
    controlPoints: ctx.controlPoints,
    receiveFromHost: (timeoutMs) => ctx.receiveFromHost(timeoutMs),
  });
  const names = WebAssembly.Module.imports(ctx.module)
    .filter((imp) => imp.module === MPI_NAMESPACE && imp.kind === "function")
    .map((imp) => imp.name);
  return { imports: { [MPI_NAMESPACE]: guardedCalls(rank, calls, names, ctx.controlPoints) } };
}

/**
 * The namespace a module importing `names` gets: each call guarded, unknown names refused when
 * called. The warm-up (warm-up.ts) builds its calls here too, so V8 optimises the same closures.
 */
export function guardedCalls(
  rank: MpiRank,
  calls: HostCalls,
  names: readonly string[],
  points: ControlPointContext,
): Record<string, HostCall> {
  const namespace: Record<string, HostCall> = {};
  for (const name of names) {
    const impl = calls[name];
    namespace[name] = impl === undefined ? unsupported(rank, name) : guard(rank, name, impl, points);
  }
  return namespace;
}

function fatal(rank: MpiRank, code: number, message: string): never {
  rank.transport.abortJob(code, message);
  throw new Error(message);
}

function unsupported(rank: MpiRank, name: string): HostCall {
  return () =>
    fatal(
      rank,
      ErrorClass.MPI_ERR_UNSUPPORTED_OPERATION,
      `${name} is not supported (rank ${rank.worldRank})`,
    );
}

function guard(rank: MpiRank, name: string, impl: HostCall, points: ControlPointContext): HostCall {
  const commArg = COMM_ARG[name];
  const state = rank.state;
  const outside = OUTSIDE_INIT.has(name);
  return (...args: number[]) => {
    // Any MPI call is a point where the rank's memory may be read for a pre-copy.
    points.atHostCall();
    try {
      if (!outside && (!state.initialized || state.finalized)) {
        throw new MpiError(
          "MPI_ERR_OTHER",
          `${name} called ${state.finalized ? "after MPI_Finalize" : "before MPI_Init"}`,
        );
      }
      return impl(...args) ?? 0;
    } catch (e) {
      if (e instanceof WasiExit) throw e;
      if (e instanceof MpiJobAborted) {
        throw new Error(`${name} on rank ${rank.worldRank} stopped: the job was aborted: ${e.message}`);
      }
      if (e instanceof MpiError) {
        const commHandle = commArg === undefined ? COMM_WORLD : (args[commArg] ?? COMM_WORLD);
        const handler = state.comms[commHandle]?.errhandler ?? state.comms[COMM_WORLD]?.errhandler;
        if (handler === ERRORS_RETURN && !e.message.includes(" is not supported")) return e.code;
        const message = `${e.message} (in ${name} on rank ${rank.worldRank})`;
        rank.transport.abortJob(e.code, message);
        throw new Error(message);
      }
      const message = `MPI_ERR_INTERN: ${name} on rank ${rank.worldRank} failed: ${e instanceof Error ? e.message : String(e)}`;
      rank.transport.abortJob(ErrorClass.MPI_ERR_INTERN, message);
      throw new Error(message, { cause: e });
    }
  };
}

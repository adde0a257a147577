// Host calls for the MPI environment: initialisation and finalisation, time, versions and
// error strings (attributes are in attributes.ts).

import { errorString, mpiError } from "./errors.js";
import type { HostCalls } from "./imports-types.js";
import type { MpiRank } from "./rank.js";
import { RankState } from "./shared-layout.js";

export const LIBRARY_VERSION = "granny MPI (MPI 3.1 subset over WebAssembly)";

export function environmentCalls(rank: MpiRank, exit: (code: number) => never): HostCalls {
  const mem = rank.mem;
  const state = rank.state;

  const init = (level: number) => {
    if (state.initialized) throw mpiError("MPI_ERR_OTHER", "MPI_Init called twice");
    state.initialized = true;
    state.threadLevel = level;
    rank.transport.setState(RankState.initialized);
    rank.transport.reportInitialized();
  };

  return {
    granny_mpi_runtime(scratch, malloc, free) {
      state.runtime = { scratch, malloc, free };
      return 0;
    },
    MPI_Init(_argc, _argv) {
      init(0);
      return 0;
    },
    MPI_Init_thread(_argc, _argv, required, providedPtr) {
      // One thread per rank: whatever level is asked for holds trivially.
      init(required);
      mem.setI32(providedPtr, required);
      return 0;
    },
    MPI_Initialized(flagPtr) {
      mem.setI32(flagPtr, state.initialized ? 1 : 0);
      return 0;
    },
    MPI_Finalized(flagPtr) {
      mem.setI32(flagPtr, state.finalized ? 1 : 0);
      return 0;
    },
    MPI_Query_thread(providedPtr) {
      mem.setI32(providedPtr, state.threadLevel);
      return 0;
    },
    MPI_Is_thread_main(flagPtr) {
      mem.setI32(flagPtr, 1);
      return 0;
    },
    MPI_Finalize() {
      if (!state.initialized || state.finalized)
        throw mpiError("MPI_ERR_OTHER", "MPI_Finalize without a matching MPI_Init");
      // Everything this rank sent must be out before it may leave.
      rank.transport.waitUntil(() => !rank.transport.sendsPending);
      state.finalized = true;
      rank.transport.setState(RankState.finalized);
      return 0;
    },
    MPI_Abort(comm, code) {
      void comm;
      rank.transport.abortJob(code, `MPI_Abort(errorcode ${code}) called by rank ${rank.worldRank}`);
      return exit(code);
    },
    MPI_Wtime() {
      return (performance.timeOrigin + performance.now()) / 1000;
    },
    MPI_Wtick() {
      return 1e-6;
    },
    MPI_Get_processor_name(namePtr, lenPtr) {
      mem.setI32(lenPtr, mem.writeCString(namePtr, rank.data.hostName, 256));
      return 0;
    },
    MPI_Get_version(versionPtr, subversionPtr) {
      mem.setI32(versionPtr, 3);
      mem.setI32(subversionPtr, 1);
      return 0;
    },
    MPI_Get_library_version(textPtr, lenPtr) {
      mem.setI32(lenPtr, mem.writeCString(textPtr, LIBRARY_VERSION, 256));
      return 0;
    },
    MPI_Error_string(code, textPtr, lenPtr) {
      mem.setI32(lenPtr, mem.writeCString(textPtr, errorString(code), 256));
      return 0;
    },
    MPI_Error_class(code, classPtr) {
      mem.setI32(classPtr, code);
      return 0;
    },
    MPI_Pcontrol(_level) {
      return 0;
    },
  };
}

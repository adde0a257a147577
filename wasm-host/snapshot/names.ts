// Names shared by the instrumentation (main thread, with Binaryen) and the worker side of capture
// and restore, kept apart so that granule workers never load Binaryen.

import { BARRIER_IMPORT, MPI_NAMESPACE } from "../mpi/provider-names.js";

/** The imports that are control points, as "namespace.name". */
export const CONTROL_POINT_IMPORTS: readonly string[] = [`${MPI_NAMESPACE}.${BARRIER_IMPORT}`];

/** Export-name prefix of the mutable globals a snapshot saves. */
export const GLOBAL_EXPORT_PREFIX = "__granny_global.";

/** The Asyncify exports a capture and a restore call. */
export const ASYNCIFY_EXPORTS = [
  "asyncify_start_unwind",
  "asyncify_stop_unwind",
  "asyncify_start_rewind",
  "asyncify_stop_rewind",
  "asyncify_get_state",
] as const;

// Numeric ABI shared with wasm-host/include/mpi.h: handle values, error classes and special
// ranks. The header is the source of truth for C programs; keep both in step.

export const MPI_SUCCESS = 0;

export const ErrorClass = {
  MPI_ERR_BUFFER: 1,
  MPI_ERR_COUNT: 2,
  MPI_ERR_TYPE: 3,
  MPI_ERR_TAG: 4,
  MPI_ERR_COMM: 5,
  MPI_ERR_RANK: 6,
  MPI_ERR_REQUEST: 7,
  MPI_ERR_ROOT: 8,
  MPI_ERR_GROUP: 9,
  MPI_ERR_OP: 10,
  MPI_ERR_TOPOLOGY: 11,
  MPI_ERR_DIMS: 12,
  MPI_ERR_ARG: 13,
  MPI_ERR_UNKNOWN: 14,
  MPI_ERR_TRUNCATE: 15,
  MPI_ERR_OTHER: 16,
  MPI_ERR_INTERN: 17,
  MPI_ERR_IN_STATUS: 18,
  MPI_ERR_PENDING: 19,
  MPI_ERR_NO_MEM: 39,
  MPI_ERR_UNSUPPORTED_OPERATION: 52,
  MPI_ERR_PROC_FAILED: 59,
} as const;
export type ErrorClassName = keyof typeof ErrorClass;

export const COMM_NULL = 0;
export const COMM_WORLD = 1;
export const COMM_SELF = 2;
export const GROUP_NULL = 0;
export const GROUP_EMPTY = 1;
export const REQUEST_NULL = 0;
export const ERRHANDLER_NULL = 0;
export const ERRORS_ARE_FATAL = 1;
export const ERRORS_RETURN = 2;
export const ERRORS_ABORT = 3;
export const DATATYPE_NULL = 0;
export const OP_NULL = 0;

export const ANY_SOURCE = -1;
export const ANY_TAG = -1;
export const PROC_NULL = -2;
export const ROOT = -3;
export const UNDEFINED = -32766;
/** Largest tag a program may use (attribute MPI_TAG_UB); collectives use negative tags internally. */
export const TAG_UB = 0x3fffffff;

/** Pointer values with a meaning (mpi.h). */
export const IN_PLACE = -1;
export const STATUS_IGNORE = 1;
/** sizeof(MPI_Status): MPI_SOURCE, MPI_TAG, MPI_ERROR, count in bytes, cancelled. */
export const STATUS_BYTES = 20;

export const THREAD_SINGLE = 0;
export const THREAD_MULTIPLE = 3;

export const IDENT = 0;
export const CONGRUENT = 1;
export const SIMILAR = 2;
export const UNEQUAL = 3;
export const CART = 2;

/** Attribute keys (MPI_Comm_get_attr). */
export const ATTR_TAG_UB = 1;
export const ATTR_HOST = 2;
export const ATTR_IO = 3;
export const ATTR_WTIME_IS_GLOBAL = 4;
export const ATTR_APPNUM = 5;
export const ATTR_UNIVERSE_SIZE = 6;

export const ORDER_C = 56;

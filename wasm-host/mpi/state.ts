// The MPI state of one rank as plain data (communicators, groups, derived datatypes, user
// operations), so that a rank stopped at a control point can be serialised with its snapshot.
// Requests are kept apart (requests.ts): at a control point a rank has none pending.

import { COMM_SELF, COMM_WORLD, ERRORS_ARE_FATAL, GROUP_EMPTY } from "./abi.js";
import { FIRST_DERIVED_TYPE, type TypeInfo } from "./datatypes.js";
import { FIRST_USER_OP } from "./ops.js";

export interface CartTopology {
  readonly dims: readonly number[];
  readonly periods: readonly boolean[];
}

export interface CommState {
  /** Context id for point-to-point traffic; collectives use ctx + 1. */
  readonly ctx: number;
  /** World ranks of the members, by rank in this communicator. */
  readonly group: readonly number[];
  readonly rank: number;
  readonly cart: CartTopology | undefined;
  /**
   * Collectives started on this communicator so far (absent means 0). Every member starts them
   * in the same order, so this numbers a collective's messages the same way on every rank.
   * Communicators are created with every field present (0, undefined), so that all have one
   * object shape: adding a field on first use made V8 deoptimise the message paths.
   */
  collSeq?: number;
  /** How many collectives of this communicator went through the control block (shm-collectives.ts). */
  sharedSeq?: number;
  errhandler: number;
  name: string;
  /** Cached attributes (MPI_Comm_set_attr): keyval -> value (a pointer-sized int). */
  attrs?: Record<number, number>;
}

/** A user attribute key (MPI_Comm_create_keyval): function-table indices, 0 for the null functions. */
export interface Keyval {
  readonly copyFn: number;
  readonly deleteFn: number;
  readonly extraState: number;
}

export interface UserOp {
  /** Function-table index of the MPI_User_function. */
  readonly fn: number;
  readonly commute: boolean;
}

/** First handle of user attribute keys; smaller ones are the predefined keys (MPI_TAG_UB, ...). */
export const FIRST_USER_KEYVAL = 32;

export interface MpiState {
  initialized: boolean;
  finalized: boolean;
  threadLevel: number;
  /** Indexed by handle; null once freed. */
  readonly comms: (CommState | null)[];
  readonly groups: (readonly number[] | null)[];
  /** Derived datatypes by handle (from FIRST_DERIVED_TYPE). */
  readonly types: Record<number, TypeInfo>;
  nextType: number;
  readonly ops: Record<number, UserOp>;
  nextOp: number;
  readonly keyvals: Record<number, Keyval>;
  nextKeyval: number;
  /** Next free context id; agreed across the members whenever a communicator is created. */
  nextCtx: number;
  /** Addresses registered by the module's runtime (granny_mpi_rt.c), for calling user ops. */
  runtime: { readonly scratch: number; readonly malloc: number; readonly free: number } | undefined;
}

export function initialState(worldRank: number, worldSize: number): MpiState {
  const world: CommState = {
    ctx: 0,
    group: Array.from({ length: worldSize }, (_, i) => i),
    rank: worldRank,
    cart: undefined,
    collSeq: 0,
    sharedSeq: 0,
    errhandler: ERRORS_ARE_FATAL,
    name: "MPI_COMM_WORLD",
    attrs: undefined,
  };
  const self: CommState = {
    ctx: 2,
    group: [worldRank],
    rank: 0,
    cart: undefined,
    collSeq: 0,
    sharedSeq: 0,
    errhandler: ERRORS_ARE_FATAL,
    name: "MPI_COMM_SELF",
    attrs: undefined,
  };
  const comms: (CommState | null)[] = [];
  comms[0] = null;
  comms[COMM_WORLD] = world;
  comms[COMM_SELF] = self;
  const groups: (readonly number[] | null)[] = [];
  groups[0] = null;
  groups[GROUP_EMPTY] = [];
  return {
    initialized: false,
    finalized: false,
    threadLevel: 0,
    comms,
    groups,
    types: {},
    nextType: FIRST_DERIVED_TYPE,
    ops: {},
    nextOp: FIRST_USER_OP,
    keyvals: {},
    nextKeyval: FIRST_USER_KEYVAL,
    nextCtx: 4,
    runtime: undefined,
  };
}

// Attribute caching on communicators (MPI_Comm_create_keyval, MPI_Comm_set_attr, ...), with the
// predefined attributes of MPI_COMM_WORLD. Keys and values are plain data in the rank's state;
// copy and delete callbacks are C function pointers called back through the function table.

import {
  ATTR_APPNUM,
  ATTR_HOST,
  ATTR_IO,
  ATTR_TAG_UB,
  ATTR_UNIVERSE_SIZE,
  ATTR_WTIME_IS_GLOBAL,
  PROC_NULL,
  TAG_UB,
} from "./abi.js";
import { mpiError } from "./errors.js";
import type { HostCalls } from "./imports-types.js";
import type { MpiRank } from "./rank.js";
import { type CommState, FIRST_USER_KEYVAL, type Keyval } from "./state.js";

/** MPI_COMM_DUP_FN (mpi.h): copy the value as it is. A real function pointer is never -1. */
const DUP_FN = -1;
const KEYVAL_INVALID = -1;

function keyval(rank: MpiRank, key: number): Keyval {
  const k = rank.state.keyvals[key];
  if (k === undefined) throw mpiError("MPI_ERR_OTHER", `invalid attribute key ${key}`);
  return k;
}

/** Runs the keyval's delete callback for an attribute that goes away. */
function deleteOne(rank: MpiRank, commHandle: number, key: number, value: number): void {
  const k = rank.state.keyvals[key];
  if (k === undefined || k.deleteFn === 0) return;
  const rc = rank.callModule(k.deleteFn, commHandle, key, value, k.extraState);
  if (rc !== 0) throw mpiError("MPI_ERR_OTHER", `the delete callback of attribute key ${key} returned ${rc}`);
}

/** MPI_Comm_dup: each attribute goes through its keyval's copy callback. */
export function copyAttributes(rank: MpiRank, oldHandle: number, from: CommState, to: CommState): void {
  const attrs = from.attrs;
  if (attrs === undefined) return;
  const copied: Record<number, number> = {};
  for (const [keyText, value] of Object.entries(attrs)) {
    const key = Number(keyText);
    const k = rank.state.keyvals[key];
    if (k === undefined || k.copyFn === 0) continue;
    if (k.copyFn === DUP_FN) {
      copied[key] = value;
      continue;
    }
    const rt = rank.runtime("attribute copy callbacks");
    const out = rank.callModule(rt.malloc, 8);
    try {
      rank.mem.setI32(out, 0);
      rank.mem.setI32(out + 4, 0);
      const rc = rank.callModule(k.copyFn, oldHandle, key, k.extraState, value, out, out + 4);
      if (rc !== 0)
        throw mpiError("MPI_ERR_OTHER", `the copy callback of attribute key ${key} returned ${rc}`);
      if (rank.mem.i32(out + 4) !== 0) copied[key] = rank.mem.i32(out);
    } finally {
      rank.callModule(rt.free, out);
    }
  }
  to.attrs = copied;
}

/** MPI_Comm_free: every attribute's delete callback runs. */
export function deleteAttributes(rank: MpiRank, handle: number, c: CommState): void {
  for (const [key, value] of Object.entries(c.attrs ?? {})) deleteOne(rank, handle, Number(key), value);
  c.attrs = undefined;
}

export function attributeCalls(rank: MpiRank): HostCalls {
  const mem = rank.mem;
  const state = rank.state;
  // Predefined attribute values live in linear memory (MPI returns a pointer to them), in the
  // scratch area the runtime registered at start-up, after the op arguments.
  const predefinedSlot = (key: number) =>
    state.runtime === undefined ? 0 : state.runtime.scratch + 8 + (key % 2) * 4;

  const createKeyval = (copyFn: number, deleteFn: number, keyPtr: number, extraState: number) => {
    const key = state.nextKeyval++;
    state.keyvals[key] = { copyFn, deleteFn, extraState };
    mem.setI32(keyPtr, key);
    return 0;
  };
  const freeKeyval = (keyPtr: number) => {
    const key = mem.i32(keyPtr);
    keyval(rank, key);
    delete state.keyvals[key];
    mem.setI32(keyPtr, KEYVAL_INVALID);
    return 0;
  };
  const setAttr = (comm: number, key: number, value: number) => {
    const c = rank.comm(comm);
    keyval(rank, key);
    const old = c.attrs?.[key];
    if (old !== undefined) deleteOne(rank, comm, key, old);
    c.attrs = { ...(c.attrs ?? {}), [key]: value };
    return 0;
  };
  const getAttr = (comm: number, key: number, valuePtr: number, flagPtr: number) => {
    const c = rank.comm(comm);
    if (key >= FIRST_USER_KEYVAL) {
      keyval(rank, key);
      const value = c.attrs?.[key];
      mem.setI32(flagPtr, value === undefined ? 0 : 1);
      if (value !== undefined) mem.setI32(valuePtr, value);
      return 0;
    }
    const predefined: Record<number, number> = {
      [ATTR_TAG_UB]: TAG_UB,
      [ATTR_HOST]: PROC_NULL,
      [ATTR_IO]: c.rank,
      [ATTR_WTIME_IS_GLOBAL]: 1,
      [ATTR_APPNUM]: 0,
      [ATTR_UNIVERSE_SIZE]: rank.data.worldSize,
    };
    const value = predefined[key];
    const slot = predefinedSlot(key);
    if (value === undefined || slot === 0) {
      mem.setI32(flagPtr, 0);
      return 0;
    }
    mem.setI32(slot, value);
    mem.setI32(valuePtr, slot);
    mem.setI32(flagPtr, 1);
    return 0;
  };
  const deleteAttr = (comm: number, key: number) => {
    const c = rank.comm(comm);
    keyval(rank, key);
    const value = c.attrs?.[key];
    if (value === undefined)
      throw mpiError("MPI_ERR_OTHER", `attribute key ${key} is not set on this communicator`);
    deleteOne(rank, comm, key, value);
    const rest = { ...(c.attrs ?? {}) };
    delete rest[key];
    c.attrs = rest;
    return 0;
  };

  return {
    MPI_Comm_create_keyval: createKeyval,
    MPI_Comm_free_keyval: freeKeyval,
    MPI_Comm_set_attr: setAttr,
    MPI_Comm_get_attr: getAttr,
    MPI_Comm_delete_attr: deleteAttr,
    // The MPI-1 names of the same (deprecated, still common).
    MPI_Keyval_create: createKeyval,
    MPI_Keyval_free: freeKeyval,
    MPI_Attr_put: setAttr,
    MPI_Attr_get: getAttr,
    MPI_Attr_delete: deleteAttr,
  };
}

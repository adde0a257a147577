// The snapshot of one granule as plain, structured-clonable data: what a capture produces in the
// worker, what encodeSnapshot writes and decodeSnapshot returns, and what a restore consumes.

import type { WasiState } from "../wasi/mod.js";

/** Who the granule was; carried for the planner's bookkeeping and error messages. */
export interface SnapshotIdentity {
  readonly jobId: string;
  /** The granule within its job: "rank-3", "thread-0". */
  readonly granuleId: string;
}

/** A run of bytes of linear memory that is not all zero, at a page-aligned offset. */
export interface MemoryChunk {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

/**
 * Linear memory: its size, and the page runs that are not all zero (the rest is zero). With
 * `base`, the image is a delta: the pages that differ from the pre-copy of that id (every other
 * page is as in the pre-copy), see docs/snapshots.md "Pre-copy".
 */
export interface MemoryImage {
  readonly byteLength: number;
  readonly chunks: readonly MemoryChunk[];
  readonly base?: string;
}

/** A pre-copy: the memory of a running granule, taken before its snapshot, under an id. */
export interface Precopy {
  readonly id: string;
  readonly image: MemoryImage;
}

/** A mutable global by its export name (see GLOBAL_EXPORT_PREFIX). */
export interface GlobalValue {
  readonly name: string;
  readonly value: number | bigint;
}

/** Where the Asyncify save area lives in linear memory, and which export it unwound. */
export interface StackCapture {
  /** Address of the Asyncify data header (two i32: current position, end). */
  readonly dataAddress: number;
  readonly dataBytes: number;
  /** Export that was running when captured, and its arguments: the rewind calls it again. */
  readonly entry: string;
  readonly entryArgs: readonly (number | bigint)[];
  /** The control-point import it was captured in ("mpi.MPI_Barrier"). */
  readonly controlPoint: string;
}

export interface GranuleSnapshot {
  readonly identity: SnapshotIdentity;
  /** sha256 hex of the (instrumented) module the granule runs. */
  readonly moduleHash: string;
  readonly memory: MemoryImage;
  readonly globals: readonly GlobalValue[];
  readonly stack: StackCapture;
  readonly wasi: WasiState;
  /** The import providers' state (an MPI rank's state), opaque to the runner. */
  readonly provider: unknown;
  /** Host-wide wall clock (ms) of the capture. */
  readonly capturedAt: number;
}

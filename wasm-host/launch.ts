// What the host hands the runner to start one granule. Everything except the callbacks crosses
// into the worker thread, so it must be structured-clonable (a WebAssembly.Module and a shared
// WebAssembly.Memory are).

import type { TransferListItem } from "node:worker_threads";
import type { GranuleSnapshot, SnapshotIdentity } from "./snapshot/types.js";
import type { WasiState } from "./wasi/mod.js";

export interface GranuleResourceLimits {
  /** JS heap of the worker (WebAssembly memory is not counted here). Default 256. */
  readonly maxOldGenerationSizeMb?: number;
  readonly maxYoungGenerationSizeMb?: number;
  /** Native stack of the worker, which WebAssembly frames use too. Default 8. */
  readonly stackSizeMb?: number;
}

export interface GranuleLaunch {
  /** The program: a module compiled by ModuleCache, or raw bytes that the worker compiles. */
  readonly module: WebAssembly.Module | Uint8Array;
  /** argv, argv[0] included. Ignored when wasiState is given. */
  readonly args: readonly string[];
  /** Environment the program sees. Ignored when wasiState is given. */
  readonly env?: Readonly<Record<string, string>>;
  /** WASI state to resume with (from a snapshot) instead of a fresh one. */
  readonly wasiState?: WasiState;
  /** Export to call; default "_start". An OpenMP thread names its thread entry here. */
  readonly entry?: string;
  /** Arguments for the entry export (none for _start). */
  readonly entryArgs?: readonly (number | bigint)[];
  /** A memory to supply for the module's memory import (shared memory of OpenMP threads). */
  readonly memory?: WebAssembly.Memory;
  /** File URLs of compiled import provider modules (see imports.ts), imported in the worker. */
  readonly providers?: readonly string[];
  /** Structured-clonable data for the providers (SharedArrayBuffers, ports, ...). */
  readonly providerData?: unknown;
  /** Objects inside providerData to transfer rather than copy (MessagePorts, ArrayBuffers). */
  readonly transferList?: readonly TransferListItem[];
  readonly limits?: GranuleResourceLimits;
  /** Shown in worker names and error messages, e.g. "job-7/rank-3". */
  readonly name?: string;
  /**
   * sha256 hex of the module's bytes. Needed to capture (snapshots name their module) and to
   * restore when `module` is a compiled WebAssembly.Module; computed when `module` is bytes.
   */
  readonly moduleHash?: string;
  /** Job and granule recorded in snapshots of this granule (default: jobId "", granuleId name). */
  readonly identity?: SnapshotIdentity;
  /**
   * Resume from this snapshot instead of starting: instantiate, copy its memory and globals in,
   * and rewind into the control point it was captured in. Its WASI state replaces args, env
   * and wasiState; the providers get its provider state (ctx.controlPoints.restoredState).
   */
  readonly restore?: GranuleSnapshot;
  /** After restoring, hash the whole memory and report it in handle.restored (costs time). */
  readonly digestAfterRestore?: boolean;
  /**
   * Restore into this staged thread (stageRestore): `restore` is then a delta over the staged
   * pre-copy. The launch fails if the thread is no longer usable.
   */
  readonly staged?: StagedRestore;
}

/**
 * A restore prepared ahead (live migration, staging.ts): a thread that has instantiated the
 * module and written a pre-copy into its memory. Launch the restore with `staged` and a snapshot
 * that is a delta over that pre-copy; only the changed pages are then written in the pause.
 */
export interface StagedRestore {
  /** The pre-copy's id. */
  readonly id: string;
  readonly moduleHash: string;
  /** True once the memory is in place; false if staging failed (restore the ordinary way). */
  readonly ready: Promise<boolean>;
  /** False once the thread failed, was discarded or was taken by a launch. */
  usable(): boolean;
  /** Frees the thread (the migration was called off, or the restore went another way). */
  discard(): void;
}

// The extension point through which MPI, OpenMP and other host calls plug into a granule without
// touching the runner.
//
// A provider is an ES module, compiled to JavaScript (the worker imports it by file URL: use
// compiledModuleUrl() to name it from TypeScript), that exports
//
//     export function createImports(ctx: ImportContext): ProviderImports | Promise<ProviderImports>
//
// Launch it with `runGranule({ ..., providers: [url.href], providerData }, callbacks)`. In the
// worker, createImports runs once before instantiation; its functions are linked beside WASI (a
// name two sources both supply is an error, not an override). ctx.memory() and ctx.instance()
// work from afterInstantiate on, i.e. inside every import call. Messages a provider posts with
// ctx.postToHost reach the parent's onProviderMessage callback; the parent's
// handle.postToGranule(msg) is received, blocking if need be, with ctx.receiveFromHost().
// An error thrown from an import unwinds the program: the granule ends "failed" (reason
// "provider") with the error's message, except ctx.exit(code), which ends it "exited".
//
// A provider may also export `warmUp(session: unknown): WarmUpReport`, run by idle pooled
// workers before any launch (worker-pool.ts, WarmUpPlan): it drives the provider's hot paths so
// that V8 has optimised them before a granule needs them. It must leave nothing behind but
// compiled code.

import type { TransferListItem } from "node:worker_threads";
import type { WasiState } from "./wasi/mod.js";

/** The launch as the worker sees it (without module and memory, reachable through the context). */
export interface LaunchInfo {
  readonly name: string;
  readonly args: readonly string[];
  readonly entry: string;
  readonly providerData: unknown;
}

export interface ImportContext {
  readonly launch: LaunchInfo;
  /** Shortcut for launch.providerData. */
  readonly providerData: unknown;
  readonly module: WebAssembly.Module;
  /** The granule's linear memory; throws before instantiation. Re-read its buffer after any grow. */
  memory(): WebAssembly.Memory;
  /** The instance; throws before instantiation. */
  instance(): WebAssembly.Instance;
  /** Sends a structured-clonable message to the parent's onProviderMessage. */
  postToHost(message: unknown, transfer?: readonly TransferListItem[]): void;
  /**
   * Takes the next message the parent sent with postToGranule, waiting up to timeoutMs
   * (default: forever; 0: do not wait). Undefined on timeout.
   */
  receiveFromHost(timeoutMs?: number): { readonly message: unknown } | undefined;
  writeStdout(bytes: Uint8Array): void;
  writeStderr(bytes: Uint8Array): void;
  /** Ends the program as proc_exit would (MPI_Abort, for instance). */
  exit(code: number): never;
  /** The granule's WASI state now, for snapshots. */
  wasiState(): WasiState;
  /** Capture and restore at control points (see snapshot/control-points.ts). */
  readonly controlPoints: ControlPointContext;
}

/**
 * What a control-point import (an import instrumented by instrumentForControlPoints) uses to let
 * the granule be captured there and resumed right after it:
 *
 *     if (ctx.controlPoints.rewinding()) { ctx.controlPoints.endRewind(); return resumed(); }
 *     ... the call's own work ...
 *     if (ctx.controlPoints.snapshotRequested()) { ctx.controlPoints.suspend("mpi.MPI_Barrier", state); return 0; }
 *
 * After suspend() the import must return at once; the granule ends with a "suspended" outcome.
 */
export interface ControlPointContext {
  /** The host asked for a snapshot at the next control point (handle.requestSnapshot()). */
  snapshotRequested(): boolean;
  /**
   * Providers call this at the start of their host calls, where the program's memory may be
   * read: it serves a pending pre-copy (handle.precopy()), and costs one atomic load otherwise.
   */
  atHostCall(): void;
  /** Starts unwinding the program; providerState is stored in the snapshot. */
  suspend(controlPoint: string, providerState: unknown): void;
  /** True when a restored granule re-enters the control point it was captured in. */
  rewinding(): boolean;
  /** Ends the rewind: from here on the program runs normally. */
  endRewind(): void;
  /** The providerState of the snapshot this granule was restored from; undefined otherwise. */
  readonly restoredState: unknown;
}

export interface ProviderImports {
  /** namespace -> name -> import, e.g. { env: { MPI_Send: ... } }. */
  readonly imports: WebAssembly.Imports;
  /** Runs after instantiation, before the entry export (set up TLS, the stack pointer, ...). */
  readonly afterInstantiate?: () => void;
}

export interface ImportProvider {
  createImports(ctx: ImportContext): ProviderImports | Promise<ProviderImports>;
  /** Optional: exercises the provider's hot paths in an idle pooled worker (see above). */
  warmUp?(session: unknown): WarmUpReport;
}

/** What a provider's warmUp reports: how far it got (it may be stopped early by the pool). */
export interface WarmUpReport {
  /** Rounds of the provider's exercise completed. */
  readonly rounds: number;
  readonly ms: number;
  /** Why it ended before its last round (stopped for a launch, or an error). */
  readonly stoppedBy?: string;
}

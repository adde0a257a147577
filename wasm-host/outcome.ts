// How a granule ended, as plain data that crosses the worker boundary unchanged and that the host
// actor matches on exhaustively.

import type { GranuleSnapshot } from "./snapshot/types.js";

export type FailureReason =
  /** The bytes are not a valid WebAssembly module. */
  | "invalid-module"
  /** The module imports something neither WASI nor any provider supplies, or cannot be linked. */
  | "missing-import"
  /** The worker ran out of JS heap, or WebAssembly memory could not be allocated. */
  | "out-of-memory"
  /** An import provider could not be loaded or threw outside the program's own calls. */
  | "provider"
  /** The launch itself was wrong (no such entry export, bad restore state, ...). */
  | "bad-launch"
  /** The snapshot to restore does not fit the module or could not be applied. */
  | "bad-snapshot"
  /** A callback given to runGranule threw, or a provider message had no callback to go to. */
  | "host-callback"
  /** kill() was called. */
  | "killed"
  /** The worker thread died without reporting (a bug in the runner, or a native crash). */
  | "worker-crash";

export type GranuleOutcome =
  /**
   * proc_exit was called, or the entry returned (code 0). The code is as the program passed it
   * (WASI's u32); a POSIX parent of a native process would see code & 0xff.
   */
  | { readonly kind: "exited"; readonly code: number }
  /** A WebAssembly trap; the message says which (unreachable, out of bounds, divide by zero...). */
  | { readonly kind: "trapped"; readonly message: string }
  | { readonly kind: "failed"; readonly reason: FailureReason; readonly message: string }
  /**
   * Captured at a control point after handle.requestSnapshot(): the granule no longer runs, and
   * runGranule({ ..., restore: snapshot }) resumes it right after the call it was captured in.
   */
  | { readonly kind: "suspended"; readonly message: string; readonly snapshot: GranuleSnapshot };

// Turns whatever ended a granule's run into an outcome. This is where errors keep their identity
// when they cross from the worker to the host: a trap, an exit, a module that would not link and
// a memory that could not be allocated each become their own outcome.

import type { FailureReason, GranuleOutcome } from "./outcome.js";
import { WasiExit } from "./wasi/mod.js";

/** An error the runner raises itself, already knowing its reason. */
export class GranuleSetupError extends Error {
  override readonly name = "GranuleSetupError";
  constructor(
    readonly reason: FailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function isOutOfMemory(e: unknown): boolean {
  return e instanceof RangeError && /out of memory|could not allocate|cannot allocate/i.test(e.message);
}

export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /maximum call stack size/i.test(e.message);
}

/**
 * @param phase "setup" for errors before the entry export runs (compile, link, instantiate);
 *              "run" for errors while it runs.
 */
export function outcomeFromError(e: unknown, phase: "setup" | "run"): GranuleOutcome {
  if (e instanceof WasiExit) return { kind: "exited", code: e.code };
  if (e instanceof GranuleSetupError) return { kind: "failed", reason: e.reason, message: e.message };
  if (e instanceof WebAssembly.RuntimeError) return { kind: "trapped", message: e.message };
  if (isStackOverflow(e)) return { kind: "trapped", message: `call stack exhausted (${messageOf(e)})` };
  if (isOutOfMemory(e)) return { kind: "failed", reason: "out-of-memory", message: messageOf(e) };
  if (e instanceof WebAssembly.CompileError) {
    return { kind: "failed", reason: "invalid-module", message: `not valid WebAssembly: ${messageOf(e)}` };
  }
  if (e instanceof WebAssembly.LinkError)
    return { kind: "failed", reason: "missing-import", message: messageOf(e) };
  // Anything else was thrown by JavaScript: an import provider during the run, or a runner bug.
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return phase === "run"
    ? { kind: "failed", reason: "provider", message: `host call threw ${what}` }
    : { kind: "failed", reason: "worker-crash", message: `granule set-up threw ${what}` };
}

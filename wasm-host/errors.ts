// Error classes of the wasm-host room, one per kind. Each is branded with a registered symbol so
// that instanceof keeps working across module copies and after a failure crossed the worker
// boundary and was rebuilt with errorFromOutcome().

import type { FailureReason, GranuleOutcome } from "./outcome.js";

function branded(name: string) {
  const brand = Symbol.for(`granny.wasm-host.${name}`);
  return {
    brand,
    is: (value: unknown): boolean =>
      typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true,
  };
}

const invalidModule = branded("InvalidModuleError");
const trap = branded("GranuleTrapError");
const failure = branded("GranuleFailedError");

/** WebAssembly bytes that do not compile. */
export class InvalidModuleError extends Error {
  override readonly name = "InvalidModuleError";
  readonly [invalidModule.brand] = true;
  constructor(
    message: string,
    /** Content hash (sha256 hex) of the rejected bytes, when known. */
    readonly hash?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return invalidModule.is(value);
  }
}

/** A granule stopped on a WebAssembly trap. */
export class GranuleTrapError extends Error {
  override readonly name = "GranuleTrapError";
  readonly [trap.brand] = true;
  static override [Symbol.hasInstance](value: unknown): boolean {
    return trap.is(value);
  }
}

/** A granule could not run or was stopped for a reason other than a trap. */
export class GranuleFailedError extends Error {
  override readonly name = "GranuleFailedError";
  readonly [failure.brand] = true;
  constructor(
    readonly reason: FailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return failure.is(value);
  }
}

/** The error a caller that wants to throw gets for an outcome; undefined for an exit or a suspension. */
export function errorFromOutcome(
  outcome: GranuleOutcome,
): InvalidModuleError | GranuleTrapError | GranuleFailedError | undefined {
  switch (outcome.kind) {
    case "exited":
    case "suspended":
      return undefined;
    case "trapped":
      return new GranuleTrapError(outcome.message);
    case "failed":
      return outcome.reason === "invalid-module"
        ? new InvalidModuleError(outcome.message)
        : new GranuleFailedError(outcome.reason, outcome.message);
  }
}

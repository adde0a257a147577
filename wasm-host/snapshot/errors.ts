// Errors of the snapshot room, one class per kind. A snapshot that cannot be trusted is refused
// with one of the SnapshotError subclasses and never run. Classes are branded with registered
// symbols, as in ../errors.ts, so instanceof holds across module copies.

function brandOf(name: string): symbol {
  return Symbol.for(`granny.wasm-host.snapshot.${name}`);
}

function isBranded(value: unknown, brand: symbol): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

const SNAPSHOT = brandOf("SnapshotError");
const CORRUPT = brandOf("SnapshotCorruptError");
const VERSION = brandOf("SnapshotVersionError");
const MODULE = brandOf("SnapshotModuleMismatchError");
const INSTRUMENTATION = brandOf("InstrumentationError");

/** A snapshot was refused; the subclass says why. */
export class SnapshotError extends Error {
  override readonly name: string = "SnapshotError";
  readonly [SNAPSHOT] = true;
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(value, SNAPSHOT);
  }
}

/** Not a snapshot, truncated, failing its integrity hash, or with fields of the wrong shape. */
export class SnapshotCorruptError extends SnapshotError {
  override readonly name: string = "SnapshotCorruptError";
  readonly [CORRUPT] = true;
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(value, CORRUPT);
  }
}

/** A snapshot in a format version this code does not read. */
export class SnapshotVersionError extends SnapshotError {
  override readonly name: string = "SnapshotVersionError";
  readonly [VERSION] = true;
  constructor(
    readonly version: unknown,
    message: string,
  ) {
    super(message);
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(value, VERSION);
  }
}

/** A snapshot of another module than the one it would be restored into. */
export class SnapshotModuleMismatchError extends SnapshotError {
  override readonly name: string = "SnapshotModuleMismatchError";
  readonly [MODULE] = true;
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `the snapshot is of module sha256:${actual.slice(0, 16)}, not of sha256:${expected.slice(0, 16)} it would be restored into`,
    );
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(value, MODULE);
  }
}

/** A module could not be instrumented for control points. */
export class InstrumentationError extends Error {
  override readonly name = "InstrumentationError";
  readonly [INSTRUMENTATION] = true;
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(value, INSTRUMENTATION);
  }
}

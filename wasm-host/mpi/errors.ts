// Errors raised by MPI calls. An MpiError carries an MPI error class; under MPI_ERRORS_ARE_FATAL
// (the default) it ends the job with "MPI_ERR_X: what happened", under MPI_ERRORS_RETURN the call
// returns the class instead.

import { ErrorClass, type ErrorClassName } from "./abi.js";

const brand = Symbol.for("granny.wasm-host.mpi.MpiError");

export class MpiError extends Error {
  override readonly name = "MpiError";
  readonly [brand] = true;
  readonly code: number;
  constructor(
    readonly errorClass: ErrorClassName,
    detail: string,
  ) {
    super(`${errorClass}: ${detail}`);
    this.code = ErrorClass[errorClass];
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

/** The job was aborted elsewhere (another rank failed, MPI_Abort, a rank exited early). */
export class MpiJobAborted extends Error {
  override readonly name = "MpiJobAborted";
}

export function mpiError(errorClass: ErrorClassName, detail: string): MpiError {
  return new MpiError(errorClass, detail);
}

/** Description of each error class, for MPI_Error_string. */
export function errorString(code: number): string {
  for (const [name, value] of Object.entries(ErrorClass)) {
    if (value === code) return name;
  }
  return code === 0 ? "MPI_SUCCESS" : `MPI error ${code}`;
}

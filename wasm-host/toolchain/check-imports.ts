// Which MPI functions a module imports that the runtime does not implement. The host refuses
// such a module at submit, with this list, rather than failing the job when the call is reached.

import { IMPLEMENTED_MPI_FUNCTIONS, MPI_NAMESPACE, RUNTIME_IMPORTS } from "../mpi/mod.js";

export interface MpiImportReport {
  /** Every MPI function the module imports. */
  readonly used: readonly string[];
  /** Those the runtime does not implement, sorted. */
  readonly unsupported: readonly string[];
}

export function checkMpiImports(module: WebAssembly.Module | Uint8Array): MpiImportReport {
  const compiled = module instanceof Uint8Array ? new WebAssembly.Module(module) : module;
  const used = WebAssembly.Module.imports(compiled)
    .filter((i) => i.module === MPI_NAMESPACE && i.kind === "function" && !RUNTIME_IMPORTS.has(i.name))
    .map((i) => i.name)
    .sort();
  return { used, unsupported: used.filter((name) => !IMPLEMENTED_MPI_FUNCTIONS.has(name)) };
}

/** The refusal message for a module with unsupported MPI functions, or undefined if it is fine. */
export function mpiRefusal(report: MpiImportReport): string | undefined {
  if (report.unsupported.length === 0) return undefined;
  return `the module uses MPI functions granny does not support: ${report.unsupported.join(", ")}`;
}

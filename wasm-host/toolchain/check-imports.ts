// Which MPI functions a module imports that the runtime does not implement. The host refuses
// such a module at submit, with this list, rather than failing the job when the call is reached.

import { IMPLEMENTED_MPI_FUNCTIONS, MPI_NAMESPACE, RUNTIME_IMPORTS } from "../mpi/mod.js";

export interface MpiImportReport {
  /** Every MPI function the module imports. */
  readonly used: readonly string[];
  /** Those the runtime does not implement, sorted. */
  readonly unsupported: readonly string[];
  /**
   * MPI functions imported from another namespace ("env.MPI_Send"): the program was built
   * against some other mpi.h (or none), not with granny cc, and cannot link.
   */
  readonly foreign: readonly string[];
}

export function checkMpiImports(module: WebAssembly.Module | Uint8Array): MpiImportReport {
  const compiled = module instanceof Uint8Array ? new WebAssembly.Module(module) : module;
  const imports = WebAssembly.Module.imports(compiled).filter((i) => i.kind === "function");
  const used = imports
    .filter((i) => i.module === MPI_NAMESPACE && !RUNTIME_IMPORTS.has(i.name))
    .map((i) => i.name)
    .sort();
  const foreign = imports
    .filter((i) => i.module !== MPI_NAMESPACE && /^P?MPI_/.test(i.name))
    .map((i) => `${i.module}.${i.name}`)
    .sort();
  return { used, unsupported: used.filter((name) => !IMPLEMENTED_MPI_FUNCTIONS.has(name)), foreign };
}

/** The refusal message for a module with unsupported MPI functions, or undefined if it is fine. */
export function mpiRefusal(report: MpiImportReport): string | undefined {
  const reasons: string[] = [];
  if (report.unsupported.length > 0) {
    reasons.push(`the module uses MPI functions granny does not support: ${report.unsupported.join(", ")}`);
  }
  if (report.foreign.length > 0) {
    reasons.push(
      `the module imports MPI functions outside the "mpi" namespace (${report.foreign.join(", ")}): build it with granny cc`,
    );
  }
  return reasons.length === 0 ? undefined : reasons.join("; ");
}

// The public entry of the toolchain: granny's mpicc (compileMpi, `granny cc`) and the submit-time
// check of a module's MPI imports.

export { ccMain } from "./cc-main.js";
export { checkMpiImports, type MpiImportReport, mpiRefusal } from "./check-imports.js";
export {
  CompileError,
  type CompileMpiOptions,
  type CompileMpiResult,
  compileMpi,
  DEFAULT_FLAGS,
} from "./compile.js";
export { includeDir } from "./paths.js";

// The OpenMP side of `granny cc`: the front calls compileOpenMp when -fopenmp is given.

export {
  type CompileOpenMpOptions,
  type CompileOpenMpResult,
  compileOpenMp,
  OpenMpCompileError,
} from "./compile.js";
export { LOCKED_LIBC_FUNCTIONS, OMP_COMPILE_FLAGS } from "./flags.js";
export { ompIncludeDir } from "./paths.js";
export { ompWarmUpModule } from "./warm-up-module.js";

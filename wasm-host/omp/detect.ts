// Telling an OpenMP module (built by compileOpenMp) from others, for `granny run` and the host
// actor choosing how to run a submitted module: only OpenMP modules import the team-thread entry.

import { GRANNY_OMP_NAMESPACE } from "./supported.js";

export function isOpenMpModule(module: WebAssembly.Module | Uint8Array): boolean {
  const compiled = module instanceof WebAssembly.Module ? module : new WebAssembly.Module(module);
  return WebAssembly.Module.imports(compiled).some(
    (i) => i.module === GRANNY_OMP_NAMESPACE && i.name === "team_thread_loop",
  );
}

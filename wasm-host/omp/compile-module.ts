// Compiles an OpenMP module for its threads, with V8's dynamic tiering off for this module only.
//
// Why: under Node 20 (V8 11.3), a thread of an OpenMP job running SIMD code (clang -O3
// -msimd128) sometimes computed wrong results while its functions were being tiered up from
// Liftoff to TurboFan in the background; with Liftoff only, TurboFan only, or dynamic tiering
// off, the same program was always right (test/omp/programs/libc_threads.c, 8 threads). A module
// captures the tiering mode when it is compiled, so the flag is set around this one compile and
// restored at once: other modules in the process keep the default.

import { setFlagsFromString } from "node:v8";

export async function compileForThreads(bytes: Uint8Array): Promise<WebAssembly.Module> {
  setFlagsFromString("--no-wasm-dynamic-tiering");
  try {
    return await WebAssembly.compile(bytes);
  } finally {
    setFlagsFromString("--wasm-dynamic-tiering");
  }
}

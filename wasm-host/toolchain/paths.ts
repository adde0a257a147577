// Where the toolchain's own files live. The TypeScript runs either from the source tree (vitest)
// or from dist/ (tsc output, which does not copy C files), so look in both places.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

function firstExisting(candidates: readonly URL[]): string {
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  throw new Error(`granny cc: toolchain file not found in ${candidates.map((u) => u.href).join(", ")}`);
}

/** Directory holding granny's mpi.h. */
export function includeDir(): string {
  return firstExisting([
    new URL("../include/", import.meta.url),
    new URL("../../../wasm-host/include/", import.meta.url),
  ]);
}

/** C library functions made faster for WebAssembly, linked into every module (MPI and OpenMP). */
export function libmSource(): string {
  return firstExisting([
    new URL("./granny_libm.c", import.meta.url),
    new URL("../../../wasm-host/toolchain/granny_libm.c", import.meta.url),
  ]);
}

/** The C file linked into every MPI module (registers callbacks for user-defined ops). */
export function runtimeSource(): string {
  return firstExisting([
    new URL("./granny_mpi_rt.c", import.meta.url),
    new URL("../../../wasm-host/toolchain/granny_mpi_rt.c", import.meta.url),
  ]);
}

// Where the OpenMP toolchain's own files live. The TypeScript runs either from the source tree
// (vitest) or from dist/ (tsc output, which does not copy C files or headers), so look in both.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

function firstExisting(candidates: readonly URL[]): string {
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  throw new Error(
    `granny cc -fopenmp: toolchain file not found in ${candidates.map((u) => u.href).join(", ")}`,
  );
}

/** Directory holding granny's omp.h. */
export function ompIncludeDir(): string {
  return firstExisting([
    new URL("../include-omp/", import.meta.url),
    new URL("../../../wasm-host/include-omp/", import.meta.url),
  ]);
}

/** The C file linked into every OpenMP module (entry points, libc lock). */
export function ompRuntimeSource(): string {
  return firstExisting([
    new URL("./granny_omp_rt.c", import.meta.url),
    new URL("../../../wasm-host/omp-toolchain/granny_omp_rt.c", import.meta.url),
  ]);
}

/** The OpenMP warm-up exercise that idle pooled workers run (warm-up-module.ts). */
export function ompWarmUpSource(): string {
  return firstExisting([
    new URL("./warm_up.c", import.meta.url),
    new URL("../../../wasm-host/omp-toolchain/warm_up.c", import.meta.url),
  ]);
}

// The module of the OpenMP warm-up (warm_up.c, run by wasm-host/omp/warm-up.ts in idle pooled
// workers), built with compileOpenMp like any program, once per content of everything that goes
// into it, and cached beside the toolchain's other objects.

import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OMP_FUNCTIONS } from "../omp/mod.js";
import { exists } from "../toolchain/runtime-object.js";
import { compileOpenMp } from "./compile.js";
import { OMP_COMPILE_FLAGS } from "./flags.js";
import { ompRuntimeSource, ompWarmUpSource } from "./paths.js";

/** Bump when compileOpenMp's output for the same sources changes (the atomics rewrite did). */
const BUILD_VERSION = 1;

/** One build per process, however many hosts ask at once. */
let building: Promise<Uint8Array> | undefined;

/** The warm-up program's bytes (wasm-host/omp's ompWarmUpPlan takes them). */
export function ompWarmUpModule(): Promise<Uint8Array> {
  if (building === undefined) {
    building = build();
    // A failed build (no toolchain) may be retried by a later caller.
    building.catch(() => {
      building = undefined;
    });
  }
  return building;
}

async function build(): Promise<Uint8Array> {
  const source = ompWarmUpSource();
  const hash = createHash("sha256")
    .update(OMP_COMPILE_FLAGS.join(" "))
    .update(await readFile(source))
    .update(await readFile(ompRuntimeSource()))
    .update(OMP_FUNCTIONS.join(","))
    .update(String(BUILD_VERSION))
    .digest("hex");
  const dir = join(tmpdir(), "granny-cc");
  const output = join(dir, `omp-warm-up-${hash.slice(0, 16)}.wasm`);
  if (!(await exists(output))) {
    await mkdir(dir, { recursive: true });
    const partial = `${output}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
    await compileOpenMp({ sources: [source], output: partial });
    await rename(partial, output);
  }
  return new Uint8Array(await readFile(output));
}

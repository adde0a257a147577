// Load-time instrumentation of a module for control points: Binaryen's Asyncify, applied only to
// the imports where a granule may be captured (MPI_Barrier today; OpenMP's fork/join later), so
// that a granule suspended inside one of them can be unwound, stored and rewound elsewhere. It
// also exports every mutable global (the shadow-stack pointer and the like) under a prefix, since
// a restore must set them and most modules export none. The pass takes seconds on large modules:
// results are cached by content in memory and on disk under os.tmpdir().

import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type BinaryenModule from "binaryen";

// Binaryen's JS build takes about half a second to load: every host and every `granny` command
// imports this room, but only a cache miss needs Binaryen, so it is loaded then.
let binaryen: typeof BinaryenModule;
async function loadBinaryen(): Promise<void> {
  binaryen ??= (await import("binaryen")).default;
}

import { moduleHash } from "../module-cache.js";
import { InstrumentationError } from "./errors.js";
import { CONTROL_POINT_IMPORTS, GLOBAL_EXPORT_PREFIX } from "./names.js";

export { CONTROL_POINT_IMPORTS, GLOBAL_EXPORT_PREFIX };

/** Bump when the output for the same input changes (new exports, other pass arguments). */
const INSTRUMENTATION_VERSION = 1;
const CACHE_DIR = path.join(os.tmpdir(), "granny-control-points");

export interface InstrumentOptions {
  /**
   * Assume control points are never reached through a function pointer: much less code is
   * instrumented (see TOOLCHAIN-NOTES), but a barrier called through one would not unwind.
   */
  readonly ignoreIndirectCalls?: boolean;
}

export interface InstrumentedModule {
  /** The module to run (fresh or restored): it is what snapshots name by hash. */
  readonly bytes: Uint8Array;
  /** sha256 hex of bytes. */
  readonly hash: string;
  /** sha256 hex of the module as compiled. */
  readonly sourceHash: string;
  readonly controlPoints: readonly string[];
  /** Export names of the mutable globals, in module order. */
  readonly globalExports: readonly string[];
}

/**
 * Features Node 20 understands. Binaryen 132 with Features.All writes an import encoding
 * (compact imports) that Node 20 rejects, so name them one by one.
 */
function node20Features(): number {
  const f = binaryen.Features;
  return (
    f.MVP |
    f.Atomics |
    f.MutableGlobals |
    f.NontrappingFPToInt |
    f.SIMD128 |
    f.BulkMemory |
    f.BulkMemoryOpt |
    f.SignExt |
    f.ReferenceTypes |
    f.Multivalue |
    f.TailCall |
    f.CallIndirectOverlong
  );
}

const memoryCache = new Map<string, Promise<InstrumentedModule>>();

/** Instruments `bytes` for the given control-point imports ("namespace.name"), cached by content. */
export function instrumentForControlPoints(
  bytes: Uint8Array,
  imports: readonly string[] = CONTROL_POINT_IMPORTS,
  options: InstrumentOptions = {},
): Promise<InstrumentedModule> {
  const sourceHash = moduleHash(bytes);
  const key = createHash("sha256")
    .update(
      JSON.stringify([
        INSTRUMENTATION_VERSION,
        sourceHash,
        [...imports].sort(),
        options.ignoreIndirectCalls === true,
      ]),
    )
    .digest("hex");
  let known = memoryCache.get(key);
  if (known === undefined) {
    known = instrumentCached(key, bytes, sourceHash, imports, options);
    memoryCache.set(key, known);
    known.catch(() => memoryCache.delete(key));
  }
  return known;
}

async function instrumentCached(
  key: string,
  bytes: Uint8Array,
  sourceHash: string,
  imports: readonly string[],
  options: InstrumentOptions,
): Promise<InstrumentedModule> {
  const file = path.join(CACHE_DIR, `${key}.wasm`);
  let out: Uint8Array | undefined;
  try {
    out = new Uint8Array(await readFile(file));
  } catch {
    // not cached yet
  }
  if (out === undefined) {
    await loadBinaryen();
    out = instrument(bytes, imports, options);
    await mkdir(CACHE_DIR, { recursive: true });
    // Write then rename, so a concurrent reader never sees half a module.
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await writeFile(tmp, out);
    await rename(tmp, file);
  }
  const globalExports = WebAssembly.Module.exports(new WebAssembly.Module(out))
    .filter((e) => e.kind === "global" && e.name.startsWith(GLOBAL_EXPORT_PREFIX))
    .map((e) => e.name);
  return { bytes: out, hash: moduleHash(out), sourceHash, controlPoints: [...imports], globalExports };
}

function instrument(bytes: Uint8Array, imports: readonly string[], options: InstrumentOptions): Uint8Array {
  for (const name of imports) {
    if (!/^[^.,\s]+\.[^.,\s]+$/.test(name)) {
      throw new InstrumentationError(`control-point import "${name}" must be "namespace.name"`);
    }
  }
  let mod: BinaryenModule.Module;
  try {
    mod = binaryen.readBinary(bytes);
  } catch (e) {
    throw new InstrumentationError(`Binaryen could not read the module: ${messageOf(e)}`, { cause: e });
  }
  try {
    mod.setFeatures(node20Features());
    exportMutableGlobals(mod);
    binaryen.setPassArgument("asyncify-imports", imports.join(","));
    if (options.ignoreIndirectCalls === true) binaryen.setPassArgument("asyncify-ignore-indirect", "");
    // Asyncify's output needs optimising to keep its cost small (TOOLCHAIN-NOTES measurements).
    binaryen.setOptimizeLevel(2);
    binaryen.setShrinkLevel(0);
    mod.runPasses(["asyncify"]);
    if (!mod.validate()) throw new InstrumentationError("the instrumented module does not validate");
    return mod.emitBinary();
  } finally {
    binaryen.clearPassArguments();
    mod.dispose();
  }
}

/** Adds an export for each mutable global defined by the module (JS cannot reach the others). */
function exportMutableGlobals(mod: BinaryenModule.Module): void {
  for (let i = 0; i < mod.getNumGlobals(); i++) {
    const info = binaryen.getGlobalInfo(mod.getGlobalByIndex(i));
    if (!info.mutable || (info.module !== null && info.module !== "")) continue;
    if (
      info.type !== binaryen.i32 &&
      info.type !== binaryen.i64 &&
      info.type !== binaryen.f32 &&
      info.type !== binaryen.f64
    ) {
      throw new InstrumentationError(
        `mutable global ${info.name} has a type JavaScript cannot read or write; it cannot be snapshotted`,
      );
    }
    mod.addGlobalExport(info.name, `${GLOBAL_EXPORT_PREFIX}${info.name}`);
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

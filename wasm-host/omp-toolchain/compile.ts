// compileOpenMp: what `granny cc -fopenmp` runs. Drives clang-19 for wasm32-wasi with OpenMP
// lowering, atomics, a shared imported memory, granny's omp.h, and links granny_omp_rt.c (thread
// entry points and the lock that makes Debian's single-threaded wasi-libc safe to share).
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OMP_FUNCTIONS } from "../omp/mod.js";
import { clangDrivers, isCxxSource, runProcess } from "../toolchain/clang.js";
import { libmSource } from "../toolchain/paths.js";
import { cachedObject, exists } from "../toolchain/runtime-object.js";
import { rewriteAtomicRmw } from "./atomic-rmw.js";
import { OMP_COMPILE_FLAGS, ompLinkFlags } from "./flags.js";
import { ompIncludeDir, ompRuntimeSource } from "./paths.js";

export interface CompileOpenMpOptions {
  /** C or C++ sources (C++ is recognised by its extension). */
  readonly sources: readonly string[];
  /** Path of the .wasm to write. */
  readonly output: string;
  /** Extra clang flags; they come after ours, so `-O2` or `-mno-simd128` override the defaults. */
  readonly flags?: readonly string[];
}

export interface CompileOpenMpResult {
  readonly output: string;
  /** Compiler warnings. */
  readonly diagnostics: string;
  readonly command: readonly string[];
  /**
   * Atomic read-modify-write instructions turned into compare-exchange loops after linking
   * (atomic-rmw.ts says why).
   */
  readonly atomicsRewritten: number;
}

export class OpenMpCompileError extends Error {
  override readonly name = "OpenMpCompileError";
  constructor(
    message: string,
    readonly diagnostics: string,
  ) {
    super(message);
  }
}

/** Debian's wasm32 libc++ is built without exception support. */
const CXX_FLAGS = ["-fno-exceptions"] as const;

export async function compileOpenMp(options: CompileOpenMpOptions): Promise<CompileOpenMpResult> {
  if (options.sources.length === 0) throw new OpenMpCompileError("granny cc -fopenmp: no input files", "");
  const drivers = clangDrivers();
  const cxx = options.sources.some(isCxxSource);
  const { objects, allowUndefined } = await runtimeFiles(drivers.cc);
  const userFlags = (options.flags ?? []).filter((f) => f !== "-fopenmp");
  const args = [
    ...OMP_COMPILE_FLAGS,
    "-I",
    ompIncludeDir(),
    ...(cxx ? CXX_FLAGS : []),
    ...userFlags,
    ...options.sources,
    ...objects,
    ...ompLinkFlags(allowUndefined),
    "-o",
    options.output,
  ];
  const driver = cxx ? drivers.cxx : drivers.cc;
  const result = await runProcess(driver, args);
  if (result.code !== 0) {
    throw new OpenMpCompileError(
      `granny cc -fopenmp: ${driver} failed (exit ${result.code})\n${result.stderr}`,
      result.stderr,
    );
  }
  const atomics = rewriteAtomicRmw(new Uint8Array(await readFile(options.output)));
  if (atomics.rewritten > 0) await writeFile(options.output, atomics.bytes);
  const note = atomics.skipped ? `granny cc: atomics left as compiled (${atomics.skipped})\n` : "";
  return {
    output: options.output,
    diagnostics: result.stderr + note,
    command: [driver, ...args],
    atomicsRewritten: atomics.rewritten,
  };
}

/**
 * Builds granny_omp_rt.o, granny_libm.o (with the OpenMP flags: objects of a shared-memory module
 * must all have atomics) and the list of runtime functions once per content, in a shared cache.
 */
async function runtimeFiles(cc: string): Promise<{ objects: string[]; allowUndefined: string }> {
  const names = `${OMP_FUNCTIONS.join("\n")}\n`;
  const fail = (what: string) => (stderr: string) =>
    new OpenMpCompileError(`granny cc -fopenmp: cannot build ${what}\n${stderr}`, stderr);
  const objects = await Promise.all([
    cachedObject(cc, OMP_COMPILE_FLAGS, ompRuntimeSource(), fail("the OpenMP runtime"), names),
    cachedObject(cc, OMP_COMPILE_FLAGS, libmSource(), fail("granny_libm.c")),
  ]);
  const hash = createHash("sha256").update(names).digest("hex").slice(0, 16);
  const dir = join(tmpdir(), "granny-cc");
  const allowUndefined = join(dir, `granny_omp_functions-${hash}.txt`);
  if (!(await exists(allowUndefined))) {
    await mkdir(dir, { recursive: true });
    const partialList = `${allowUndefined}.${process.pid}.tmp`;
    await writeFile(partialList, names);
    await rename(partialList, allowUndefined);
  }
  return { objects, allowUndefined };
}

// compileOpenMp: what `granny cc -fopenmp` runs. Drives clang-19 for wasm32-wasi with OpenMP
// lowering, atomics, a shared imported memory, granny's omp.h, and links granny_omp_rt.c (thread
// entry points and the lock that makes Debian's single-threaded wasi-libc safe to share).
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OMP_FUNCTIONS } from "../omp/mod.js";
import { clangDrivers, isCxxSource, runProcess } from "../toolchain/clang.js";
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
  const { object, allowUndefined } = await runtimeFiles(drivers.cc);
  const userFlags = (options.flags ?? []).filter((f) => f !== "-fopenmp");
  const args = [
    ...OMP_COMPILE_FLAGS,
    "-I",
    ompIncludeDir(),
    ...(cxx ? CXX_FLAGS : []),
    ...userFlags,
    ...options.sources,
    object,
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
  return { output: options.output, diagnostics: result.stderr, command: [driver, ...args] };
}

/** Builds granny_omp_rt.o and the list of runtime functions once per content, in a shared cache. */
async function runtimeFiles(cc: string): Promise<{ object: string; allowUndefined: string }> {
  const source = ompRuntimeSource();
  const text = await readFile(source);
  const names = `${OMP_FUNCTIONS.join("\n")}\n`;
  const hash = createHash("sha256")
    .update(cc)
    .update(OMP_COMPILE_FLAGS.join(" "))
    .update(text)
    .update(names)
    .digest("hex")
    .slice(0, 16);
  const dir = join(tmpdir(), "granny-cc");
  const object = join(dir, `granny_omp_rt-${hash}.o`);
  const allowUndefined = join(dir, `granny_omp_functions-${hash}.txt`);
  if ((await exists(object)) && (await exists(allowUndefined))) return { object, allowUndefined };
  await mkdir(dir, { recursive: true });
  const partial = `${object}.${process.pid}.tmp`;
  const result = await runProcess(cc, [...OMP_COMPILE_FLAGS, "-c", source, "-o", partial]);
  if (result.code !== 0) {
    throw new OpenMpCompileError(
      `granny cc -fopenmp: cannot build the OpenMP runtime\n${result.stderr}`,
      result.stderr,
    );
  }
  const partialList = `${allowUndefined}.${process.pid}.tmp`;
  await writeFile(partialList, names);
  await rename(partialList, allowUndefined);
  await rename(partial, object);
  return { object, allowUndefined };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

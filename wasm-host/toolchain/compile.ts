// compileMpi: the mpicc of granny. Drives clang-19 for wasm32-wasi with our mpi.h, SIMD and -O3
// on by default, and links the small runtime that registers callbacks for user-defined ops.
import { clangDrivers, isCxxSource, runProcess, V8_CODEGEN_FLAGS } from "./clang.js";
import { includeDir, libmSource, runtimeSource } from "./paths.js";
import { cachedObject } from "./runtime-object.js";

export interface CompileMpiOptions {
  /** C or C++ sources (C++ is recognised by its extension). */
  readonly sources: readonly string[];
  /** Path of the .wasm to write. */
  readonly output: string;
  /** Extra clang flags; they come after ours, so `-O2` or `-mno-simd128` override the defaults. */
  readonly flags?: readonly string[];
}

export interface CompileMpiResult {
  readonly output: string;
  /** Compiler warnings. */
  readonly diagnostics: string;
  readonly command: readonly string[];
}

export class CompileError extends Error {
  override readonly name = "CompileError";
  constructor(
    message: string,
    readonly diagnostics: string,
  ) {
    super(message);
  }
}

/** Flags every MPI module is built with. */
export const DEFAULT_FLAGS = ["--target=wasm32-wasi", "-O3", "-msimd128", ...V8_CODEGEN_FLAGS] as const;
/** Link flags: small modules, and the function table exported so user-defined ops can be called. */
const LINK_FLAGS = ["-Wl,--strip-debug", "-Wl,--export-table"] as const;
/** Debian's wasm32 libc++ is built without exception support. */
const CXX_FLAGS = ["-fno-exceptions"] as const;

export async function compileMpi(options: CompileMpiOptions): Promise<CompileMpiResult> {
  if (options.sources.length === 0) throw new CompileError("granny cc: no input files", "");
  const drivers = clangDrivers();
  const cxx = options.sources.some(isCxxSource);
  const runtime = await runtimeObjects(drivers.cc);
  const args = [
    ...DEFAULT_FLAGS,
    "-I",
    includeDir(),
    ...(cxx ? CXX_FLAGS : []),
    ...(options.flags ?? []),
    ...options.sources,
    ...runtime,
    ...LINK_FLAGS,
    "-o",
    options.output,
  ];
  const driver = cxx ? drivers.cxx : drivers.cc;
  const result = await runProcess(driver, args);
  if (result.code !== 0) {
    throw new CompileError(
      `granny cc: ${driver} failed (exit ${result.code})\n${result.stderr}`,
      result.stderr,
    );
  }
  return { output: options.output, diagnostics: result.stderr, command: [driver, ...args] };
}

/** The MPI runtime and granny_libm.c as objects, built once per content and compiler. */
async function runtimeObjects(cc: string): Promise<string[]> {
  const fail = (what: string) => (stderr: string) =>
    new CompileError(`granny cc: cannot build ${what}\n${stderr}`, stderr);
  return Promise.all([
    cachedObject(cc, DEFAULT_FLAGS, runtimeSource(), fail("the MPI runtime")),
    cachedObject(cc, DEFAULT_FLAGS, libmSource(), fail("granny_libm.c")),
  ]);
}

// The flags that make a C program an OpenMP module granny can run, and why each is there.

import { V8_CODEGEN_FLAGS } from "../toolchain/clang.js";

/** libc functions the runtime wraps with its lock (granny_omp_rt.c defines __wrap_<name>). */
export const LOCKED_LIBC_FUNCTIONS = [
  "malloc",
  "free",
  "calloc",
  "realloc",
  "aligned_alloc",
  "posix_memalign",
  "malloc_usable_size",
  "__libc_malloc",
  "__libc_free",
  "__libc_calloc",
  "vfprintf",
  "vprintf",
  "vfscanf",
  "vscanf",
  "puts",
  "fputs",
  "putchar",
  "putc",
  "fputc",
  "fwrite",
  "fread",
  "fflush",
  "getc",
  "fgetc",
  "getchar",
  "ungetc",
  "fgets",
  "setvbuf",
  "fopen",
  "fdopen",
  "fclose",
  "perror",
  "printf",
  "fprintf",
  "scanf",
  "fscanf",
] as const;

/** Compile flags: OpenMP lowering, and atomics (without -matomics `omp atomic` is plain loads). */
export const OMP_COMPILE_FLAGS = [
  "--target=wasm32-wasi",
  "-O3",
  "-msimd128",
  "-fopenmp",
  "-matomics",
  "-mbulk-memory",
  ...V8_CODEGEN_FLAGS,
] as const;

/** Main thread stack (wasm-ld's default of 64 KiB is too small for typical OpenMP programs). */
export const MAIN_STACK_BYTES = 8 << 20;

export function ompLinkFlags(allowUndefinedFile: string): string[] {
  return [
    // A reactor has no command-export wrappers, which would rerun constructors in every thread.
    "-mexec-model=reactor",
    "-Wl,--strip-debug",
    // Threads share one imported memory, which may grow to 4 GiB.
    "-Wl,--shared-memory",
    "-Wl,--import-memory",
    "-Wl,--max-memory=4294967296",
    // Debian's wasi-libc is built without atomics; the runtime locks its shared state instead.
    "-Wl,--no-check-features",
    // A stack overflow in the main thread traps instead of overwriting data.
    "-Wl,--stack-first",
    `-Wl,-z,stack-size=${MAIN_STACK_BYTES}`,
    // Each thread's stack pointer and TLS block are set by the host; regions are called by index.
    "-Wl,--export=__stack_pointer,--export=__wasm_init_tls,--export=__tls_size,--export=__tls_align",
    "-Wl,--export-table",
    `-Wl,--allow-undefined-file=${allowUndefinedFile}`,
    ...LOCKED_LIBC_FUNCTIONS.map((f) => `-Wl,--wrap=${f}`),
    // stdout and stderr writes go to the host with a sequence number (ordered across threads).
    "-Wl,--wrap=__wasi_fd_write",
  ];
}

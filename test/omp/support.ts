// Test helpers for the OpenMP room: build a C program both ways (granny cc -fopenmp, and native
// clang-19 -fopenmp as the baseline), cached by content, and run it under granny or natively
// with a given thread count.

import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { GranuleOutcome } from "../../wasm-host/mod.js";
import { type OpenMpJobControl, runOpenMpJob, type ThreadsChangedEvent } from "../../wasm-host/omp/mod.js";
import { compileOpenMp } from "../../wasm-host/omp-toolchain/mod.js";
import { runNative } from "../support/compile-c.js";

const run = promisify(execFile);
// The sources, also when this file runs compiled from dist/ (benchmarks, scripts).
const here = path.dirname(fileURLToPath(import.meta.url)).replace(`${path.sep}dist${path.sep}`, path.sep);
const CACHE = path.join(os.tmpdir(), "granny-omp-test-cache");
const RUNTIME_FILES = [
  path.join(here, "../../wasm-host/omp-toolchain/granny_omp_rt.c"),
  path.join(here, "../../wasm-host/omp-toolchain/flags.ts"),
  path.join(here, "../../wasm-host/omp-toolchain/compile.ts"),
  path.join(here, "../../wasm-host/omp-toolchain/atomic-rmw.ts"),
  path.join(here, "../../wasm-host/omp-toolchain/wasm-binary.ts"),
  path.join(here, "../../wasm-host/include-omp/omp.h"),
];

export function programPath(name: string): string {
  return path.join(here, "programs", `${name}.c`);
}

async function cacheKey(source: string, extra: string): Promise<string> {
  const hash = createHash("sha256").update(extra);
  const inputs = [source, path.join(path.dirname(source), "check.h"), ...RUNTIME_FILES];
  for (const file of inputs) {
    try {
      hash.update(await readFile(file));
    } catch {
      // check.h exists only beside the conformance programs.
    }
  }
  return hash.digest("hex").slice(0, 20);
}

async function cached(out: string, build: (tmp: string) => Promise<void>): Promise<string> {
  try {
    await stat(out);
    return out;
  } catch {
    await mkdir(CACHE, { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    await build(tmp);
    await rename(tmp, out);
    return out;
  }
}

/** The program as a granny OpenMP module (bytes). */
export async function buildWasm(source: string): Promise<Uint8Array> {
  const key = await cacheKey(source, "wasm");
  const out = path.join(CACHE, `${path.basename(source, ".c")}-${key}.wasm`);
  await cached(out, async (tmp) => {
    await compileOpenMp({ sources: [source], output: tmp });
  });
  return new Uint8Array(await readFile(out));
}

/** The program built natively with clang-19 -fopenmp (libomp). */
export async function buildNative(source: string): Promise<string> {
  const key = await cacheKey(source, "native");
  const out = path.join(CACHE, `${path.basename(source, ".c")}-${key}.exe`);
  return cached(out, async (tmp) => {
    await run("clang-19", ["-O2", "-fopenmp", source, "-o", tmp, "-lm"]);
  });
}

export interface ProgramResult {
  readonly code: number | null;
  readonly outcome: GranuleOutcome;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runUnderGranny(
  module: Uint8Array,
  threads: number,
  options: {
    readonly args?: readonly string[];
    readonly env?: Readonly<Record<string, string>>;
    readonly control?: OpenMpJobControl;
    readonly onThreadsChanged?: (e: ThreadsChangedEvent) => void;
    /** Everything written to stdout so far, each time more arrives. */
    readonly onStdoutText?: (text: string) => void;
  } = {},
): Promise<ProgramResult> {
  let stdout = "";
  let stderr = "";
  const out = new TextDecoder();
  const err = new TextDecoder();
  const outcome = await runOpenMpJob({
    module,
    threads,
    args: ["program", ...(options.args ?? [])],
    env: options.env ?? {},
    onStdout: (b) => {
      stdout += out.decode(b, { stream: true });
      options.onStdoutText?.(stdout);
    },
    onStderr: (b) => {
      stderr += err.decode(b, { stream: true });
    },
    ...(options.control === undefined ? {} : { control: options.control }),
    ...(options.onThreadsChanged === undefined ? {} : { onThreadsChanged: options.onThreadsChanged }),
  });
  return { code: outcome.kind === "exited" ? outcome.code : null, outcome, stdout, stderr };
}

export async function runNatively(
  exe: string,
  threads: number,
  env: Readonly<Record<string, string>> = {},
  args: readonly string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  // Granny runs nested regions with one thread; ask libomp for the same. KMP_BLOCKTIME=0 keeps
  // oversubscribed native runs (8 threads on 2 cores) from spinning.
  return runNative(exe, args, {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    OMP_NUM_THREADS: String(threads),
    OMP_MAX_ACTIVE_LEVELS: "1",
    KMP_BLOCKTIME: "0",
    ...env,
  });
}

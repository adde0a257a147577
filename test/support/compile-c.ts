// Compiles C sources for tests, to WebAssembly with clang-19 and natively with cc, caching the
// outputs under os.tmpdir() by a hash of the source, the flags and the compiler, so that a test
// run compiles each program once. Shared by every room's tests.

import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const CACHE_DIR = path.join(os.tmpdir(), "granny-test-c-cache");

export const WASM_CC = "clang-19";
export const WASM_FLAGS: readonly string[] = ["--target=wasm32-wasi", "-O2", "-Wl,--strip-debug"];
export const NATIVE_CC = "cc";
export const NATIVE_FLAGS: readonly string[] = ["-O2"];

export interface CompileOptions {
  /** Extra compiler flags, after the defaults and before the source (e.g. "-fopenmp", "-lm"). */
  readonly flags?: readonly string[];
  /** Flags after the source (libraries). */
  readonly libs?: readonly string[];
  /** Other files the output depends on (headers), hashed into the cache key with the source. */
  readonly inputs?: readonly string[];
}

/** Compiles a C file to a wasm32-wasi module; returns the path of the cached .wasm. */
export function compileCToWasm(sourcePath: string, options: CompileOptions = {}): Promise<string> {
  return compileCached(WASM_CC, [...WASM_FLAGS, ...(options.flags ?? [])], sourcePath, options, ".wasm");
}

/** Compiles and reads the module's bytes. */
export async function wasmBytesOf(sourcePath: string, options: CompileOptions = {}): Promise<Uint8Array> {
  return new Uint8Array(await readFile(await compileCToWasm(sourcePath, options)));
}

/** Compiles a C file natively (the baseline a WebAssembly run is compared with). */
export function compileCNative(sourcePath: string, options: CompileOptions = {}): Promise<string> {
  return compileCached(NATIVE_CC, [...NATIVE_FLAGS, ...(options.flags ?? [])], sourcePath, options, ".exe");
}

/** Runs a native executable to completion and returns its output and exit code. */
export async function runNative(
  exePath: string,
  args: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(exePath, [...args], { env: { ...env }, maxBuffer: 64 << 20 });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const failed = e as { stdout?: string; stderr?: string; code?: number | string };
    if (typeof failed.code !== "number") throw e;
    return { stdout: failed.stdout ?? "", stderr: failed.stderr ?? "", code: failed.code };
  }
}

async function compileCached(
  compiler: string,
  flags: readonly string[],
  sourcePath: string,
  options: CompileOptions,
  ext: string,
): Promise<string> {
  const libs = options.libs ?? [];
  const hash = createHash("sha256").update(JSON.stringify([compiler, flags, libs]));
  for (const input of [sourcePath, ...(options.inputs ?? [])]) hash.update(await readFile(input));
  const key = hash.digest("hex").slice(0, 24);
  const out = path.join(CACHE_DIR, `${path.basename(sourcePath, ".c")}-${key}${ext}`);
  if (await exists(out)) return out;
  await mkdir(CACHE_DIR, { recursive: true });
  // Compile beside the final name and rename, so a parallel test file never reads half a file.
  const tmp = `${out}.${process.pid}.${Date.now()}.tmp`;
  try {
    await run(compiler, [...flags, sourcePath, ...libs, "-o", tmp]);
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? "";
    throw new Error(`${compiler} failed on ${sourcePath}:\n${stderr}`, { cause: e });
  }
  await rename(tmp, out);
  return out;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

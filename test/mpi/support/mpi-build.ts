// Builds the MPI test programs twice, with granny cc (WebAssembly) and with OpenMPI's mpicc
// (native), caching both under os.tmpdir() by content, and runs them: granny through
// runLocalMpiJob (routers linked in-process), native through mpirun.

import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type LocalMpiJobResult, runLocalMpiJob } from "../../../wasm-host/mpi/mod.js";
import { compileMpi, includeDir } from "../../../wasm-host/toolchain/mod.js";

const run = promisify(execFile);
const CACHE = path.join(os.tmpdir(), "granny-mpi-test-cache");
export const PROGRAMS = fileURLToPath(new URL("../programs/", import.meta.url));
export const EXAMPLES = fileURLToPath(new URL("../../../examples/mpi/", import.meta.url));

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function keyOf(source: string, extra: string): Promise<string> {
  const h = createHash("sha256")
    .update(extra)
    .update(await readFile(source));
  h.update(await readFile(path.join(includeDir(), "mpi.h")));
  return h.digest("hex").slice(0, 20);
}

const modules = new Map<string, Promise<WebAssembly.Module>>();

/** The program compiled by granny cc, as a compiled module (once per process). */
export function wasmModule(source: string, flags: readonly string[] = []): Promise<WebAssembly.Module> {
  const id = `${source} ${flags.join(" ")}`;
  let m = modules.get(id);
  if (m === undefined) {
    m = (async () => {
      await mkdir(CACHE, { recursive: true });
      const out = path.join(
        CACHE,
        `${path.basename(source)}-${await keyOf(source, `wasm ${flags.join(" ")}`)}.wasm`,
      );
      if (!(await exists(out)))
        await compileMpi({ sources: [source], output: `${out}`, flags: [...flags, "-lm"] });
      return new WebAssembly.Module(await readFile(out));
    })();
    modules.set(id, m);
  }
  return m;
}

/** The program compiled by OpenMPI's mpicc. */
export async function nativeProgram(source: string): Promise<string> {
  await mkdir(CACHE, { recursive: true });
  const out = path.join(CACHE, `${path.basename(source)}-${await keyOf(source, "native")}.exe`);
  if (!(await exists(out))) {
    const tmp = `${out}.${process.pid}`;
    await run("mpicc", ["-O2", source, "-o", tmp, "-lm"]);
    await run("mv", [tmp, out]);
  }
  return out;
}

export interface NativeRun {
  readonly stdout: string;
  readonly code: number;
}

export async function runMpirun(
  exe: string,
  ranks: number,
  args: readonly string[] = [],
): Promise<NativeRun> {
  try {
    const { stdout } = await run(
      "mpirun",
      [
        "--oversubscribe",
        "--allow-run-as-root",
        "--mca",
        "btl",
        "self,vader",
        "-np",
        String(ranks),
        exe,
        ...args,
      ],
      { maxBuffer: 64 << 20, env: { ...process.env, OMPI_MCA_mpi_yield_when_idle: "1" } },
    );
    return { stdout, code: 0 };
  } catch (e) {
    const failed = e as { stdout?: string; code?: number | string };
    if (typeof failed.code !== "number") throw e;
    return { stdout: failed.stdout ?? "", code: failed.code };
  }
}

/** Rank r on host `h${r % hosts}`: with hosts > 1 every neighbour pair crosses hosts. */
export function placementOf(ranks: number, hosts: number): string[] {
  return Array.from({ length: ranks }, (_, r) => `h${r % hosts}`);
}

export function runGranny(
  module: WebAssembly.Module,
  ranks: number,
  hosts: number,
  args: readonly string[] = [],
): Promise<LocalMpiJobResult> {
  return runLocalMpiJob({ module, placement: placementOf(ranks, hosts), args, timeoutMs: 30_000 });
}

/** Output lines in a canonical order: ranks print concurrently, so only the set of lines is defined. */
export function sortedLines(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .sort();
}

// OpenMP benchmarks beside native clang-19 -fopenmp (libomp) measured in the same run, with two
// threads: EPCC-style construct overheads (examples/omp/epcc.c: parallel, for, parallel for,
// barrier, single, critical, lock, atomic, reduction) and the time of the OpenMP examples'
// parallel kernels (stencil, reduction kernel, wavefront), with the stencil's step alone in
// steady state beside them. The machine is shared, so each
// measurement is the best of five runs, ours and libomp's taken in turns.

import { execFile } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  endWarmUps,
  ompProviderUrl,
  ompWarmUpModule,
  ompWarmUpPlan,
  prewarmGranuleWorkers,
} from "../wasm-host/mod.js";
import { runOpenMpJob } from "../wasm-host/omp/mod.js";
import { compileOpenMp } from "../wasm-host/omp-toolchain/mod.js";
import { untilQuiet } from "./quiet.js";
import { type Row, slowdown } from "./table.js";

const run = promisify(execFile);
const THREADS = 2;
/** Best of five: kernels of 50-150 ms on a shared machine; EPCC's own median is inside each run. */
const RUNS = 5;
const here = path.dirname(fileURLToPath(import.meta.url)).replace(`${path.sep}dist${path.sep}`, path.sep);
const EXAMPLES = path.resolve(here, "..", "examples", "omp");
const OUT = path.join(process.cwd(), ".bench", "omp");

/**
 * Sizes where a kernel runs 50-150 ms natively: shorter ones measured mostly thread start-up,
 * first touches of fresh memory and the JIT, not the kernel.
 */
const KERNELS = [
  { name: "stencil", args: ["1024", "100"] },
  { name: "reduction_kernel", args: ["40000000"] },
  { name: "wavefront", args: ["4000", "4000"] },
] as const;

async function buildBoth(
  name: string,
  source = path.join(EXAMPLES, `${name}.c`),
): Promise<{ wasm: Uint8Array; native: string }> {
  await mkdir(OUT, { recursive: true });
  const wasmPath = path.join(OUT, `${name}.wasm`);
  const native = path.join(OUT, `${name}.native`);
  await compileOpenMp({ sources: [source], output: wasmPath });
  await run("clang-19", ["-O3", "-fopenmp", source, "-o", native, "-lm"]);
  return { wasm: new Uint8Array(await readFile(wasmPath)), native };
}

async function underGranny(wasm: Uint8Array, args: readonly string[]): Promise<string> {
  await untilQuiet();
  let stdout = "";
  let stderr = "";
  const decoder = new TextDecoder();
  const outcome = await runOpenMpJob({
    module: wasm,
    threads: THREADS,
    args: ["bench", ...args],
    onStdout: (b) => {
      stdout += decoder.decode(b, { stream: true });
    },
    onStderr: (b) => {
      stderr += new TextDecoder().decode(b);
    },
  });
  if (outcome.kind !== "exited" || outcome.code !== 0) {
    throw new Error(`granny run failed: ${JSON.stringify(outcome)}\n${stderr}`);
  }
  return stdout;
}

async function natively(exe: string, args: readonly string[]): Promise<string> {
  // After a granny job, the worker pool starts and warms up replacement workers (quiet.ts).
  await untilQuiet();
  const { stdout } = await run(exe, [...args], {
    env: { ...process.env, OMP_NUM_THREADS: String(THREADS) },
  });
  return stdout;
}

/** construct -> overhead in µs, from epcc.c's "<construct> <µs>" lines. */
function parseEpcc(stdout: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of stdout.split("\n")) {
    const m = /^(\w+) (-?[\d.]+)$/.exec(line.trim());
    if (m?.[1] !== undefined) out.set(m[1], Number(m[2]));
  }
  if (out.size === 0) throw new Error(`epcc printed no measurements:\n${stdout}`);
  return out;
}

/** The kernel time an example prints as "(<n> threads, <ms> ms)". */
function parseKernelMs(stdout: string): number {
  const m = /\((\d+) threads, ([\d.]+) ms\)/.exec(stdout);
  if (m === null || !stdout.includes(" ok")) throw new Error(`example did not validate:\n${stdout}`);
  return Number(m[2]);
}

function bestOf(runs: readonly Map<string, number>[]): Map<string, number> {
  const best = new Map<string, number>();
  for (const r of runs) for (const [k, v] of r) best.set(k, Math.min(best.get(k) ?? v, v));
  return best;
}

export async function benchOmp(): Promise<Row[]> {
  const rows: Row[] = [];
  const epcc = await buildBoth("epcc");
  const grannyRuns: Map<string, number>[] = [];
  const nativeRuns: Map<string, number>[] = [];
  for (let i = 0; i < RUNS; i++) {
    grannyRuns.push(parseEpcc(await underGranny(epcc.wasm, ["5"])));
    nativeRuns.push(parseEpcc(await natively(epcc.native, ["5"])));
  }
  const ours = bestOf(grannyRuns);
  const theirs = bestOf(nativeRuns);
  for (const [construct, value] of ours) {
    const baseline = theirs.get(construct);
    rows.push({
      name: `${construct} overhead, ${THREADS} threads`,
      value,
      unit: "us",
      ...(baseline === undefined
        ? {}
        : {
            baseline,
            baselineName: "clang -fopenmp",
            ratio: slowdown(Math.max(value, 1e-3), Math.max(baseline, 1e-3)),
          }),
    });
  }
  for (const { name, args } of KERNELS) {
    rows.push(
      await kernelRow(
        `${name} kernel ${args.join("x")}, ${THREADS} threads`,
        await buildBoth(name),
        args,
        parseKernelMs,
      ),
    );
  }
  // The stencil example's step alone in steady state (bench/programs/stencil_steady.c): what V8's
  // code for the loop costs against clang's, without the allocation and first touches that the
  // example's kernel row includes (docs/openmp.md, "Where the stencil's time goes").
  const steady = await buildBoth("stencil_steady", path.join(here, "programs", "stencil_steady.c"));
  rows.push(
    await kernelRow(`stencil step 1024², steady state, ${THREADS} threads`, steady, ["1024"], parseSteadyMs),
  );
  rows.push(...(await coldStart()));
  return rows;
}

/** A kernel's row: the best of RUNS runs, ours and clang's taken in turns. */
async function kernelRow(
  name: string,
  built: { wasm: Uint8Array; native: string },
  args: readonly string[],
  parse: (stdout: string) => number,
): Promise<Row> {
  let value = Number.POSITIVE_INFINITY;
  let baseline = Number.POSITIVE_INFINITY;
  for (let i = 0; i < RUNS; i++) {
    value = Math.min(value, parse(await underGranny(built.wasm, args)));
    baseline = Math.min(baseline, parse(await natively(built.native, args)));
  }
  return {
    name,
    value,
    unit: "ms",
    baseline,
    baselineName: "clang -O3 -fopenmp",
    ratio: slowdown(value, baseline),
  };
}

/** "stencil_steady <n> <ms per step>" -> ms per step. */
function parseSteadyMs(stdout: string): number {
  const m = /^stencil_steady (\d+) ([\d.]+)$/m.exec(stdout);
  if (m === null) throw new Error(`stencil_steady printed no measurement:\n${stdout}`);
  return Number(m[2]);
}

/** Regions timed from a job's first fork (bench/programs/first_regions.c). */
const FIRST_REGIONS = 4000;

/** "first_regions <n> <ms> <slow> <worst ms>" -> ms for the n regions. */
function parseFirstRegions(stdout: string): number {
  const m = /^first_regions (\d+) ([\d.]+) (\d+) ([\d.]+)$/m.exec(stdout);
  if (m === null) throw new Error(`first_regions printed no measurement:\n${stdout}`);
  return Number(m[2]);
}

/**
 * The first regions of a job on fresh pooled workers, and on workers that ran the pool's OpenMP
 * warm-up first (what a host actor does at start, omp/warm-up.ts), against libomp's first regions
 * (which include its thread creation). Each job's workers are new threads: the pool replaces the
 * workers a job used.
 */
async function coldStart(): Promise<Row[]> {
  const source = path.join(here, "programs", "first_regions.c");
  const built = await buildBoth("first_regions", source);
  const args = [String(FIRST_REGIONS)];
  const program = await ompWarmUpModule();
  let cold = Number.POSITIVE_INFINITY;
  let warmed = Number.POSITIVE_INFINITY;
  let native = Number.POSITIVE_INFINITY;
  try {
    // Fresh workers first, while no warm-up plan is set: the workers that replace a job's then
    // load the provider and run nothing (a plan set later could not be taken back from them).
    endWarmUps();
    for (let i = 0; i < RUNS; i++) {
      native = Math.min(native, parseFirstRegions(await natively(built.native, args)));
      await prewarmGranuleWorkers([ompProviderUrl().href]);
      cold = Math.min(cold, parseFirstRegions(await underGranny(built.wasm, args)));
    }
    for (let i = 0; i < RUNS; i++) {
      native = Math.min(native, parseFirstRegions(await natively(built.native, args)));
      // Resolves once the idle workers (the replacements of the last job's) have warmed up.
      await prewarmGranuleWorkers([ompProviderUrl().href], [ompWarmUpPlan(program)]);
      warmed = Math.min(warmed, parseFirstRegions(await underGranny(built.wasm, args)));
    }
  } finally {
    // The next group must not share the cores with warm-ups of replacement workers.
    endWarmUps();
  }
  const row = (name: string, value: number): Row => ({
    name,
    value,
    unit: "ms",
    baseline: native,
    baselineName: "clang -fopenmp, first regions",
    ratio: slowdown(value, native),
  });
  return [
    row(`first ${FIRST_REGIONS} regions of a job, ${THREADS} threads, fresh workers`, cold),
    row(`first ${FIRST_REGIONS} regions of a job, ${THREADS} threads, after the warm-up`, warmed),
  ];
}

// The OpenMP examples (examples/omp) validate their own results; under granny they must succeed
// with 1, 2 and 4 threads and report the same results as the native clang -fopenmp build.

import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { buildNative, buildWasm, runNatively, runUnderGranny } from "./support.js";

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../examples/omp");

const CASES = [
  { name: "wavefront", args: ["300", "400"] },
  { name: "stencil", args: ["128", "60"] },
  { name: "reduction_kernel", args: ["500000"] },
] as const;

/** The result part of the summary line: timings and thread counts differ between runs. */
function results(stdout: string): string {
  return stdout.replace(/\s*\(\d+ threads, [\d.]+ ms\)/g, "");
}

for (const { name, args } of CASES) {
  test(`${name} validates itself under granny with 1, 2 and 4 threads, as natively`, async () => {
    const source = path.join(examples, `${name}.c`);
    const [wasm, native] = await Promise.all([buildWasm(source), buildNative(source)]);
    const reference = await runNatively(native, 2, {}, args);
    expect(reference.code, reference.stderr).toBe(0);
    for (const threads of [1, 2, 4]) {
      const run = await runUnderGranny(wasm, threads, { args });
      expect(run.outcome, run.stderr).toEqual({ kind: "exited", code: 0 });
      expect(run.stdout).toContain(`(${threads} threads,`);
      expect(results(run.stdout)).toBe(results(reference.stdout));
      expect(run.stdout).toContain(" ok");
    }
  }, 120_000);
}

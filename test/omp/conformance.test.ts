// The OpenMP conformance suite: one C program per construct (programs/), each exiting non-zero
// on a wrong result, run under granny with 1 to 8 threads and built natively with clang-19
// -fopenmp (libomp) with the same thread counts; both must succeed with the same output.

import { beforeAll, describe, expect, test } from "vitest";
import { buildNative, buildWasm, programPath, runNatively, runUnderGranny } from "./support.js";

const PROGRAMS = [
  "parallel",
  "for_static",
  "for_dynamic",
  "reduction",
  "barrier",
  "critical",
  "single_master",
  "atomic",
  "atomic_widths",
  "pipeline",
  "ordered",
  "locks",
  "flush",
  "num_threads",
  "threadprivate",
  "tasks",
  "nested",
  "libc_threads",
  "output_order",
  "environment",
] as const;
const THREADS = [1, 2, 3, 4, 5, 6, 7, 8] as const;

const built = new Map<string, { wasm: Uint8Array; native: string }>();

beforeAll(async () => {
  for (const name of PROGRAMS) {
    const source = programPath(name);
    const [wasm, native] = await Promise.all([buildWasm(source), buildNative(source)]);
    built.set(name, { wasm, native });
  }
}, 300_000);

function program(name: string): { wasm: Uint8Array; native: string } {
  const p = built.get(name);
  if (p === undefined) throw new Error(`${name} was not built`);
  return p;
}

async function expectAgreement(name: string, threads: number, env: Record<string, string> = {}) {
  const { wasm, native } = program(name);
  const granny = await runUnderGranny(wasm, threads, { env });
  const reference = await runNatively(native, threads, env);
  expect(reference.code, `native ${name} with ${threads} threads: ${reference.stderr}`).toBe(0);
  const said = `granny ${name} with ${threads} threads: ${JSON.stringify(granny.outcome)} ${granny.stderr}`;
  expect(granny.outcome, said).toEqual({
    kind: "exited",
    code: 0,
  });
  expect(granny.stdout).toBe(reference.stdout);
  if (name === "output_order") expect(granny.stderr).toBe(reference.stderr);
  expect(granny.stdout).toContain(`${name} ok`);
}

describe("OpenMP constructs agree with native clang -fopenmp", () => {
  for (const name of PROGRAMS) {
    test(`${name} passes with 1 to 8 threads`, async () => {
      for (const threads of THREADS) await expectAgreement(name, threads);
    }, 120_000);
  }

  test("reductions also pass with the critical-section method", async () => {
    for (const threads of [2, 5])
      await expectAgreement("reduction", threads, { GRANNY_OMP_REDUCTION: "critical" });
  }, 60_000);

  test("OMP_SCHEDULE and OMP_NUM_THREADS are seen as natively", async () => {
    const environments: Record<string, string>[] = [
      { OMP_SCHEDULE: "dynamic,5", OMP_NUM_THREADS: "3" },
      { OMP_SCHEDULE: "guided,4" },
      { OMP_SCHEDULE: "nonmonotonic:dynamic" },
    ];
    for (const env of environments) {
      await expectAgreement("environment", 2, env);
    }
  }, 60_000);

  test("OMP_NUM_THREADS fixes the team size whatever the job's vCPUs", async () => {
    const { wasm } = program("num_threads");
    const fixed = await runUnderGranny(wasm, 2, { env: { OMP_NUM_THREADS: "4" } });
    expect(fixed.outcome).toEqual({ kind: "exited", code: 0 });
    const parallel = await runUnderGranny(program("parallel").wasm, 1, { env: { OMP_NUM_THREADS: "3" } });
    expect(parallel.outcome, parallel.stderr).toEqual({ kind: "exited", code: 0 });
  }, 60_000);
});

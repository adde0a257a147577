// The MPI examples (ring, 2-D heat stencil, Lennard-Jones MD proxy) validate their own results;
// under granny they must say VALID and print what the same sources print under OpenMPI.

import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  EXAMPLES,
  nativeProgram,
  runGranny,
  runMpirun,
  sortedLines,
  wasmModule,
} from "./support/mpi-build.js";

const CASES = [
  ["ring", ["20", "4096"]],
  ["heat2d", ["96", "100"]],
  ["lj_md", ["24", "100"]],
] as const;

describe.each(CASES)("example %s", (name, args) => {
  it.each([
    [4, 1],
    [6, 3],
  ] as const)("is VALID with %i ranks on %i host(s) and matches OpenMPI", async (ranks, hosts) => {
    const source = path.join(EXAMPLES, `${name}.c`);
    const result = await runGranny(await wasmModule(source), ranks, hosts, args);
    expect(result.failure, JSON.stringify(result.outcomes)).toBeUndefined();
    const ours = result.stdout.join("");
    expect(ours).toContain("VALID");
    expect(ours).not.toContain("INVALID");
    const native = await runMpirun(await nativeProgram(source), ranks, args);
    expect(native.code).toBe(0);
    expect(sortedLines(ours)).toEqual(sortedLines(native.stdout));
  });
});

// The conformance suite: our own MPI programs, built with granny cc and run as granules on one
// host and split over several (routers linked in-process), must print the same lines as the
// same sources built with OpenMPI's mpicc and run with mpirun.

import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  nativeProgram,
  PROGRAMS,
  runGranny,
  runMpirun,
  sortedLines,
  wasmModule,
} from "./support/mpi-build.js";

const PROGRAM_NAMES = [
  "p2p",
  "collectives",
  "ops",
  "comms",
  "cart",
  "datatypes",
  "environment",
  "extras",
  "stress",
  "icollectives",
  "pack",
  "attributes",
  "neighbor",
  "small_messages",
  "allreduce_words",
  "allreduce_growth",
] as const;

/** [ranks, hosts]: 1 to 8 ranks on one host, and splits where every neighbour pair crosses hosts. */
const LAYOUTS: readonly (readonly [number, number])[] = [
  [1, 1],
  [2, 1],
  [4, 1],
  [8, 1],
  [2, 2],
  [5, 2],
  [8, 3],
];

const nativeOutputs = new Map<string, Promise<string[]>>();

function nativeLines(program: string, ranks: number): Promise<string[]> {
  const key = `${program}/${ranks}`;
  let lines = nativeOutputs.get(key);
  if (lines === undefined) {
    lines = (async () => {
      const exe = await nativeProgram(path.join(PROGRAMS, `${program}.c`));
      const result = await runMpirun(exe, ranks);
      expect(result.code, `native ${program} with ${ranks} ranks`).toBe(0);
      return sortedLines(result.stdout);
    })();
    nativeOutputs.set(key, lines);
  }
  return lines;
}

describe.each(PROGRAM_NAMES)("conformance program %s", (program) => {
  it.each(LAYOUTS)("prints what OpenMPI prints with %i ranks on %i host(s)", async (ranks, hosts) => {
    const module = await wasmModule(path.join(PROGRAMS, `${program}.c`));
    const result = await runGranny(module, ranks, hosts);
    expect(result.failure, JSON.stringify(result.outcomes)).toBeUndefined();
    expect(result.outcomes).toEqual(Array.from({ length: ranks }, () => ({ kind: "exited", code: 0 })));
    const ours = sortedLines(result.stdout.join(""));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours).toEqual(await nativeLines(program, ranks));
    if (hosts > 1) expect(result.crossHost.envelopes).toBeGreaterThan(0);
  });
});

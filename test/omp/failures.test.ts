// How OpenMP jobs fail: a trap or an exit in a team thread ends the whole job with it (the
// other threads, waiting at a barrier, do not hang it), a construct granny does not implement
// fails the build with its runtime entry named, and a module not built for OpenMP is refused.

import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { isOpenMpModule, runOpenMpJob } from "../../wasm-host/omp/mod.js";
import { compileOpenMp, OpenMpCompileError } from "../../wasm-host/omp-toolchain/mod.js";
import { wasmBytesOf } from "../support/compile-c.js";
import { buildWasm, runUnderGranny } from "./support.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const failing = (name: string) => path.join(here, "failure-programs", `${name}.c`);

test("a trap in a team thread ends the job as trapped while the others wait at a barrier", async () => {
  const run = await runUnderGranny(await buildWasm(failing("team_trap")), 2);
  expect(run.outcome.kind).toBe("trapped");
  expect(run.stdout).toBe("");
}, 60_000);

test("exit() in a team thread ends the job with that exit status", async () => {
  const run = await runUnderGranny(await buildWasm(failing("team_exit")), 2);
  expect(run.outcome).toEqual({ kind: "exited", code: 7 });
  expect(run.stdout).toBe("");
}, 60_000);

test("a construct granny does not implement fails the build naming its runtime entry", async () => {
  const output = path.join(os.tmpdir(), `granny-omp-taskloop-${process.pid}.wasm`);
  const build = compileOpenMp({ sources: [failing("taskloop")], output });
  await expect(build).rejects.toBeInstanceOf(OpenMpCompileError);
  await expect(build).rejects.toThrow(/undefined symbol: __kmpc_taskloop/);
}, 60_000);

test("a module not built with granny cc -fopenmp is refused with a reason", async () => {
  const plain = await wasmBytesOf(path.join(here, "../wasm-host/programs/hello.c"));
  const outcome = await runOpenMpJob({
    module: plain,
    threads: 2,
    args: ["hello"],
    onStdout: () => {},
    onStderr: () => {},
  });
  expect(isOpenMpModule(plain)).toBe(false);
  expect(isOpenMpModule(await buildWasm(failing("team_exit")))).toBe(true);
  expect(outcome.kind).toBe("failed");
  expect(outcome.kind === "failed" && outcome.message).toMatch(/does not import a memory/);
}, 60_000);

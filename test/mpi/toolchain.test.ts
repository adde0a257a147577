// granny cc: C and C++ programs compile against our mpi.h into modules whose MPI calls are
// "mpi" imports; the command-line entry reports success and compiler errors by exit status;
// the list of implemented functions matches the provider's host calls.

import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IMPLEMENTED_MPI_FUNCTIONS, MpiRouter } from "../../wasm-host/mpi/mod.js";
import { mpiHostCalls } from "../../wasm-host/mpi/provider.js";
import { MpiRank } from "../../wasm-host/mpi/rank.js";
import { ccMain, checkMpiImports, compileMpi } from "../../wasm-host/toolchain/mod.js";
import { nativeProgram, PROGRAMS, runGranny, runMpirun, wasmModule } from "./support/mpi-build.js";

describe("granny cc", () => {
  it("builds a C program whose MPI calls are imports from the mpi namespace", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "granny-cc-"));
    const out = path.join(dir, "ring.wasm");
    const result = await compileMpi({ sources: [path.join(PROGRAMS, "p2p.c")], output: out });
    expect(result.command).toContain("-msimd128");
    expect(result.command).toContain("-O3");
    const module = new WebAssembly.Module(await readFile(out));
    const imports = WebAssembly.Module.imports(module);
    expect(imports.filter((i) => i.module === "env")).toEqual([]);
    expect(imports.some((i) => i.module === "mpi" && i.name === "MPI_Sendrecv")).toBe(true);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain("__indirect_function_table");
  });

  it("builds and runs a C++ program (libc++-19-dev-wasm32, installed by scripts/setup.sh)", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "granny-cc-"));
    const out = path.join(dir, "hello.wasm");
    await compileMpi({ sources: [path.join(PROGRAMS, "hello.cpp")], output: out });
    const run = await runGranny(new WebAssembly.Module(await readFile(out)), 3, 2);
    expect(run.failure).toBeUndefined();
    expect(run.stdout.join("")).toBe("c++ sum of ranks 3\n");
  });

  it("links a round and roundf that give the native C library's results, bit for bit", async () => {
    const source = path.join(PROGRAMS, "libm_round.c");
    const [module, exe] = await Promise.all([wasmModule(source), nativeProgram(source)]);
    const [ours, native] = await Promise.all([runGranny(module, 1, 1), runMpirun(exe, 1)]);
    expect(ours.failure).toBeUndefined();
    expect(native.code).toBe(0);
    expect(ours.stdout.join("")).toBe(native.stdout);
    expect(native.stdout).toContain("digest");
  });

  it("ccMain writes the module with -o and exits 0", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "granny-cc-"));
    const out = path.join(dir, "out.wasm");
    expect(await ccMain(["-o", out, path.join(PROGRAMS, "cart.c"), "-O2"])).toBe(0);
    expect(checkMpiImports(await readFile(out)).used).toContain("MPI_Cart_shift");
  });

  it("ccMain exits 1 when the compiler rejects the program", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "granny-cc-"));
    const bad = path.join(dir, "bad.c");
    await writeFile(bad, "#include <mpi.h>\nint main(void) { MPI_Send(1); }\n");
    expect(await ccMain(["-o", path.join(dir, "bad.wasm"), bad])).toBe(1);
  });
});

describe("the implemented-function list", () => {
  it("names exactly the provider's MPI host calls", () => {
    const router = new MpiRouter({ jobId: "list", hostName: "a", placement: ["a"], remoteSend: () => {} });
    const memory = new WebAssembly.Memory({ initial: 1 });
    const rank = new MpiRank(router.rankData(0), {
      memory: () => memory,
      instance: () => {
        throw new Error("not instantiated");
      },
      postToHost: () => {},
    });
    const calls = Object.keys(
      mpiHostCalls(rank, () => {
        throw new Error("exit");
      }),
    ).filter((n) => n.startsWith("MPI_"));
    expect(new Set(calls)).toEqual(IMPLEMENTED_MPI_FUNCTIONS);
    for (const required of [
      "MPI_Barrier",
      "MPI_Cart_shift",
      "MPI_Op_create",
      "MPI_Waitany",
      "MPI_Alltoallv",
    ]) {
      expect(IMPLEMENTED_MPI_FUNCTIONS.has(required)).toBe(true);
    }
  });
});

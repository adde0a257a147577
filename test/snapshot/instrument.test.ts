// Instrumentation for control points: what the instrumented module exports, that it runs like
// the original, and that results are cached by content in memory and on disk.

import { readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  CONTROL_POINT_IMPORTS,
  GLOBAL_EXPORT_PREFIX,
  InstrumentationError,
  instrumentForControlPoints,
  moduleHash,
} from "../../wasm-host/mod.js";
import { wasmBytesOf } from "../support/compile-c.js";

const SOURCE = fileURLToPath(new URL("./programs/stack_and_heap.c", import.meta.url));

describe("instrumentForControlPoints", () => {
  it("adds the Asyncify exports and exports every mutable global, naming modules by hash", async () => {
    const original = await wasmBytesOf(SOURCE);
    const result = await instrumentForControlPoints(original);
    expect(CONTROL_POINT_IMPORTS).toEqual(["mpi.MPI_Barrier"]);
    expect(result.sourceHash).toBe(moduleHash(original));
    expect(result.hash).toBe(moduleHash(result.bytes));
    expect(result.hash).not.toBe(result.sourceHash);
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(result.bytes)).map((e) => e.name);
    for (const name of [
      "asyncify_start_unwind",
      "asyncify_stop_unwind",
      "asyncify_start_rewind",
      "asyncify_stop_rewind",
    ]) {
      expect(exports).toContain(name);
    }
    expect(result.globalExports.length).toBeGreaterThan(0);
    expect(result.globalExports.every((g) => g.startsWith(GLOBAL_EXPORT_PREFIX) && exports.includes(g))).toBe(
      true,
    );
    // Node 20 compiles it (no import encodings it cannot read).
    await expect(WebAssembly.compile(result.bytes)).resolves.toBeInstanceOf(WebAssembly.Module);
  });

  it("caches by content: the same bytes give the same result, kept on disk under the temp dir", async () => {
    const original = await wasmBytesOf(SOURCE);
    const a = await instrumentForControlPoints(original);
    const b = await instrumentForControlPoints(original.slice());
    expect(b).toBe(a);
    const files = await readdir(path.join(os.tmpdir(), "granny-control-points"));
    expect(files.some((f) => f.endsWith(".wasm"))).toBe(true);
  });

  it("refuses a control-point name that is not namespace.name, and bytes that are not a module", async () => {
    const original = await wasmBytesOf(SOURCE);
    await expect(instrumentForControlPoints(original, ["MPI_Barrier"])).rejects.toThrow(InstrumentationError);
    await expect(instrumentForControlPoints(new Uint8Array([1, 2, 3, 4]))).rejects.toThrow(
      InstrumentationError,
    );
  });
});

// The post-link rewrite of atomic read-modify-write instructions into compare-exchange loops
// (wasm-host/omp-toolchain/atomic-rmw.ts): on modules clang compiled, what it replaces, that the
// result validates, and that it leaves alone what it cannot read. Whether the loops keep their
// meaning under contention is the conformance program atomic_widths.c, run against libomp.

import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, test } from "vitest";
import { rewriteAtomicRmw } from "../../wasm-host/omp-toolchain/atomic-rmw.js";
import { Reader, readSections, walkInstructions } from "../../wasm-host/omp-toolchain/wasm-binary.js";
import { buildWasm, programPath } from "./support.js";

const run = promisify(execFile);
const EXAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "examples", "omp");

/** Counts atomic instructions by kind across every function body. */
function atomicCounts(bytes: Uint8Array): { rmw: number; cmpxchg: number; simd: number } {
  const code = readSections(bytes).find((s) => s.id === 10);
  const counts = { rmw: 0, cmpxchg: 0, simd: 0 };
  if (!code) return counts;
  const r = new Reader(code.body);
  const n = r.u32();
  for (let f = 0; f < n; f++) {
    const size = r.u32();
    const end = r.pos + size;
    const groups = r.u32();
    for (let g = 0; g < groups; g++) {
      r.u32();
      r.byte();
    }
    walkInstructions(r, end, (_start, op, sub) => {
      if (op === 0xfd) counts.simd++;
      if (op !== 0xfe) return;
      if (sub >= 0x1e && sub <= 0x40) counts.rmw++;
      if (sub >= 0x48 && sub <= 0x4e) counts.cmpxchg++;
    });
    r.pos = end;
  }
  return counts;
}

async function wat(text: string): Promise<Uint8Array> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "granny-wat-"));
  await writeFile(path.join(dir, "m.wat"), text);
  await run("wat2wasm", ["--enable-threads", path.join(dir, "m.wat"), "-o", path.join(dir, "m.wasm")]);
  return new Uint8Array(await readFile(path.join(dir, "m.wasm")));
}

describe("atomic read-modify-write rewrite", () => {
  let module: Uint8Array;
  beforeAll(async () => {
    module = await buildWasm(programPath("atomic_widths"));
  }, 120_000);

  test("granny cc -fopenmp leaves no add/sub/and/or/xor RMW in a module, and it validates", () => {
    const counts = atomicCounts(module);
    expect(counts.rmw).toBe(0);
    expect(counts.cmpxchg).toBeGreaterThan(40);
    expect(WebAssembly.validate(module)).toBe(true);
    // Rewriting again finds nothing: the loops use only cmpxchg.
    expect(rewriteAtomicRmw(module).rewritten).toBe(0);
  });

  test("each width and operation keeps its result, in functions with parameters and locals", async () => {
    // One function per RMW opcode: applies it twice to memory at an offset and returns the old
    // value of the second, plus the memory's final value; run before and after the rewrite.
    const ops = ["add", "sub", "and", "or", "xor"];
    const widths = [
      ["i32", "i32.atomic.rmw", 0xffffffffn],
      ["i64", "i64.atomic.rmw", 0xffffffffffffffffn],
      ["i32", "i32.atomic.rmw8", 0xffn],
      ["i32", "i32.atomic.rmw16", 0xffffn],
      ["i64", "i64.atomic.rmw8", 0xffn],
      ["i64", "i64.atomic.rmw16", 0xffffn],
      ["i64", "i64.atomic.rmw32", 0xffffffffn],
    ] as const;
    const funcs: string[] = [];
    const names: string[] = [];
    for (const op of ops) {
      widths.forEach(([t, prefix, mask], w) => {
        const suffix = prefix.endsWith("rmw") ? `.${op}` : `.${op}_u`;
        const name = `${op}${w}`;
        names.push(name);
        const load = `${t}.load${mask === 0xffn ? "8_u" : mask === 0xffffn ? "16_u" : mask === 0xffffffffn && t === "i64" ? "32_u" : ""}`;
        funcs.push(`(func (export "${name}") (param $a i32) (param $v ${t}) (result ${t} ${t}) (local $x f64)
          (drop (${prefix}${suffix} offset=8 (local.get $a) (local.get $v)))
          (${prefix}${suffix} offset=8 (local.get $a) (${t}.const 0x7e5))
          (${load} offset=8 (local.get $a)))`);
      });
    }
    const original = await wat(`(module (memory 1 1 shared) (export "memory" (memory 0))
      (global $g (mut i32) (i32.const 0)) ${funcs.join("\n")})`);
    const rewritten = rewriteAtomicRmw(original);
    expect(rewritten.rewritten).toBe(names.length * 2);
    expect(WebAssembly.validate(rewritten.bytes)).toBe(true);
    const seeds = [0x12345678n, 0xffffffffn, 0x80n, 0x1n];
    const results = [original, rewritten.bytes].map((bytes) => {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
      const exports = instance.exports as Record<string, unknown>;
      const memory = exports.memory as WebAssembly.Memory;
      const out: string[] = [];
      for (const name of names) {
        for (const seed of seeds) {
          const view = new DataView(memory.buffer);
          view.setBigUint64(16, 0xa5a5a5a5_5a5a5a5an, true);
          const w = Number(name.slice(-1));
          const is64 = w === 1 || w >= 4;
          const f = exports[name] as (a: number, v: number | bigint) => unknown[];
          const [old, now] = f(8, is64 ? seed * 0x100000001n : Number(seed) | 0);
          out.push(`${name} ${seed} ${String(old)} ${String(now)} ${view.getBigUint64(16, true)}`);
        }
      }
      return out;
    });
    expect(results[1]).toEqual(results[0]);
  });

  test("an address past the memory traps as before", async () => {
    const original = await wat(`(module (memory 1 1 shared)
      (func (export "f") (param $a i32) (result i32) (i32.atomic.rmw.add offset=16 (local.get $a) (i32.const 1))))`);
    const rewritten = rewriteAtomicRmw(original);
    expect(rewritten.rewritten).toBe(1);
    const f = new WebAssembly.Instance(new WebAssembly.Module(rewritten.bytes)).exports.f as (
      a: number,
    ) => number;
    expect(f(0)).toBe(0);
    expect(f(0)).toBe(1);
    expect(() => f(65536 - 16)).toThrow(/out of bounds/);
    expect(() => f(-16)).toThrow(/out of bounds/);
    expect(() => f(2)).toThrow(/unaligned/);
  });

  test("the walker reads every instruction of the OpenMP examples (SIMD, bulk memory, atomics)", async () => {
    let simd = 0;
    for (const name of ["stencil", "reduction_kernel", "wavefront", "epcc"]) {
      const bytes = await buildWasm(path.join(EXAMPLES, `${name}.c`));
      const again = rewriteAtomicRmw(bytes);
      expect(again.skipped, name).toBeUndefined();
      expect(again.rewritten, name).toBe(0);
      const counts = atomicCounts(bytes);
      expect(counts.cmpxchg, name).toBeGreaterThan(0);
      simd += counts.simd;
    }
    expect(simd).toBeGreaterThan(0);
  }, 120_000);

  test("a module without atomics, or one it cannot read, is returned as it was", async () => {
    const plain = await wat(`(module (func (export "f") (result i32) (i32.const 1)))`);
    expect(rewriteAtomicRmw(plain)).toEqual({ bytes: plain, rewritten: 0 });
    const truncated = module.subarray(0, module.length - 7);
    const result = rewriteAtomicRmw(truncated);
    expect(result.bytes).toBe(truncated);
    expect(result.rewritten).toBe(0);
    expect(result.skipped).toMatch(/past the end of the module/);
    // An opcode the walker does not know (0xc5 is unassigned) in front of an atomic add.
    const atomic = await wat(`(module (memory 1 1 shared)
      (func (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))))`);
    const at = atomic.findIndex((b, i) => b === 0x41 && atomic[i + 2] === 0x41 && atomic[i + 4] === 0xfe);
    expect(at).toBeGreaterThan(0);
    const unknown = atomic.slice();
    unknown[at] = 0xc5;
    const skipped = rewriteAtomicRmw(unknown);
    expect(skipped.bytes).toBe(unknown);
    expect(skipped.skipped).toMatch(/opcode 0xc5/);
  });
});

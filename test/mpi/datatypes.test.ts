// pack and unpack of derived datatypes against a byte-by-byte reference walk of the type map:
// the word-at-a-time path (short, word-aligned blocks), the block path (unaligned or long
// blocks), partial last elements, and a type that reaches outside memory (an error, not zeros).
import { describe, expect, test } from "vitest";
import {
  PREDEFINED_TYPES,
  pack,
  type TypeInfo,
  typeContiguous,
  typeHvector,
  typeIndexed,
  typeResized,
  typeStruct,
  unpack,
} from "../../wasm-host/mpi/datatypes.js";

const predefined = (name: string): TypeInfo => {
  const t = [...PREDEFINED_TYPES.values()].find((x) => x.name === name);
  if (t === undefined) throw new Error(`no ${name}`);
  return t;
};
const DOUBLE = predefined("MPI_DOUBLE");
const INT = predefined("MPI_INT");
const CHAR = predefined("MPI_CHAR");
const SHORT = predefined("MPI_SHORT");

function referencePack(mem: Uint8Array, ptr: number, count: number, t: TypeInfo): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < count; i++)
    for (const [off, len] of t.blocks)
      for (let b = 0; b < len; b++) out.push(mem[ptr + i * t.extent + off + b] as number);
  return Uint8Array.from(out);
}

function referenceUnpack(mem: Uint8Array, ptr: number, t: TypeInfo, packed: Uint8Array): void {
  let o = 0;
  for (let i = 0; o < packed.length; i++)
    for (const [off, len] of t.blocks)
      for (let b = 0; b < len && o < packed.length; b++)
        mem[ptr + i * t.extent + off + b] = packed[o++] as number;
}

function filledMemory(bytes: number): Uint8Array {
  const mem = new Uint8Array(
    new WebAssembly.Memory({ initial: bytes / 65536, maximum: bytes / 65536, shared: true }).buffer,
  );
  for (let i = 0; i < mem.length; i++) mem[i] = (i * 131 + 7) & 0xff;
  return mem;
}

const TYPES: readonly [string, TypeInfo][] = [
  ["a column of doubles (vector 512 x 1, stride 514)", typeHvector(512, 1, 514 * 8, DOUBLE)],
  ["a vector of int pairs", typeHvector(33, 2, 40, INT)],
  ["an indexed type of ints", typeIndexed([1, 3, 2], [0, 16, 48], INT)],
  ["a struct of int and double", typeStruct([1, 1], [0, 8], [INT, DOUBLE])],
  ["a resized vector", typeResized(typeHvector(4, 1, 12, INT), 0, 64)],
  ["contiguous of a vector", typeContiguous(3, typeHvector(5, 1, 16, DOUBLE))],
  ["a vector of shorts (not word-aligned)", typeHvector(17, 1, 6, SHORT)],
  ["a vector of chars", typeHvector(40, 3, 5, CHAR)],
  ["a vector of long blocks", typeHvector(3, 40, 400, INT)],
];

describe("pack and unpack agree with the type map", () => {
  for (const [name, t] of TYPES) {
    test(name, () => {
      // Room for three elements past the highest start below, rounded to whole wasm pages.
      const bytes = Math.ceil((4098 + 8192 + 3 * t.extent + 64) / 65536) * 65536;
      const mem = filledMemory(bytes);
      for (const [ptr, count] of [
        [64, 1],
        [1024, 3],
        [4098, 2], // not word-aligned: the block path
      ] as const) {
        const packed = pack(mem, ptr, count, t);
        expect(packed).toEqual(referencePack(mem, ptr, count, t));

        const ours = filledMemory(bytes);
        const theirs = filledMemory(bytes);
        const data = packed.map((b) => b ^ 0x5a);
        unpack(ours, ptr + 8192, t, data);
        referenceUnpack(theirs, ptr + 8192, t, data);
        expect(Buffer.compare(Buffer.from(ours), Buffer.from(theirs))).toBe(0);

        // A partial last element (fewer bytes than whole elements): as much as the bytes hold.
        const part = data.subarray(0, Math.max(0, data.length - 3));
        const ours2 = filledMemory(bytes);
        const theirs2 = filledMemory(bytes);
        unpack(ours2, ptr, t, part);
        referenceUnpack(theirs2, ptr, t, part);
        expect(Buffer.compare(Buffer.from(ours2), Buffer.from(theirs2))).toBe(0);
      }
    });
  }

  test("a type that reaches past the end of memory raises an error instead of reading zeros", () => {
    const mem = filledMemory(1 << 16);
    const column = typeHvector(512, 1, 514 * 8, DOUBLE);
    expect(() => pack(mem, 64, 1, column)).toThrow(RangeError);
    expect(() => unpack(mem, 64, column, new Uint8Array(column.size))).toThrow(RangeError);
  });
});

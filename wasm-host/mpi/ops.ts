// Predefined reduction operations over packed buffers. `reduceInto(op, kind, a, b)` leaves
// a op b in b, which is the order MPI defines for user functions (invec op inoutvec) and what a
// non-commutative reduction needs.

import type { BasicKind } from "./datatypes.js";
import { mpiError } from "./errors.js";

export const Op = {
  MAX: 1,
  MIN: 2,
  SUM: 3,
  PROD: 4,
  LAND: 5,
  BAND: 6,
  LOR: 7,
  BOR: 8,
  LXOR: 9,
  BXOR: 10,
  MINLOC: 11,
  MAXLOC: 12,
  REPLACE: 13,
  NO_OP: 14,
} as const;

export const OP_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(Op).map(([k, v]) => [v, `MPI_${k}`]),
);

/** First handle given to user-defined operations. */
export const FIRST_USER_OP = 32;

type Num = number | bigint;
type Scalar = (a: Num, b: Num) => Num;

/** One function per (operation, element kind), made once: reductions run on every collective. */
const scalarFns = new Map<number, Scalar | undefined>();

function scalarFn(op: number, float: boolean, big: boolean): Scalar | undefined {
  const key = op * 4 + (float ? 2 : 0) + (big ? 1 : 0);
  if (!scalarFns.has(key)) scalarFns.set(key, makeScalarFn(op, float, big));
  return scalarFns.get(key);
}

function makeScalarFn(op: number, float: boolean, big: boolean): Scalar | undefined {
  const zero = big ? 0n : 0;
  const one = big ? 1n : 1;
  const truth = (x: Num) => x !== zero && x !== 0;
  switch (op) {
    // Comparisons rather than Math.max/min: they work for bigint elements too.
    case Op.MAX:
      // biome-ignore lint/complexity/useMathMinMax: bigint elements
      return (a, b) => (a > b ? a : b);
    case Op.MIN:
      // biome-ignore lint/complexity/useMathMinMax: bigint elements
      return (a, b) => (a < b ? a : b);
    case Op.SUM:
      return big ? (a, b) => (a as bigint) + (b as bigint) : (a, b) => (a as number) + (b as number);
    case Op.PROD:
      if (big) return (a, b) => (a as bigint) * (b as bigint);
      // Integers multiply as C does, keeping the low 32 bits (the typed array then keeps the
      // element's width): a double product of two 32-bit values past 2^53 has lost them.
      return float ? (a, b) => (a as number) * (b as number) : (a, b) => Math.imul(a as number, b as number);
    case Op.LAND:
      return (a, b) => (truth(a) && truth(b) ? one : zero);
    case Op.LOR:
      return (a, b) => (truth(a) || truth(b) ? one : zero);
    case Op.LXOR:
      return (a, b) => (truth(a) !== truth(b) ? one : zero);
    case Op.BAND:
      if (float) return undefined;
      return big ? (a, b) => (a as bigint) & (b as bigint) : (a, b) => (a as number) & (b as number);
    case Op.BOR:
      if (float) return undefined;
      return big ? (a, b) => (a as bigint) | (b as bigint) : (a, b) => (a as number) | (b as number);
    case Op.BXOR:
      if (float) return undefined;
      return big ? (a, b) => (a as bigint) ^ (b as bigint) : (a, b) => (a as number) ^ (b as number);
    case Op.REPLACE:
      return (a) => a;
    case Op.NO_OP:
      return (_a, b) => b;
    default:
      return undefined;
  }
}

type ArrayCtor = new (
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
) => ArrayLike<Num> & { [i: number]: Num };

const SCALAR_ARRAYS: Partial<Record<BasicKind, [ArrayCtor, number, boolean, boolean]>> = {
  i8: [Int8Array as unknown as ArrayCtor, 1, false, false],
  u8: [Uint8Array as unknown as ArrayCtor, 1, false, false],
  bool: [Uint8Array as unknown as ArrayCtor, 1, false, false],
  i16: [Int16Array as unknown as ArrayCtor, 2, false, false],
  u16: [Uint16Array as unknown as ArrayCtor, 2, false, false],
  i32: [Int32Array as unknown as ArrayCtor, 4, false, false],
  u32: [Uint32Array as unknown as ArrayCtor, 4, false, false],
  i64: [BigInt64Array as unknown as ArrayCtor, 8, false, true],
  u64: [BigUint64Array as unknown as ArrayCtor, 8, false, true],
  f32: [Float32Array as unknown as ArrayCtor, 4, true, false],
  f64: [Float64Array as unknown as ArrayCtor, 8, true, false],
};

function aligned(bytes: Uint8Array, width: number): Uint8Array {
  return bytes.byteOffset % width === 0 ? bytes : bytes.slice();
}

/** b = a op b, elementwise over packed buffers of equal length. */
export function reduceInto(op: number, kind: BasicKind, a: Uint8Array, b: Uint8Array): void {
  if (kind === "f64" && reduceDoubles(op, a, b)) return;
  if (kind === "i32" && reduceInts(op, a, b)) return;
  if (op === Op.MAXLOC || op === Op.MINLOC) {
    reducePairs(op, kind, a, b);
    return;
  }
  const spec = SCALAR_ARRAYS[kind];
  const fn = spec === undefined ? undefined : scalarFn(op, spec[2], spec[3]);
  if (spec === undefined || fn === undefined) {
    throw mpiError(
      "MPI_ERR_OP",
      `${OP_NAMES[op] ?? `operation ${op}`} is not defined for elements of kind ${kind}`,
    );
  }
  const [Ctor, width] = spec;
  const n = b.length / width;
  const aa = aligned(a, width);
  const bb = aligned(b, width);
  const va = new Ctor(aa.buffer, aa.byteOffset, n);
  const vb = new Ctor(bb.buffer, bb.byteOffset, n);
  for (let i = 0; i < n; i++) vb[i] = fn(va[i] as Num, vb[i] as Num);
  if (bb !== b) b.set(bb);
}

function reducePairs(op: number, kind: BasicKind, a: Uint8Array, b: Uint8Array): void {
  const layout: Partial<Record<BasicKind, [number, (d: DataView, o: number) => number]>> = {
    float_int: [4, (d, o) => d.getFloat32(o, true)],
    double_int: [8, (d, o) => d.getFloat64(o, true)],
    long_int: [4, (d, o) => d.getInt32(o, true)],
    "2int": [4, (d, o) => d.getInt32(o, true)],
    short_int: [2, (d, o) => d.getInt16(o, true)],
  };
  const spec = layout[kind];
  if (spec === undefined) {
    throw mpiError(
      "MPI_ERR_OP",
      `${OP_NAMES[op]} needs a pair type such as MPI_DOUBLE_INT, not elements of kind ${kind}`,
    );
  }
  const [valueSize, read] = spec;
  const stride = valueSize + 4;
  const da = new DataView(a.buffer, a.byteOffset, a.byteLength);
  const db = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let o = 0; o + stride <= b.length; o += stride) {
    const va = read(da, o);
    const vb = read(db, o);
    const ia = da.getInt32(o + valueSize, true);
    const ib = db.getInt32(o + valueSize, true);
    const takeA = op === Op.MAXLOC ? va > vb || (va === vb && ia < ib) : va < vb || (va === vb && ia < ib);
    if (takeA) b.set(a.subarray(o, o + stride), o);
  }
}

// The common reductions (sums, maxima and minima of doubles and ints) written out per element
// type: the generic path looks its element function up and calls it per element through a
// constructor and a function that differ by type, 225-245 ns for one double (by hand), most of an
// allreduce through shared memory. Same results: the same comparisons, and stores into the same
// typed arrays (which wrap ints as the generic path does).

function reduceDoubles(op: number, a: Uint8Array, b: Uint8Array): boolean {
  if (((a.byteOffset | b.byteOffset) & 7) !== 0) return false;
  const n = b.length >> 3;
  return fold(
    op,
    new Float64Array(a.buffer, a.byteOffset, n),
    0,
    new Float64Array(b.buffer, b.byteOffset, n),
    0,
    n,
  );
}

function reduceInts(op: number, a: Uint8Array, b: Uint8Array): boolean {
  if (((a.byteOffset | b.byteOffset) & 3) !== 0) return false;
  const n = b.length >> 2;
  return fold(
    op,
    new Int32Array(a.buffer, a.byteOffset, n),
    0,
    new Int32Array(b.buffer, b.byteOffset, n),
    0,
    n,
  );
}

/**
 * y[yAt + i] = x[xAt + i] op y[yAt + i] for n elements, for SUM, MAX and MIN; false for another
 * op (the generic path takes it). Offsets rather than subarrays, so that a caller folding into
 * a view it keeps (shm-collectives.ts) makes none per call.
 */
export function fold(
  op: number,
  x: Float64Array | Int32Array,
  xAt: number,
  y: Float64Array | Int32Array,
  yAt: number,
  n: number,
): boolean {
  switch (op) {
    case Op.SUM:
      for (let i = 0; i < n; i++) y[yAt + i] = (x[xAt + i] as number) + (y[yAt + i] as number);
      return true;
    case Op.MAX:
      for (let i = 0; i < n; i++) {
        const u = x[xAt + i] as number;
        const v = y[yAt + i] as number;
        // biome-ignore lint/complexity/useMathMinMax: the generic path's comparison, NaN included
        y[yAt + i] = u > v ? u : v;
      }
      return true;
    case Op.MIN:
      for (let i = 0; i < n; i++) {
        const u = x[xAt + i] as number;
        const v = y[yAt + i] as number;
        // biome-ignore lint/complexity/useMathMinMax: the generic path's comparison, NaN included
        y[yAt + i] = u < v ? u : v;
      }
      return true;
    default:
      return false;
  }
}

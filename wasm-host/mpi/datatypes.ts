// MPI datatypes as plain data: a type map flattened to byte blocks of one element, plus the kind
// of basic element it is made of (for reductions). Packing walks the blocks; a dense type (one
// block covering its whole extent) is copied in one piece.

import { copyBytes, copyShort, SHORT_COPY } from "./bytes.js";
import { mpiError } from "./errors.js";

/** Basic element kinds that reductions understand. Pair kinds are (value, int) for MAXLOC/MINLOC. */
export type BasicKind =
  | "i8"
  | "u8"
  | "i16"
  | "u16"
  | "i32"
  | "u32"
  | "i64"
  | "u64"
  | "f32"
  | "f64"
  | "bool"
  | "float_int"
  | "double_int"
  | "long_int"
  | "2int"
  | "short_int"
  | "opaque";

/** Packed size of one basic element. */
export const BASIC_SIZE: Readonly<Record<BasicKind, number>> = {
  i8: 1,
  u8: 1,
  i16: 2,
  u16: 2,
  i32: 4,
  u32: 4,
  i64: 8,
  u64: 8,
  f32: 4,
  f64: 8,
  bool: 1,
  float_int: 8,
  double_int: 12,
  long_int: 8,
  "2int": 8,
  short_int: 6,
  opaque: 1,
};

export interface TypeInfo {
  /** Bytes of data in one element (packed size). */
  readonly size: number;
  readonly lb: number;
  readonly extent: number;
  /** [offset, length] runs of one element, relative to its start, in type-map order. */
  readonly blocks: readonly (readonly [number, number])[];
  /** The basic kind every element is made of, or "opaque" when mixed or byte-like. */
  readonly basic: BasicKind;
  readonly committed: boolean;
  readonly predefined: boolean;
  /** Name for messages. */
  readonly name: string;
}

function basicType(name: string, kind: BasicKind, size: number): TypeInfo {
  return {
    size,
    lb: 0,
    extent: size,
    blocks: [[0, size]],
    basic: kind,
    committed: true,
    predefined: true,
    name,
  };
}

function pairType(
  name: string,
  kind: BasicKind,
  valueSize: number,
  intOffset: number,
  extent: number,
): TypeInfo {
  const blocks: [number, number][] =
    intOffset === valueSize
      ? [[0, valueSize + 4]]
      : [
          [0, valueSize],
          [intOffset, 4],
        ];
  return { size: valueSize + 4, lb: 0, extent, blocks, basic: kind, committed: true, predefined: true, name };
}

/** Predefined datatypes by handle (mpi.h), with wasm32 sizes (long and MPI_Aint are 4 bytes). */
export const PREDEFINED_TYPES: ReadonlyMap<number, TypeInfo> = new Map<number, TypeInfo>([
  [1, basicType("MPI_CHAR", "i8", 1)],
  [2, basicType("MPI_SIGNED_CHAR", "i8", 1)],
  [3, basicType("MPI_UNSIGNED_CHAR", "u8", 1)],
  [4, basicType("MPI_BYTE", "u8", 1)],
  [5, basicType("MPI_SHORT", "i16", 2)],
  [6, basicType("MPI_UNSIGNED_SHORT", "u16", 2)],
  [7, basicType("MPI_INT", "i32", 4)],
  [8, basicType("MPI_UNSIGNED", "u32", 4)],
  [9, basicType("MPI_LONG", "i32", 4)],
  [10, basicType("MPI_UNSIGNED_LONG", "u32", 4)],
  [11, basicType("MPI_LONG_LONG", "i64", 8)],
  [12, basicType("MPI_UNSIGNED_LONG_LONG", "u64", 8)],
  [13, basicType("MPI_FLOAT", "f32", 4)],
  [14, basicType("MPI_DOUBLE", "f64", 8)],
  [15, basicType("MPI_LONG_DOUBLE", "opaque", 16)],
  [16, basicType("MPI_WCHAR", "i32", 4)],
  [17, basicType("MPI_C_BOOL", "bool", 1)],
  [18, basicType("MPI_INT8_T", "i8", 1)],
  [19, basicType("MPI_INT16_T", "i16", 2)],
  [20, basicType("MPI_INT32_T", "i32", 4)],
  [21, basicType("MPI_INT64_T", "i64", 8)],
  [22, basicType("MPI_UINT8_T", "u8", 1)],
  [23, basicType("MPI_UINT16_T", "u16", 2)],
  [24, basicType("MPI_UINT32_T", "u32", 4)],
  [25, basicType("MPI_UINT64_T", "u64", 8)],
  [26, basicType("MPI_PACKED", "u8", 1)],
  [27, basicType("MPI_AINT", "i32", 4)],
  [28, basicType("MPI_OFFSET", "i64", 8)],
  [29, basicType("MPI_COUNT", "i64", 8)],
  [30, pairType("MPI_FLOAT_INT", "float_int", 4, 4, 8)],
  [31, pairType("MPI_DOUBLE_INT", "double_int", 8, 8, 16)],
  [32, pairType("MPI_LONG_INT", "long_int", 4, 4, 8)],
  [33, pairType("MPI_2INT", "2int", 4, 4, 8)],
  [34, pairType("MPI_SHORT_INT", "short_int", 2, 4, 8)],
  [35, pairType("MPI_LONG_DOUBLE_INT", "opaque", 16, 16, 32)],
  [36, basicType("MPI_C_FLOAT_COMPLEX", "opaque", 8)],
  [37, basicType("MPI_C_DOUBLE_COMPLEX", "opaque", 16)],
  [38, basicType("MPI_C_LONG_DOUBLE_COMPLEX", "opaque", 32)],
]);

/** First handle given to derived datatypes. */
export const FIRST_DERIVED_TYPE = 64;

function mergeBlocks(blocks: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [off, len] of blocks) {
    if (len === 0) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last[0] + last[1] === off) last[1] += len;
    else out.push([off, len]);
  }
  return out;
}

function combinedBasic(kinds: readonly BasicKind[]): BasicKind {
  const first = kinds[0];
  if (first === undefined) return "opaque";
  return kinds.every((k) => k === first) ? first : "opaque";
}

/** Builds a derived type from (displacement in bytes, count, old type) pieces. */
function derived(name: string, pieces: readonly { disp: number; count: number; type: TypeInfo }[]): TypeInfo {
  const blocks: [number, number][] = [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let size = 0;
  for (const { disp, count, type } of pieces) {
    for (let i = 0; i < count; i++) {
      const base = disp + i * type.extent;
      for (const [off, len] of type.blocks) blocks.push([base + off, len]);
    }
    size += count * type.size;
    if (count > 0) {
      lo = Math.min(lo, disp + type.lb);
      hi = Math.max(hi, disp + type.lb + count * type.extent);
    }
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 0;
  }
  const kinds = pieces.filter((p) => p.count > 0).map((p) => p.type.basic);
  return {
    size,
    lb: lo,
    extent: hi - lo,
    blocks: mergeBlocks(blocks),
    basic: combinedBasic(kinds),
    committed: false,
    predefined: false,
    name,
  };
}

export function typeContiguous(count: number, old: TypeInfo): TypeInfo {
  if (count < 0) throw mpiError("MPI_ERR_COUNT", `MPI_Type_contiguous: negative count ${count}`);
  return derived(`contiguous(${count}, ${old.name})`, [{ disp: 0, count, type: old }]);
}

export function typeHvector(
  count: number,
  blocklength: number,
  strideBytes: number,
  old: TypeInfo,
): TypeInfo {
  if (count < 0 || blocklength < 0) {
    throw mpiError("MPI_ERR_COUNT", `MPI_Type_vector: negative count ${count} or blocklength ${blocklength}`);
  }
  const pieces = [];
  for (let i = 0; i < count; i++) pieces.push({ disp: i * strideBytes, count: blocklength, type: old });
  return derived(`vector(${count}, ${blocklength}, ${old.name})`, pieces);
}

export function typeIndexed(
  blocklengths: readonly number[],
  dispsBytes: readonly number[],
  old: TypeInfo,
): TypeInfo {
  const pieces = blocklengths.map((count, i) => ({ disp: dispsBytes[i] ?? 0, count, type: old }));
  return derived(`indexed(${blocklengths.length}, ${old.name})`, pieces);
}

export function typeStruct(
  blocklengths: readonly number[],
  dispsBytes: readonly number[],
  types: readonly TypeInfo[],
): TypeInfo {
  const pieces = blocklengths.map((count, i) => {
    const type = types[i];
    if (type === undefined) throw mpiError("MPI_ERR_TYPE", "MPI_Type_create_struct: missing type");
    return { disp: dispsBytes[i] ?? 0, count, type };
  });
  const t = derived(`struct(${blocklengths.length})`, pieces);
  // C struct padding: the extent is rounded up to the largest alignment of its members.
  const align = Math.max(1, ...types.map(alignmentOf));
  const extent = Math.ceil(t.extent / align) * align;
  return { ...t, extent };
}

function alignmentOf(t: TypeInfo): number {
  const sizes: Record<BasicKind, number> = {
    i8: 1,
    u8: 1,
    bool: 1,
    i16: 2,
    u16: 2,
    i32: 4,
    u32: 4,
    f32: 4,
    i64: 8,
    u64: 8,
    f64: 8,
    float_int: 4,
    double_int: 8,
    long_int: 4,
    "2int": 4,
    short_int: 4,
    opaque: 1,
  };
  return sizes[t.basic];
}

export function typeResized(old: TypeInfo, lb: number, extent: number): TypeInfo {
  return { ...old, lb, extent, committed: false, predefined: false, name: `resized(${old.name})` };
}

/** True when count elements occupy exactly [ptr, ptr + count*size) with no gaps. */
export function isDense(t: TypeInfo): boolean {
  const only = t.blocks[0];
  return t.blocks.length === 1 && only !== undefined && only[0] === 0 && only[1] === t.extent && t.lb === 0;
}

/** Copies count elements at ptr in memory into a packed byte array. */
export function pack(mem: Uint8Array, ptr: number, count: number, t: TypeInfo): Uint8Array {
  const total = count * t.size;
  if (isDense(t)) return mem.slice(ptr, ptr + total);
  const out = new Uint8Array(total);
  const plan = wordPlan(t);
  if (plan !== undefined && fitsWords(mem, ptr, count, t, plan)) {
    const words = new Int32Array(mem.buffer, mem.byteOffset, mem.byteLength >> 2);
    const outWords = new Int32Array(out.buffer);
    const offsets = plan.offsets;
    const n = offsets.length;
    const step = t.extent >> 2;
    let o = 0;
    for (let i = 0, base = ptr >> 2; i < count; i++, base += step)
      for (let k = 0; k < n; k++) outWords[o++] = words[base + (offsets[k] as number)] as number;
    return out;
  }
  // Short blocks through DataViews, made once per call, rather than byte by byte.
  const memView = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
  const outView = new DataView(out.buffer);
  const blocks = t.blocks;
  let o = 0;
  for (let i = 0; i < count; i++) {
    const base = ptr + i * t.extent;
    for (let b = 0; b < blocks.length; b++) {
      const [off, len] = blocks[b] as readonly [number, number];
      if (len <= SHORT_COPY) copyShort(outView, o, memView, base + off, len);
      else copyBytes(out, o, mem, base + off, len);
      o += len;
    }
  }
  return out;
}

/** Writes packed bytes into memory at ptr as elements of t (as many as the bytes hold). */
export function unpack(mem: Uint8Array, ptr: number, t: TypeInfo, packed: Uint8Array): void {
  if (isDense(t)) {
    mem.set(packed, ptr);
    return;
  }
  const plan = wordPlan(t);
  const count = packed.length / t.size;
  if (
    plan !== undefined &&
    Number.isInteger(count) &&
    packed.byteOffset % 4 === 0 &&
    fitsWords(mem, ptr, count, t, plan)
  ) {
    const words = new Int32Array(mem.buffer, mem.byteOffset, mem.byteLength >> 2);
    const packedWords = new Int32Array(packed.buffer, packed.byteOffset, packed.length >> 2);
    const offsets = plan.offsets;
    const n = offsets.length;
    const step = t.extent >> 2;
    let o = 0;
    for (let i = 0, base = ptr >> 2; i < count; i++, base += step)
      for (let k = 0; k < n; k++) words[base + (offsets[k] as number)] = packedWords[o++] as number;
    return;
  }
  const blocks = t.blocks;
  const memView = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
  const packedView = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  let o = 0;
  for (let i = 0; o < packed.length; i++) {
    const base = ptr + i * t.extent;
    for (let b = 0; b < blocks.length; b++) {
      if (o >= packed.length) return;
      const [off, len] = blocks[b] as readonly [number, number];
      const n = Math.min(len, packed.length - o);
      if (n <= SHORT_COPY) copyShort(memView, base + off, packedView, o, n);
      else copyBytes(mem, base + off, packed, o, n);
      o += n;
    }
  }
}

/**
 * A type whose blocks are all short and word-aligned, as the 32-bit words of one element (their
 * offsets from its start, in type-map order): packing it is one typed-array copy per word, with
 * no per-block work. A halo column (a vector of doubles, or count 1 of such a vector) is the case
 * that matters: 512 doubles packed and unpacked took 9.7 us block by block through DataViews.
 */
interface WordPlan {
  readonly offsets: Int32Array;
  /** Lowest and one past the highest byte of one element, relative to its start. */
  readonly lo: number;
  readonly hi: number;
}

/** Word offsets kept per element at most: a larger type is packed block by block. */
const MAX_PLAN_WORDS = 4096;
const wordPlans = new WeakMap<TypeInfo, WordPlan | null>();

function wordPlan(t: TypeInfo): WordPlan | undefined {
  let plan = wordPlans.get(t);
  if (plan === undefined) {
    plan = makeWordPlan(t);
    wordPlans.set(t, plan);
  }
  return plan ?? undefined;
}

function makeWordPlan(t: TypeInfo): WordPlan | null {
  if (t.extent < 0 || t.extent % 4 !== 0 || t.size % 4 !== 0 || t.size / 4 > MAX_PLAN_WORDS) return null;
  const offsets = new Int32Array(t.size / 4);
  let w = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const [off, len] of t.blocks) {
    if (off % 4 !== 0 || len % 4 !== 0 || len > SHORT_COPY) return null;
    for (let k = 0; k < len; k += 4) offsets[w++] = (off + k) / 4;
    lo = Math.min(lo, off);
    hi = Math.max(hi, off + len);
  }
  return w === offsets.length && w > 0 ? { offsets, lo, hi } : null;
}

/**
 * True when count elements at ptr lie word-aligned inside mem: typed arrays read undefined and
 * drop writes out of bounds, so the plan is used only where it cannot go out (the block path
 * then raises the RangeError that ends the call).
 */
function fitsWords(mem: Uint8Array, ptr: number, count: number, t: TypeInfo, plan: WordPlan): boolean {
  if (mem.byteOffset % 4 !== 0 || ptr % 4 !== 0 || count === 0) return false;
  return ptr + plan.lo >= 0 && ptr + (count - 1) * t.extent + plan.hi <= mem.length;
}

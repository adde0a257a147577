// Just enough of the WebAssembly binary format to rewrite instructions inside function bodies:
// LEB128, sections, and a walker that finds every instruction's start (immediates of the MVP,
// sign extension, saturating truncation, bulk memory, reference types, SIMD and threads). An
// opcode it does not know is an UnknownOpcode: a caller then leaves the module as it was rather
// than guess where the next instruction starts.

import { concatBytes } from "../bytes.js";

export class UnknownOpcode extends Error {
  override readonly name = "UnknownOpcode";
}

export class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
  ) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new RangeError("unexpected end of the module");
    return this.bytes[this.pos++] as number;
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new RangeError("LEB128 too long");
    }
  }

  /** Skips a signed LEB128 of any width (i32.const, i64.const, block type indices). */
  skipLeb(): void {
    while (this.byte() & 0x80) {
      /* continuation bytes */
    }
  }

  skip(n: number): void {
    this.pos += n;
  }
}

export function u32Leb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

export interface Section {
  readonly id: number;
  /** Contents, without the id and size. */
  readonly body: Uint8Array;
}

const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export function readSections(bytes: Uint8Array): Section[] {
  if (bytes.length < 8 || MAGIC_AND_VERSION.some((b, i) => bytes[i] !== b)) {
    throw new RangeError("not a WebAssembly module (version 1)");
  }
  const r = new Reader(bytes, 8);
  const sections: Section[] = [];
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    if (r.pos + size > bytes.length) throw new RangeError(`section ${id} runs past the end of the module`);
    sections.push({ id, body: bytes.subarray(r.pos, r.pos + size) });
    r.skip(size);
  }
  return sections;
}

export function writeSections(sections: readonly Section[]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.from(MAGIC_AND_VERSION)];
  for (const s of sections) parts.push(Uint8Array.from([s.id, ...u32Leb(s.body.length)]), s.body);
  return concatBytes(parts);
}

/** Value types that are one byte, as block types and in `select t*`. */
const ONE_BYTE_TYPES = new Set([0x40, 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);

function skipBlockType(r: Reader): void {
  const b = r.bytes[r.pos] as number;
  if (ONE_BYTE_TYPES.has(b)) r.skip(1);
  else r.skipLeb(); // a type index, as a signed 33-bit LEB
}

function skipMemarg(r: Reader): void {
  const align = r.u32();
  if (align & 0x40) r.u32(); // multi-memory: an explicit memory index
  r.u32();
}

/**
 * Calls `visit` at the start of each instruction of an expression that begins at `r.pos` and ends
 * at `end`, with its opcode and, for a prefixed one (0xfc, 0xfd, 0xfe), its sub-opcode (else -1).
 * During the call `r.pos` is just past the opcode, at the first immediate.
 */
export function walkInstructions(
  r: Reader,
  end: number,
  visit: (start: number, opcode: number, sub: number) => void,
): void {
  while (r.pos < end) {
    const start = r.pos;
    const op = r.byte();
    if (op === 0xfc || op === 0xfd || op === 0xfe) {
      const sub = r.u32();
      visit(start, op, sub);
      skipPrefixed(r, op, sub);
      continue;
    }
    visit(start, op, -1);
    skipImmediates(r, op);
  }
}

/** What follows an opcode: the forms of immediate the walker knows. */
type Immediate =
  | "none"
  | "blockType"
  | "sleb"
  | "u32"
  | "u32x2"
  | "brTable"
  | "types"
  | "memarg"
  | "memargLane"
  | number;

function skipImmediates(r: Reader, op: number): void {
  skip(r, plainImmediate(op), () => `opcode 0x${op.toString(16)} at byte ${r.pos - 1}`);
}

function skipPrefixed(r: Reader, prefix: number, sub: number): void {
  const kind =
    prefix === 0xfc ? miscImmediate(sub) : prefix === 0xfd ? simdImmediate(sub) : atomicImmediate(sub);
  skip(r, kind, () => `opcode 0x${prefix.toString(16)} ${sub} at byte ${r.pos}`);
}

function skip(r: Reader, kind: Immediate | undefined, what: () => string): void {
  if (kind === undefined) throw new UnknownOpcode(what());
  if (typeof kind === "number") r.skip(kind);
  else if (kind === "blockType") skipBlockType(r);
  else if (kind === "sleb") r.skipLeb();
  else if (kind === "u32") r.u32();
  else if (kind === "u32x2") {
    r.u32();
    r.u32();
  } else if (kind === "brTable") {
    const n = r.u32();
    for (let i = 0; i <= n; i++) r.u32();
  } else if (kind === "types") r.skip(r.u32());
  else if (kind === "memarg") skipMemarg(r);
  else if (kind === "memargLane") {
    skipMemarg(r);
    r.skip(1);
  }
}

function plainImmediate(op: number): Immediate | undefined {
  if (op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b) return "none";
  if (op >= 0x02 && op <= 0x04) return "blockType";
  if (op === 0x0c || op === 0x0d || op === 0x10 || op === 0x12 || op === 0xd2) return "u32";
  if (op === 0x0e) return "brTable";
  if (op === 0x11 || op === 0x13) return "u32x2";
  if (op === 0x1c) return "types";
  if (op >= 0x20 && op <= 0x26) return "u32";
  if (op >= 0x28 && op <= 0x3e) return "memarg";
  if (op === 0x3f || op === 0x40) return "u32";
  if (op === 0x41 || op === 0x42) return "sleb";
  if (op === 0x43) return 4;
  if (op === 0x44) return 8;
  if (op >= 0x45 && op <= 0xc4) return "none";
  if (op === 0xd0) return 1;
  if (op === 0xd1) return "none";
  return undefined;
}

/** 0xfc: saturating truncation, bulk memory, tables. */
function miscImmediate(sub: number): Immediate | undefined {
  if (sub <= 7) return "none";
  if (sub === 8 || sub === 10 || sub === 12 || sub === 14) return "u32x2";
  if (sub === 9 || sub === 11 || sub === 13 || (sub >= 15 && sub <= 17)) return "u32";
  return undefined;
}

/** 0xfd: SIMD and relaxed SIMD. */
function simdImmediate(sub: number): Immediate | undefined {
  if (sub <= 0x0b || sub === 0x5c || sub === 0x5d) return "memarg";
  if (sub === 0x0c || sub === 0x0d) return 16;
  if (sub >= 0x15 && sub <= 0x22) return 1;
  if (sub >= 0x54 && sub <= 0x5b) return "memargLane";
  if (sub <= 0x113) return "none";
  return undefined;
}

/** 0xfe: threads. */
function atomicImmediate(sub: number): Immediate | undefined {
  if (sub === 0x03) return 1; // atomic.fence
  if (sub <= 0x02 || (sub >= 0x10 && sub <= 0x4e)) return "memarg";
  return undefined;
}

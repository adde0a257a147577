// Rewrites every atomic read-modify-write add, sub, and, or, xor of a module into a
// compare-exchange loop that starts from a guessed value. Why: the V8 of Node 20 compiles
// `i32.atomic.rmw.add` (what clang emits for `#pragma omp atomic` and __atomic_fetch_add) to a
// plain load followed by a `lock cmpxchg` retry loop. When another core wrote the counter last,
// that load fetches the cache line shared and the cmpxchg must then fetch it again for writing:
// two coherence transactions per increment where native code (`lock add`) has one. EPCC's atomic
// overhead was 22-25 ns against libomp's 5-17 ns here. A loop that starts with the cmpxchg fetches
// the line for writing at once; if the guess was stale it fails but returns the current value,
// and the retry finds the line still local. The guess is the value this thread last left at the
// site (a mutable global per site; globals are per instance, hence per thread), so a counter
// only one thread touches costs one cmpxchg, as before.
//
// Semantics are those of the instruction replaced: the same memory argument (offset, alignment,
// so the same effective address and the same traps), the same width, sequentially consistent,
// and the old value left on the stack.

import { concatBytes } from "../bytes.js";
import {
  Reader,
  readSections,
  type Section,
  UnknownOpcode,
  u32Leb,
  walkInstructions,
  writeSections,
} from "./wasm-binary.js";

export interface AtomicRmwRewrite {
  readonly bytes: Uint8Array;
  /** Instructions replaced. */
  readonly rewritten: number;
  /** Why the module was left as it was, when it was. */
  readonly skipped?: string;
}

const RMW_FIRST = 0x1e; // i32.atomic.rmw.add
const RMW_LAST = 0x40; // i64.atomic.rmw32.xor_u
const CMPXCHG_FIRST = 0x48; // i32.atomic.rmw.cmpxchg; the same seven widths follow in order

const I32 = 0x7f;
const I64 = 0x7e;

/** The seven widths of each RMW operation, in opcode order: value type and mask of the width. */
const WIDTHS: readonly { type: number; mask?: bigint }[] = [
  { type: I32 },
  { type: I64 },
  { type: I32, mask: 0xffn },
  { type: I32, mask: 0xffffn },
  { type: I64, mask: 0xffn },
  { type: I64, mask: 0xffffn },
  { type: I64, mask: 0xffffffffn },
];

/** add, sub, and, or, xor for i32 and i64, and each type's `ne`. */
const OPS = {
  [I32]: { ops: [0x6a, 0x6b, 0x71, 0x72, 0x73], ne: 0x47, constOp: 0x41 },
  [I64]: { ops: [0x7c, 0x7d, 0x83, 0x84, 0x85], ne: 0x52, constOp: 0x42 },
} as const;

interface Site {
  readonly start: number;
  readonly end: number;
  readonly opIndex: number;
  readonly width: number;
  /** The memory argument's bytes, copied to the cmpxchg. */
  readonly memarg: Uint8Array;
  /** Index of the site's guess global. */
  global: number;
}

export function rewriteAtomicRmw(module: Uint8Array): AtomicRmwRewrite {
  try {
    return rewrite(module);
  } catch (e) {
    if (e instanceof UnknownOpcode || e instanceof RangeError) {
      return { bytes: module, rewritten: 0, skipped: e.message };
    }
    throw e;
  }
}

function rewrite(module: Uint8Array): AtomicRmwRewrite {
  const sections = readSections(module);
  const code = sections.find((s) => s.id === 10);
  if (!code) return { bytes: module, rewritten: 0 };
  const paramCounts = functionParamCounts(sections);
  let nextGlobal = importedGlobalCount(sections) + definedGlobalCount(sections);
  const newGlobals: number[] = [];

  const r = new Reader(code.body);
  const count = r.u32();
  const bodies: Uint8Array[] = [Uint8Array.from(u32Leb(count))];
  let rewritten = 0;
  for (let f = 0; f < count; f++) {
    const size = r.u32();
    const end = r.pos + size;
    const sites = findSites(r, end);
    if (sites.length === 0) {
      bodies.push(code.body.subarray(r.pos - u32Leb(size).length, end));
    } else {
      for (const site of sites) {
        site.global = nextGlobal++;
        newGlobals.push((WIDTHS[site.width] as { type: number }).type);
      }
      const body = rewriteBody(code.body.subarray(r.pos, end), sites, r.pos, paramCounts[f] ?? 0);
      bodies.push(Uint8Array.from(u32Leb(body.length)), body);
      rewritten += sites.length;
    }
    r.pos = end;
  }
  if (rewritten === 0) return { bytes: module, rewritten: 0 };

  const out = sections.map((s) => (s.id === 10 ? { id: 10, body: concatBytes(bodies) } : s));
  return { bytes: writeSections(withGlobals(out, newGlobals)), rewritten };
}

function findSites(r: Reader, end: number): Site[] {
  const save = r.pos;
  skipLocals(r);
  const sites: Site[] = [];
  walkInstructions(r, end, (start, opcode, sub) => {
    if (opcode !== 0xfe || sub < RMW_FIRST || sub > RMW_LAST) return;
    const memargStart = r.pos;
    const m = new Reader(r.bytes, memargStart);
    const align = m.u32();
    if (align & 0x40) m.u32();
    m.u32();
    const index = sub - RMW_FIRST;
    sites.push({
      start,
      end: m.pos,
      opIndex: Math.floor(index / 7),
      width: index % 7,
      memarg: r.bytes.slice(memargStart, m.pos),
      global: -1,
    });
  });
  r.pos = save;
  return sites;
}

function skipLocals(r: Reader): number {
  let total = 0;
  const groups = r.u32();
  for (let i = 0; i < groups; i++) {
    total += r.u32();
    r.byte();
  }
  return total;
}

function rewriteBody(
  body: Uint8Array,
  sites: readonly Site[],
  bodyOffset: number,
  params: number,
): Uint8Array {
  const r = new Reader(body);
  const groupsAt = r.pos;
  const localCount = skipLocals(r);
  const instructionsAt = r.pos;
  // Scratch locals: the address (i32) and, per value type, the operand, the guess and the old value.
  const first = params + localCount;
  const local = {
    addr: first,
    [I32]: { v: first + 1, g: first + 2, o: first + 3 },
    [I64]: { v: first + 4, g: first + 5, o: first + 6 },
  };
  const groups = new Reader(body, groupsAt).u32();
  const locals = [
    ...u32Leb(groups + 2),
    ...body.subarray(groupsAt + u32Leb(groups).length, instructionsAt),
    ...u32Leb(4),
    I32,
    ...u32Leb(3),
    I64,
  ];

  const parts: Uint8Array[] = [Uint8Array.from(locals)];
  let copied = instructionsAt;
  for (const site of sites) {
    const start = site.start - bodyOffset;
    parts.push(body.subarray(copied, start));
    const width = WIDTHS[site.width] as { type: number; mask?: bigint };
    const t = width.type as typeof I32 | typeof I64;
    parts.push(Uint8Array.from(casLoop(site, t, width.mask, local.addr, local[t])));
    copied = site.end - bodyOffset;
  }
  parts.push(body.subarray(copied));
  return concatBytes(parts);
}

function casLoop(
  site: Site,
  t: typeof I32 | typeof I64,
  mask: bigint | undefined,
  addr: number,
  l: { v: number; g: number; o: number },
): number[] {
  const { ops, ne, constOp } = OPS[t];
  const op = ops[site.opIndex] as number;
  const get = (i: number) => [0x20, ...u32Leb(i)];
  const set = (i: number) => [0x21, ...u32Leb(i)];
  const masked = mask === undefined ? [] : [constOp, ...sLeb(mask), t === I32 ? 0x71 : 0x83];
  return [
    ...set(l.v),
    ...set(addr),
    0x23,
    ...u32Leb(site.global),
    ...set(l.g),
    0x03, // loop (result t): the old value
    t,
    ...get(addr),
    ...get(l.g),
    ...get(l.g),
    ...get(l.v),
    op,
    0xfe,
    ...u32Leb(CMPXCHG_FIRST + site.width),
    ...site.memarg,
    0x22, // local.tee
    ...u32Leb(l.o),
    ...get(l.g),
    ne,
    0x04, // if the guess was stale, guess what the cmpxchg found and go again
    0x40,
    ...get(l.o),
    ...set(l.g),
    0x0c, // br to the loop
    0x01,
    0x0b,
    ...get(l.o),
    0x0b,
    // The next guess: what this thread just stored.
    ...get(l.o),
    ...get(l.v),
    op,
    ...masked,
    0x24, // global.set
    ...u32Leb(site.global),
  ];
}

function sLeb(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

function functionParamCounts(sections: readonly Section[]): number[] {
  const typeSection = sections.find((s) => s.id === 1);
  const funcSection = sections.find((s) => s.id === 3);
  const params: number[] = [];
  if (typeSection) {
    const r = new Reader(typeSection.body);
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      if (r.byte() !== 0x60) throw new RangeError("a type that is not a function type");
      const p = r.u32();
      r.skip(p);
      r.skip(r.u32());
      params.push(p);
    }
  }
  const counts: number[] = [];
  if (funcSection) {
    const r = new Reader(funcSection.body);
    const n = r.u32();
    for (let i = 0; i < n; i++) counts.push(params[r.u32()] ?? 0);
  }
  return counts;
}

function importedGlobalCount(sections: readonly Section[]): number {
  const imports = sections.find((s) => s.id === 2);
  if (!imports) return 0;
  const r = new Reader(imports.body);
  const n = r.u32();
  let globals = 0;
  for (let i = 0; i < n; i++) {
    r.skip(r.u32()); // module name
    r.skip(r.u32()); // field name
    const kind = r.byte();
    if (kind === 0x00)
      r.u32(); // function: type index
    else if (kind === 0x01) {
      r.byte(); // table: element type, limits
      skipLimits(r);
    } else if (kind === 0x02) skipLimits(r);
    else if (kind === 0x03) {
      r.skip(2); // value type, mutability
      globals++;
    } else throw new RangeError(`import kind ${kind}`);
  }
  return globals;
}

function skipLimits(r: Reader): void {
  const flags = r.byte();
  r.u32();
  if (flags & 0x01) r.u32();
}

function definedGlobalCount(sections: readonly Section[]): number {
  const globals = sections.find((s) => s.id === 6);
  return globals ? new Reader(globals.body).u32() : 0;
}

/** Appends mutable globals initialised to 0, creating the global section if there is none. */
function withGlobals(sections: readonly Section[], types: readonly number[]): Section[] {
  const entries = types.flatMap((t) => [t, 0x01, t === I32 ? 0x41 : 0x42, 0x00, 0x0b]);
  const existing = sections.find((s) => s.id === 6);
  if (existing) {
    const r = new Reader(existing.body);
    const n = r.u32();
    const body = concatBytes([
      Uint8Array.from(u32Leb(n + types.length)),
      existing.body.subarray(r.pos),
      Uint8Array.from(entries),
    ]);
    return sections.map((s) => (s === existing ? { id: 6, body } : s));
  }
  // The global section comes after type, import, function, table, memory and tag sections.
  const before = new Set([1, 2, 3, 4, 5, 13]);
  const at = sections.findIndex((s) => s.id !== 0 && !before.has(s.id));
  const section = { id: 6, body: Uint8Array.from([...u32Leb(types.length), ...entries]) };
  const out = [...sections];
  out.splice(at === -1 ? out.length : at, 0, section);
  return out;
}

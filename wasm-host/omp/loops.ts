// Worksharing loops: __kmpc_for_static_init_* (each thread works out its own block, no
// communication) and __kmpc_dispatch_* (dynamic, guided, runtime and ordered loops, which share
// a counter in a dispatch slot of the control block). Bounds are read and written in the loop
// variable's own type; arithmetic is exact in doubles, so 64-bit bounds must stay within 2^53.

import { DISPATCH_SLOTS, Slot, slotBase } from "./layout.js";
import type { MemoryViews } from "./memory-views.js";
import { type LoopKind, plainSchedule } from "./schedule.js";
import { waitUntilEqual } from "./sync.js";
import type { TeamFrame } from "./team.js";

export interface IntType {
  readonly bytes: 4 | 8;
  readonly signed: boolean;
}

export class LoopBoundsError extends Error {
  override readonly name = "LoopBoundsError";
}

function toNumber(v: number | bigint, what: string): number {
  if (typeof v === "number") return v;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) {
    throw new LoopBoundsError(
      `granny OpenMP: 64-bit loop ${what} ${v} is beyond 2^53, which is not supported`,
    );
  }
  return n;
}

function argValue(v: number | bigint, type: IntType, what: string): number {
  if (type.bytes === 4) {
    const n = Number(v);
    return type.signed ? n | 0 : n >>> 0;
  }
  const b = BigInt(v);
  return toNumber(type.signed ? BigInt.asIntN(64, b) : BigInt.asUintN(64, b), what);
}

export function readInt(mem: MemoryViews, addr: number, type: IntType): number {
  if (type.bytes === 4) return type.signed ? mem.getI32(addr) : mem.getU32(addr);
  return toNumber(type.signed ? mem.getI64(addr) : mem.getU64(addr), "bound");
}

/** Writes v, wrapping to the type's range as C arithmetic would. */
export function writeInt(mem: MemoryViews, addr: number, type: IntType, v: number): void {
  if (type.bytes === 4) {
    if (type.signed) mem.setI32(addr, v | 0);
    else mem.setU32(addr, v >>> 0);
  } else if (type.signed) mem.setI64(addr, BigInt(v));
  else mem.setU64(addr, BigInt(v));
}

function tripCount(lb: number, ub: number, incr: number): number {
  if (incr > 0) return ub < lb ? 0 : Math.floor((ub - lb) / incr) + 1;
  return lb < ub ? 0 : Math.floor((lb - ub) / -incr) + 1;
}

/** __kmpc_for_static_init_{4,4u,8,8u}, after libomp's __kmp_for_static_init. */
export function forStaticInit(
  mem: MemoryViews,
  frame: TeamFrame,
  type: IntType,
  schedtype: number,
  pLast: number,
  pLower: number,
  pUpper: number,
  pStride: number,
  incrArg: number | bigint,
  chunkArg: number | bigint,
): void {
  const incr = argValue(incrArg, { bytes: type.bytes, signed: true }, "increment");
  if (incr === 0) throw new LoopBoundsError("granny OpenMP: a worksharing loop has a zero increment");
  const lb = readInt(mem, pLower, type);
  const ub = readInt(mem, pUpper, type);
  const setLast = (v: boolean) => {
    if (pLast !== 0) mem.setI32(pLast, v ? 1 : 0);
  };
  const trip = tripCount(lb, ub, incr);
  if (trip === 0) {
    setLast(false);
    writeInt(mem, pStride, type, incr);
    return;
  }
  const nth = frame.size;
  const tid = frame.tid;
  if (nth === 1) {
    setLast(true);
    writeInt(mem, pStride, type, incr > 0 ? ub - lb + 1 : -(lb - ub + 1));
    return;
  }
  const kind = plainSchedule(schedtype, 34).kind;
  if (kind === "static-chunked") {
    let chunk = argValue(chunkArg, { bytes: type.bytes, signed: true }, "chunk");
    if (chunk < 1) chunk = 1;
    const span = chunk * incr;
    writeInt(mem, pStride, type, span * nth);
    const lower = lb + span * tid;
    writeInt(mem, pLower, type, lower);
    writeInt(mem, pUpper, type, lower + span - incr);
    setLast(tid === Math.floor((trip - 1) / chunk) % nth);
    return;
  }
  if (kind !== "static") {
    throw new LoopBoundsError(`granny OpenMP: __kmpc_for_static_init called with schedule ${schedtype}`);
  }
  if (trip < nth) {
    if (tid < trip) {
      const at = lb + tid * incr;
      writeInt(mem, pLower, type, at);
      writeInt(mem, pUpper, type, at);
    } else {
      writeInt(mem, pLower, type, ub + (incr > 0 ? 1 : -1));
    }
    setLast(tid === trip - 1);
  } else {
    const small = Math.floor(trip / nth);
    const extras = trip % nth;
    const lower = lb + incr * (tid * small + Math.min(tid, extras));
    writeInt(mem, pLower, type, lower);
    writeInt(mem, pUpper, type, lower + small * incr - (tid < extras ? 0 : incr));
    setLast(tid === nth - 1);
  }
  writeInt(mem, pStride, type, trip);
}

interface ActiveLoop {
  readonly type: IntType;
  readonly kind: LoopKind;
  readonly ordered: boolean;
  readonly lb: number;
  readonly st: number;
  readonly trip: number;
  readonly chunk: number;
  /** Control block index of the slot's first word, or -1 for a team of one. */
  readonly base: number;
  readonly seq: number;
  /** static kinds: the next chunk this thread takes; team of one: 0 until the range is handed out. */
  nextOwn: number;
  /** Ordered loops: the iteration now running and the last one of the chunk. */
  iter: number;
  chunkEnd: number;
  didOrdered: boolean;
  done: boolean;
}

/** One thread's side of dispatched loops. */
export class LoopDispatcher {
  private loop: ActiveLoop | null = null;

  constructor(
    private readonly mem: MemoryViews,
    private readonly ctl: Int32Array,
    private readonly spin: number,
    private readonly runtimeSchedule: () => { kind: number; chunk: number },
  ) {}

  init(
    frame: TeamFrame,
    type: IntType,
    schedule: number,
    lbArg: number | bigint,
    ubArg: number | bigint,
    stArg: number | bigint,
    chunkArg: number | bigint,
  ): void {
    const runtime = this.runtimeSchedule();
    const plain = plainSchedule(schedule, runtime.kind);
    const lb = argValue(lbArg, type, "lower bound");
    const ub = argValue(ubArg, type, "upper bound");
    const st = argValue(stArg, { bytes: type.bytes, signed: true }, "increment");
    if (st === 0) throw new LoopBoundsError("granny OpenMP: a worksharing loop has a zero increment");
    let chunk = argValue(chunkArg, { bytes: type.bytes, signed: true }, "chunk");
    if ((schedule & 0xff) === 37 && runtime.chunk > 0) chunk = runtime.chunk;
    if (chunk < 1) chunk = 1;
    const trip = tripCount(lb, ub, st);
    if (trip > 0x7fffffff && frame.shared) {
      throw new LoopBoundsError(
        `granny OpenMP: a dynamically scheduled loop of ${trip} iterations exceeds 2^31 - 1, which is not supported`,
      );
    }
    const seq = frame.loops++;
    let base = -1;
    if (frame.shared) {
      base = slotBase(seq % DISPATCH_SLOTS);
      // With nowait loops a thread may run DISPATCH_SLOTS loops ahead: wait for the slot to be ours.
      waitUntilEqual(this.ctl, base + Slot.owner, seq, this.spin);
    }
    this.loop = {
      type,
      kind: plain.kind,
      ordered: plain.ordered,
      lb,
      st,
      trip,
      chunk,
      base,
      seq,
      nextOwn: frame.shared && plain.kind === "static-chunked" ? frame.tid : 0,
      iter: 0,
      chunkEnd: -1,
      didOrdered: false,
      done: false,
    };
  }

  /** Hands out the next chunk: 1 with bounds written, or 0 when the thread has no more. */
  next(frame: TeamFrame, pLast: number, pLower: number, pUpper: number, pStride: number): number {
    const loop = this.current("__kmpc_dispatch_next");
    if (loop.done) return 0;
    const range = loop.base < 0 ? this.wholeRange(loop) : this.claim(loop, frame);
    if (range === null) {
      this.finish(loop, frame);
      return 0;
    }
    const [a, b] = range;
    loop.iter = a;
    loop.chunkEnd = b;
    loop.didOrdered = false;
    if (pLast !== 0) this.mem.setI32(pLast, b === loop.trip - 1 ? 1 : 0);
    writeInt(this.mem, pLower, loop.type, loop.lb + a * loop.st);
    writeInt(this.mem, pUpper, loop.type, loop.lb + b * loop.st);
    if (pStride !== 0) writeInt(this.mem, pStride, { bytes: loop.type.bytes, signed: true }, loop.st);
    return 1;
  }

  /** End of one iteration of an ordered loop (__kmpc_dispatch_fini_*). */
  iterationDone(): void {
    const loop = this.current("__kmpc_dispatch_fini");
    if (!loop.ordered) return;
    // An iteration that skipped its ordered region must still pass its turn on.
    if (!loop.didOrdered) {
      this.orderedEnter();
      this.orderedExit();
    }
    loop.iter++;
    loop.didOrdered = false;
  }

  orderedEnter(): void {
    const loop = this.loop;
    if (loop === null || !loop.ordered || loop.base < 0) return;
    const index = loop.base + Slot.ordered;
    waitUntilEqual(this.ctl, index, loop.iter, this.spin);
  }

  orderedExit(): void {
    const loop = this.loop;
    if (loop === null || !loop.ordered) return;
    loop.didOrdered = true;
    if (loop.base < 0) return;
    Atomics.store(this.ctl, loop.base + Slot.ordered, loop.iter + 1);
    Atomics.notify(this.ctl, loop.base + Slot.ordered);
  }

  deinit(): void {
    // The slot is released when the last thread runs out of iterations (finish), not here:
    // clang calls this only on some paths.
  }

  private current(what: string): ActiveLoop {
    if (this.loop === null) throw new LoopBoundsError(`granny OpenMP: ${what} without __kmpc_dispatch_init`);
    return this.loop;
  }

  private wholeRange(loop: ActiveLoop): [number, number] | null {
    if (loop.nextOwn > 0 || loop.trip === 0) return null;
    loop.nextOwn = 1;
    return [0, loop.trip - 1];
  }

  private claim(loop: ActiveLoop, frame: TeamFrame): [number, number] | null {
    const { trip, chunk } = loop;
    switch (loop.kind) {
      case "static": {
        if (loop.nextOwn > 0) return null;
        loop.nextOwn = 1;
        const nth = frame.size;
        const tid = frame.tid;
        const small = Math.floor(trip / nth);
        const extras = trip % nth;
        const a = tid * small + Math.min(tid, extras);
        const n = small + (tid < extras ? 1 : 0);
        return n === 0 ? null : [a, a + n - 1];
      }
      case "static-chunked": {
        const a = loop.nextOwn * chunk;
        if (a >= trip) return null;
        loop.nextOwn += frame.size;
        return [a, Math.min(a + chunk, trip) - 1];
      }
      case "dynamic": {
        const k = Atomics.add(this.ctl, loop.base + Slot.next, 1);
        const a = k * chunk;
        if (a >= trip) return null;
        return [a, Math.min(a + chunk, trip) - 1];
      }
      case "guided": {
        const index = loop.base + Slot.next;
        for (;;) {
          const a = Atomics.load(this.ctl, index);
          if (a >= trip) return null;
          const remaining = trip - a;
          const size = Math.min(remaining, Math.max(chunk, Math.ceil(remaining / (2 * frame.size))));
          if (Atomics.compareExchange(this.ctl, index, a, a + size) === a) return [a, a + size - 1];
        }
      }
    }
  }

  private finish(loop: ActiveLoop, frame: TeamFrame): void {
    loop.done = true;
    if (loop.base < 0) return;
    const finished = Atomics.add(this.ctl, loop.base + Slot.finished, 1) + 1;
    if (finished === frame.size) {
      // Everyone is out of this loop: reset the slot for the loop DISPATCH_SLOTS later.
      Atomics.store(this.ctl, loop.base + Slot.next, 0);
      Atomics.store(this.ctl, loop.base + Slot.finished, 0);
      Atomics.store(this.ctl, loop.base + Slot.ordered, 0);
      Atomics.store(this.ctl, loop.base + Slot.owner, loop.seq + DISPATCH_SLOTS);
      Atomics.notify(this.ctl, loop.base + Slot.owner);
    }
  }
}

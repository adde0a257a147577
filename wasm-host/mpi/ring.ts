// An inbox: a multi-producer, single-consumer byte ring in shared memory. Producers (local ranks
// and the router) copy a record in under a short spin lock; the consumer (the owning rank) reads
// records in place and frees their space without taking the lock. A producer that finds no room
// raises its waiter flag; the consumer rings that producer's doorbell after freeing space.

import { copyBytes, copyShort, SHORT_COPY } from "./bytes.js";
import type { Control } from "./shared-layout.js";

const LOCK = 0;
const HEAD = 1;
const TAIL = 2;
const USED = 3;
const WAITERS = 4;
const WRAP = -1;

/** Record header, in 32-bit words. */
export const Rec = {
  len: 0,
  kind: 1,
  src: 2,
  tag: 3,
  ctx: 4,
  msgId: 5,
  total: 6,
  offset: 7,
  flags: 8,
} as const;
export const RECORD_HEADER_BYTES = 40;
const HEADER_WORDS = RECORD_HEADER_BYTES / 4;

export const RecordKind = { data: 1, ack: 2 } as const;
export const RecordFlag = { synchronous: 1 } as const;

export interface RecordHeader {
  kind: number;
  src: number;
  tag: number;
  ctx: number;
  msgId: number;
  total: number;
  offset: number;
  flags: number;
}

export function ringHeaderBytes(slots: number): number {
  return (WAITERS + slots) * 4;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

export class Ring {
  private readonly h: Int32Array;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  private readonly words: Int32Array;
  readonly capacity: number;

  constructor(
    header: SharedArrayBuffer,
    data: SharedArrayBuffer,
    private readonly slots: number,
  ) {
    this.h = new Int32Array(header);
    this.bytes = new Uint8Array(data);
    this.view = new DataView(data);
    this.words = new Int32Array(data);
    this.capacity = data.byteLength;
  }

  /** Largest payload one record may carry in this ring. */
  get maxPayload(): number {
    return Math.floor(this.capacity / 4) - RECORD_HEADER_BYTES;
  }

  private lock(): void {
    while (Atomics.compareExchange(this.h, LOCK, 0, 1) !== 0) {
      // Holders only copy one record; spinning is cheaper than sleeping here.
    }
  }

  private unlock(): void {
    Atomics.store(this.h, LOCK, 0);
  }

  /**
   * Appends a record: the header, then `len` payload bytes copied from `source` at `from` (or,
   * without a header, an already encoded record). Returns false, with the writer's waiter flag
   * raised, when there is no room. Taking the payload as (source, from, len) rather than as a
   * view lets a sender copy straight out of its linear memory without allocating per message;
   * `sourceView`, a DataView of the same bytes, makes short copies faster (bytes.ts).
   */
  tryWrite(
    writerSlot: number,
    header: RecordHeader | undefined,
    source: Uint8Array,
    from = 0,
    len = source.length - from,
    sourceView?: DataView,
  ): boolean {
    const recordLen = header === undefined ? len : RECORD_HEADER_BYTES + len;
    const need = align8(recordLen);
    this.lock();
    const tail = this.h[TAIL] as number;
    const pad = tail + need > this.capacity ? this.capacity - tail : 0;
    const free = this.capacity - Atomics.load(this.h, USED);
    if (need + pad > free) {
      // Raise the flag, then look again: either the consumer sees the flag or we see its space.
      Atomics.store(this.h, WAITERS + writerSlot, 1);
      if (need + pad > this.capacity - Atomics.load(this.h, USED)) {
        this.unlock();
        return false;
      }
      Atomics.store(this.h, WAITERS + writerSlot, 0);
    }
    if (pad > 0) this.words[tail >> 2] = WRAP;
    const at = pad > 0 ? 0 : tail;
    if (header === undefined) {
      copyBytes(this.bytes, at, source, from, len);
      this.words[(at >> 2) + Rec.len] = recordLen;
    } else {
      const w = at >> 2;
      this.words[w + Rec.len] = recordLen;
      this.words[w + Rec.kind] = header.kind;
      this.words[w + Rec.src] = header.src;
      this.words[w + Rec.tag] = header.tag;
      this.words[w + Rec.ctx] = header.ctx;
      this.words[w + Rec.msgId] = header.msgId;
      this.words[w + Rec.total] = header.total;
      this.words[w + Rec.offset] = header.offset;
      this.words[w + Rec.flags] = header.flags;
      this.words[w + 9] = 0;
      if (sourceView !== undefined && len <= SHORT_COPY) {
        copyShort(this.view, at + RECORD_HEADER_BYTES, sourceView, from, len);
      } else {
        copyBytes(this.bytes, at + RECORD_HEADER_BYTES, source, from, len);
      }
    }
    this.h[TAIL] = (at + need) % this.capacity;
    Atomics.add(this.h, USED, need + pad);
    // Nothing above can throw (indices are in range by construction), so no try/finally: it
    // kept this hot path out of the optimising compiler's cheapest form.
    this.unlock();
    return true;
  }

  /** True when records are waiting. */
  get pending(): boolean {
    return Atomics.load(this.h, USED) !== 0;
  }

  /**
   * Hands every complete record to visit(wordIndex, byteOffset) in arrival order, then frees
   * their space and wakes producers that were waiting for room. Only the owning rank calls this.
   */
  drain(control: Control, visit: (word: number, at: number) => void): number {
    const available = Atomics.load(this.h, USED);
    if (available === 0) return 0;
    let head = this.h[HEAD] as number;
    let consumed = 0;
    let records = 0;
    while (consumed < available) {
      const len = this.words[head >> 2] as number;
      if (len === WRAP) {
        consumed += this.capacity - head;
        head = 0;
        continue;
      }
      visit(head >> 2, head);
      records++;
      const step = align8(len);
      consumed += step;
      head = (head + step) % this.capacity;
    }
    this.h[HEAD] = head;
    Atomics.sub(this.h, USED, consumed);
    for (let s = 0; s < this.slots; s++) {
      if (Atomics.load(this.h, WAITERS + s) !== 0) {
        Atomics.store(this.h, WAITERS + s, 0);
        control.ring(s);
      }
    }
    return records;
  }

  /** Reads one header word of the record at word index w. */
  word(w: number, field: number): number {
    return this.words[w + field] as number;
  }
}

/** Encodes a record (header + payload) for sending to another host. */
export function encodeRecord(header: RecordHeader, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER_BYTES + payload.length);
  const w = new Int32Array(out.buffer, 0, HEADER_WORDS);
  w[Rec.len] = out.length;
  w[Rec.kind] = header.kind;
  w[Rec.src] = header.src;
  w[Rec.tag] = header.tag;
  w[Rec.ctx] = header.ctx;
  w[Rec.msgId] = header.msgId;
  w[Rec.total] = header.total;
  w[Rec.offset] = header.offset;
  w[Rec.flags] = header.flags;
  out.set(payload, RECORD_HEADER_BYTES);
  return out;
}

/**
 * Splits an encoded data record into records whose payload fits maxPayload (fragments of the same
 * message, offsets moved on), for an inbox smaller than the sending host's fragments.
 */
export function splitRecord(record: Uint8Array, maxPayload: number): Uint8Array[] {
  const payloadLen = record.length - RECORD_HEADER_BYTES;
  if (payloadLen <= maxPayload) return [record];
  const header = new Int32Array(
    record.buffer.slice(record.byteOffset, record.byteOffset + RECORD_HEADER_BYTES),
  );
  const pieces: Uint8Array[] = [];
  for (let from = 0; from < payloadLen; from += maxPayload) {
    const len = Math.min(maxPayload, payloadLen - from);
    const piece = new Uint8Array(RECORD_HEADER_BYTES + len);
    const w = new Int32Array(piece.buffer, 0, HEADER_WORDS);
    w.set(header);
    w[Rec.len] = piece.length;
    w[Rec.offset] = (header[Rec.offset] as number) + from;
    piece.set(
      record.subarray(RECORD_HEADER_BYTES + from, RECORD_HEADER_BYTES + from + len),
      RECORD_HEADER_BYTES,
    );
    pieces.push(piece);
  }
  return pieces;
}

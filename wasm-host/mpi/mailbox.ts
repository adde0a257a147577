// Mailboxes: two cache lines per ordered pair of ranks on a host, for small eager messages (what
// OpenMPI's shared-memory transport calls a fast box). A message through an inbox ring touches
// the ring's header line (its lock, tail and fill count, which the receiver also writes), the
// record's line and the receiver's doorbell line, each moving between cores: in a two-thread
// ping-pong measured by hand that was 0.26-0.29 us one way, against 0.09-0.12 us for one line
// that the sender fills and the receiver empties, and 0.06 us for a bare Atomics ping-pong. Boxes
// of one line (32 bytes of payload) left 64-byte messages on the ring at twice the time of 8-byte
// ones; with two lines (96 bytes) a 64-byte message took 1.2-1.5x an 8-byte one. Nine lines (544
// bytes) take 128-512-byte messages off the ring too: 0.73-0.80 -> 0.52-0.61 us one way. A
// message moves only the lines it fills; the price is memory, S² boxes for S local ranks.
//
// A box holds one message of up to `payload` bytes, written by its one sender and emptied
// by its one receiver: FULL is the handover (seq-cst store after the fields, load before them).
// A sender that finds its box still full uses the ring instead. The receiver keeps MPI's
// non-overtaking order between the two paths by message id (transport.ts): message ids of one
// sender only grow, a box is used only when nothing earlier to that receiver is still queued, and
// the receiver takes a box before any later ring record of the same sender.

import { copyBytes, copyShort, SHORT_COPY } from "./bytes.js";
import { mailboxBytes, mailboxOffset } from "./shared-layout.js";

const FULL = 0;
const SRC = 1;
const TAG = 2;
const CTX = 3;
const MSG_ID = 4;
const LEN = 5;
const PAYLOAD_WORD = 8;

export class Mailboxes {
  private readonly words: Int32Array;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Words of one box. */
  private readonly boxWords: number;
  /** Payload bytes a box carries: the rest of its lines after the fields. */
  readonly payload: number;

  constructor(
    control: SharedArrayBuffer,
    private readonly localCount: number,
  ) {
    const at = mailboxOffset(localCount);
    const boxBytes = mailboxBytes(localCount);
    this.boxWords = boxBytes / 4;
    this.payload = boxBytes - PAYLOAD_WORD * 4;
    const length = localCount * localCount * boxBytes;
    if (control.byteLength < at + length) throw new Error("control block too small for the mailboxes");
    this.words = new Int32Array(control, at, length / 4);
    this.bytes = new Uint8Array(control, at, length);
    this.view = new DataView(control, at, length);
  }

  /** Word index of the box from slot `from` to slot `to`; a receiver's boxes are contiguous. */
  box(from: number, to: number): number {
    return (to * this.localCount + from) * this.boxWords;
  }

  /** Writes a message into the box if it is empty; false (nothing written) if it is full. */
  tryPut(
    box: number,
    src: number,
    tag: number,
    ctx: number,
    msgId: number,
    source: Uint8Array,
    from: number,
    len: number,
    sourceView?: DataView,
  ): boolean {
    const w = this.words;
    if (Atomics.load(w, box + FULL) !== 0) return false;
    w[box + SRC] = src;
    w[box + TAG] = tag;
    w[box + CTX] = ctx;
    w[box + MSG_ID] = msgId;
    w[box + LEN] = len;
    if (sourceView !== undefined && len <= SHORT_COPY)
      copyShort(this.view, (box + PAYLOAD_WORD) * 4, sourceView, from, len);
    else copyBytes(this.bytes, (box + PAYLOAD_WORD) * 4, source, from, len);
    Atomics.store(w, box + FULL, 1);
    return true;
  }

  isFull(box: number): boolean {
    return Atomics.load(this.words, box + FULL) !== 0;
  }

  /** True if any box addressed to slot `to` holds a message. */
  anyFullFor(to: number): boolean {
    const first = this.box(0, to);
    for (let s = 0; s < this.localCount; s++) {
      if (Atomics.load(this.words, first + s * this.boxWords + FULL) !== 0) return true;
    }
    return false;
  }

  src(box: number): number {
    return this.words[box + SRC] as number;
  }
  tag(box: number): number {
    return this.words[box + TAG] as number;
  }
  ctx(box: number): number {
    return this.words[box + CTX] as number;
  }
  msgId(box: number): number {
    return this.words[box + MSG_ID] as number;
  }
  len(box: number): number {
    return this.words[box + LEN] as number;
  }
  /** Byte offset of the payload in `bytes`. */
  payloadAt(box: number): number {
    return (box + PAYLOAD_WORD) * 4;
  }

  /** Hands the box back to its sender, once its message has been copied out. */
  empty(box: number): void {
    Atomics.store(this.words, box + FULL, 0);
  }
}

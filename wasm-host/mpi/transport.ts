// Point-to-point message passing of one rank: MPI matching (context, source, tag, with wildcards,
// in non-overtaking order), eager sends split into fragments, synchronous-send acknowledgements,
// and the blocking wait that keeps progressing while it waits so that no pattern of
// nonblocking calls can deadlock on full inboxes.
//
// Copies: a send copies from the sender's linear memory into the receiver's inbox ring (or, for
// a small message, its mailbox from this sender: mailbox.ts); a receive that was posted before
// the message arrived copies from there straight into the receiver's linear memory. Only
// unexpected messages take a third copy through a staging buffer.

import { availableParallelism } from "node:os";
import { ANY_SOURCE, ANY_TAG } from "./abi.js";
import { copyBytes, copyShort, SHORT_COPY } from "./bytes.js";
import { MpiJobAborted } from "./errors.js";
import { Mailboxes } from "./mailbox.js";
import type { LinearMemory } from "./memory.js";
import type { MpiRankData, RankToRouter } from "./protocol.js";
import {
  encodeRecord,
  RECORD_HEADER_BYTES,
  Rec,
  RecordFlag,
  type RecordHeader,
  RecordKind,
  Ring,
} from "./ring.js";
import { Control, type RankState } from "./shared-layout.js";
import { UnexpectedMessages } from "./unexpected.js";

/** What identifies a message and its size, from its first record. */
interface MessageHead {
  readonly src: number;
  readonly tag: number;
  readonly ctx: number;
  readonly msgId: number;
  readonly sync: boolean;
  readonly total: number;
}

/** A message being received: from its first fragment until it is complete. */
export interface Incoming extends MessageHead {
  got: number;
  /** Staging copy; undefined when fragments go straight into linear memory. */
  data: Uint8Array | undefined;
  /** Where fragments go directly, or -1. */
  directPtr: number;
  recv: PostedRecv | undefined;
  complete: boolean;
}

export interface PostedRecv {
  readonly ctx: number;
  /** World rank or ANY_SOURCE. */
  readonly src: number;
  readonly tag: number;
  /**
   * Bits of the tag that must match (default all). Collectives tag their messages with a
   * sequence number and the collective's kind, and match on the sequence number only.
   */
  readonly tagMask: number;
  /** Linear-memory address for a dense receive buffer, or -1 to stage. */
  readonly directPtr: number;
  /** Bytes the receive buffer holds. */
  readonly capacity: number;
  /** Called once the whole message is here. */
  readonly onComplete: (msg: Incoming) => void;
}

/**
 * Data to send: bytes of our own, or a range of linear memory read when each fragment goes out.
 * One object shape for both (fromMemory/ownBytes below), so the hot paths that read it stay
 * monomorphic: a second shape, first met at the first collective, made V8 deoptimise them.
 */
export interface SendSource {
  readonly bytes: Uint8Array | undefined;
  readonly ptr: number;
  readonly len: number;
}

export function fromMemory(ptr: number, len: number): SendSource {
  return { bytes: undefined, ptr, len };
}

export function ownBytes(bytes: Uint8Array): SendSource {
  return { bytes, ptr: 0, len: bytes.length };
}

export interface Outgoing {
  readonly dest: number;
  readonly ctx: number;
  readonly tag: number;
  readonly msgId: number;
  readonly sync: boolean;
  readonly source: SendSource;
  readonly total: number;
  sent: number;
  /** All fragments are out: the send buffer may be reused. */
  written: boolean;
  /** The receiver matched it (synchronous sends only). */
  acked: boolean;
}

/** An unexpected message kept in a snapshot (migration.ts): complete, with its payload. */
export interface SavedMessage extends MessageHead {
  readonly data: Uint8Array;
}

/** The transport of a quiescent rank, for a snapshot. */
export interface SavedTransport {
  readonly unexpected: readonly SavedMessage[];
  readonly nextMsgId: number;
}

export interface TransportHost {
  postToHost(message: RankToRouter, transfer?: ArrayBuffer[]): void;
}

/**
 * How long a waiting rank polls its doorbell before it sleeps in Atomics.wait, as MPI libraries
 * busy-poll. Waking a sleeping thread cost 50-70 us here, and a rank that slept lost cache and
 * clock besides: in a two-rank stencil whose ranks reach each step's exchange 0.1-0.3 ms apart, a
 * 50 us poll made every exchange a wake-up (0.43-0.48 s for 500 steps), a 1-5 ms poll none
 * (0.24-0.36 s). A granule owns its vCPU, so polling on it takes nothing from other granules; the
 * poll is still bounded, so that a rank waiting long (for a serial phase of rank 0) sleeps.
 *
 * That holds while every message comes from a rank of this host. When the job spans hosts, the
 * host's main thread delivers messages from the others, and ranks polling for milliseconds took
 * its core: a cross-host ping-pong of 1 MiB went from 0.5 to 2 ms. Such jobs poll 50 us.
 */
const SPIN_MS = Number(process.env.GRANNY_MPI_SPIN_MS ?? 2);
const ACROSS_HOSTS_SPIN_MS = Math.min(SPIN_MS, 0.05);
const EMPTY = new Uint8Array(0);
/**
 * With more ranks on this host than cores, a polling rank takes the core its partner needs
 * (OpenMPI yields in that case too): poll only briefly before sleeping.
 */
const OVERSUBSCRIBED_SPIN_MS = 0.005;
const SPIN_CHECKS_PER_CLOCK = 64;

function oversubscribed(data: MpiRankData): boolean {
  return data.localCount > availableParallelism();
}

/** How long a waiting rank polls before it sleeps, for this placement (see above). */
function spinMsFor(data: MpiRankData): number {
  if (oversubscribed(data)) return OVERSUBSCRIBED_SPIN_MS;
  return data.hostNames.length > 1 ? ACROSS_HOSTS_SPIN_MS : SPIN_MS;
}

export class RankTransport {
  readonly me: number;
  /** More ranks of this job on this host than cores: waits poll only briefly, then sleep. */
  oversubscribed: boolean;
  // Not readonly: rebind() points a parked rank at its host's new shared memory (migration).
  control: Control;
  private slot: number;
  private rings: Ring[];
  private inbox: Ring;
  private boxes: Mailboxes;
  /** Per sending slot: a full mailbox was seen before the current drain, and its message id. */
  private mailboxSeen: Uint8Array;
  private mailboxSeenId: Int32Array;
  private readonly posted: PostedRecv[] = [];
  private readonly unexpected = new UnexpectedMessages<Incoming>();
  /** The message each source is in the middle of sending us (fragments arrive in order). */
  private readonly partial = new Map<number, Incoming>();
  private readonly outQueues = new Map<number, Outgoing[]>();
  private readonly awaitingAck = new Map<number, Outgoing>();
  private nextMsgId = 1;
  /** The rank's linear memory, where direct sends read and direct receives write. */
  private readonly linear: LinearMemory;
  /** Header of the record being written; reused, records are written one at a time. */
  private readonly header: RecordHeader = {
    kind: 0,
    src: 0,
    tag: 0,
    ctx: 0,
    msgId: 0,
    total: 0,
    offset: 0,
    flags: 0,
  };

  /** @param linear the rank's view of its linear memory (shared with its host calls) */
  constructor(
    public data: MpiRankData,
    private readonly host: TransportHost,
    linear: LinearMemory,
  ) {
    this.me = data.worldRank;
    this.linear = linear;
    this.oversubscribed = oversubscribed(data);
    this.spinMs = spinMsFor(data);
    const bound = RankTransport.bind(data);
    this.control = bound.control;
    this.slot = bound.slot;
    this.rings = bound.rings;
    this.inbox = bound.inbox;
    this.boxes = bound.boxes;
    this.mailboxSeen = new Uint8Array(data.localCount);
    this.mailboxSeenId = new Int32Array(data.localCount);
    // The new placement may put more or fewer ranks here, or all of them.
    this.oversubscribed = oversubscribed(data);
    this.spinMs = spinMsFor(data);
  }

  private static bind(data: MpiRankData): {
    control: Control;
    slot: number;
    rings: Ring[];
    inbox: Ring;
    boxes: Mailboxes;
  } {
    const control = new Control(data.control, data.localCount);
    const slot = data.slotOfRank[data.worldRank];
    if (slot === undefined || slot < 0)
      throw new Error(`rank ${data.worldRank} has no slot on ${data.hostName}`);
    const rings = data.rings.map((r) => new Ring(r.header, r.data, data.localCount + 1));
    const inbox = rings[slot];
    if (inbox === undefined) throw new Error(`no inbox for slot ${slot}`);
    return { control, slot, rings, inbox, boxes: new Mailboxes(data.control, data.localCount) };
  }

  // ---- migration (migration.ts): only at a quiescent cut ----

  /** Bytes this rank sent to other hosts that are not yet in their receivers' inboxes. */
  get inflightBytes(): number {
    return this.control.inflight(this.slot);
  }

  /** Records this rank still has to write (queued sends or acknowledgements). */
  get sendsQueued(): boolean {
    return this.outQueues.size > 0 || this.pendingAcks.length > 0;
  }

  /**
   * Nothing of this rank's own communication may be in progress, nor (leaving) in its inbox.
   * With `routesOnly`, posted receives and sends awaiting an acknowledgement are allowed: they
   * are matching state that a change of routes does not touch.
   */
  private checkQuiescent(what: string, leaving?: Ring, routesOnly = false): void {
    const busy =
      (!routesOnly && this.posted.length > 0) ||
      this.partial.size > 0 ||
      this.outQueues.size > 0 ||
      (!routesOnly && this.awaitingAck.size > 0) ||
      this.pendingAcks.length > 0 ||
      this.inboxNotEmpty(leaving);
    if (busy) {
      const state = `posted ${this.posted.length}, partial ${this.partial.size}, queued ${this.outQueues.size}, awaiting acks ${this.awaitingAck.size}, acks to send ${this.pendingAcks.length}, inbox ${this.inboxNotEmpty(leaving) ? "not empty" : "empty"}`;
      throw new Error(
        `MPI transport of rank ${this.me}: cannot ${what} with communication in progress (${state})`,
      );
    }
  }

  /** Records in the ring, or (for this rank's own inbox) a message in one of its mailboxes. */
  private inboxNotEmpty(ring: Ring | undefined): boolean {
    if (ring === undefined) return false;
    return ring.pending || (ring === this.inbox && this.boxes.anyFullFor(this.slot));
  }

  save(): SavedTransport {
    this.checkQuiescent("save its state", this.inbox);
    return {
      unexpected: this.unexpected.toArray().map((m) => ({
        src: m.src,
        tag: m.tag,
        ctx: m.ctx,
        msgId: m.msgId,
        sync: m.sync,
        total: m.total,
        data: m.data ?? new Uint8Array(0),
      })),
      nextMsgId: this.nextMsgId,
    };
  }

  /** Puts back the unexpected messages of a snapshot, in their order, before the rank resumes. */
  restore(saved: SavedTransport): void {
    this.checkQuiescent("restore a saved state");
    for (const m of saved.unexpected) {
      this.unexpected.push({
        ...m,
        got: m.total,
        data: m.data,
        directPtr: -1,
        recv: undefined,
        complete: true,
      });
    }
    this.nextMsgId = saved.nextMsgId;
  }

  /** Switches a parked rank to the shared memory of its host under a new placement. */
  rebind(data: MpiRankData): void {
    if (data.worldRank !== this.me)
      throw new Error(`rebinding rank ${this.me} with rank ${data.worldRank}'s data`);
    const bound = RankTransport.bind(data);
    this.checkQuiescent("change placement", undefined, true);
    // Ranks released before this one may already have written to its inbox if it is the same
    // ring under the new placement (a SharedArrayBuffer that crossed threads has no identity to
    // compare); take those records now, in order. A ring it leaves is empty since quiesce().
    this.inbox.drain(this.control, this.visitRecord);
    this.data = data;
    this.control = bound.control;
    this.slot = bound.slot;
    this.rings = bound.rings;
    this.inbox = bound.inbox;
    // Mailboxes are not drained first: quiesce() emptied this rank's, and under the new placement
    // the boxes at its old indices may belong to other pairs of ranks already released.
    this.boxes = bound.boxes;
    this.mailboxSeen = new Uint8Array(data.localCount);
    this.mailboxSeenId = new Int32Array(data.localCount);
  }

  /** Tells the router this rank called MPI_Init (see router.noteUninitializedExit). */
  reportInitialized(): void {
    this.host.postToHost({ type: "mpi.initialized", rank: this.me });
  }

  /** Tells the router this rank is parked at a held barrier. */
  reportHeld(): void {
    this.host.postToHost({ type: "mpi.held", rank: this.me });
  }

  setState(state: (typeof RankState)[keyof typeof RankState]): void {
    this.control.setState(this.slot, state);
  }

  // ---- sending ----

  /** Queues a message; it goes out as far as inboxes have room, the rest on later progress. */
  send(dest: number, ctx: number, tag: number, source: SendSource, sync: boolean): Outgoing {
    const total = source.len;
    const out: Outgoing = {
      dest,
      ctx,
      tag,
      msgId: this.nextMsgId++,
      sync,
      source,
      total,
      sent: 0,
      written: false,
      acked: !sync,
    };
    if (sync) this.awaitingAck.set(out.msgId, out);
    let queue = this.outQueues.get(dest);
    if (queue === undefined) {
      // Nothing queued for dest: a small eager message to a rank of this host goes into its
      // mailbox from us if that is empty; otherwise write what fits now, queue what does not.
      if (!sync && total <= this.boxes.payload && this.tryMailbox(out)) return out;
      this.pushMessage(out, this.fragmentLimit(dest));
      if (out.written) return out;
      queue = [];
      this.outQueues.set(dest, queue);
    }
    queue.push(out);
    if (queue.length === 1) this.pushQueue(dest, queue);
    return out;
  }

  private tryMailbox(out: Outgoing): boolean {
    const slot = this.data.slotOfRank[out.dest] ?? -1;
    if (slot < 0) return false;
    const own = out.source.bytes;
    const source = own ?? this.linear.u8();
    const from = own === undefined ? out.source.ptr : 0;
    const view = own === undefined ? this.linear.dv() : undefined;
    const box = this.boxes.box(this.slot, slot);
    if (!this.boxes.tryPut(box, this.me, out.tag, out.ctx, out.msgId, source, from, out.total, view)) {
      return false;
    }
    out.sent = out.total;
    out.written = true;
    this.control.wakeIfSleeping(slot);
    return true;
  }

  private fragmentLimit(dest: number): number {
    const slot = this.data.slotOfRank[dest] ?? -1;
    if (slot < 0) return this.data.remoteFragmentBytes;
    return (this.rings[slot] as Ring).maxPayload;
  }

  /** Writes as many fragments of one message as fit; true if any went out. */
  private pushMessage(out: Outgoing, limit: number): boolean {
    let moved = false;
    const h = this.header;
    while (!out.written) {
      const len = Math.min(limit, out.total - out.sent);
      h.kind = RecordKind.data;
      h.src = this.me;
      h.tag = out.tag;
      h.ctx = out.ctx;
      h.msgId = out.msgId;
      h.total = out.total;
      h.offset = out.sent;
      h.flags = out.sync ? RecordFlag.synchronous : 0;
      const own = out.source.bytes;
      const source = own ?? this.linear.u8();
      const from = own === undefined ? out.source.ptr + out.sent : out.sent;
      const view = own === undefined ? this.linear.dv() : undefined;
      if (!this.writeRecord(out.dest, h, source, from, len, view)) return moved;
      moved = true;
      out.sent += len;
      if (out.sent >= out.total) out.written = true;
    }
    return moved;
  }

  /** Writes as many fragments of the destination's queue as fit. */
  private pushQueue(dest: number, queue: Outgoing[]): boolean {
    let moved = false;
    const limit = this.fragmentLimit(dest);
    for (;;) {
      const out = queue[0];
      if (out === undefined) break;
      if (this.pushMessage(out, limit)) moved = true;
      if (!out.written) return moved;
      queue.shift();
    }
    return moved;
  }

  private writeRecord(
    dest: number,
    header: RecordHeader,
    source: Uint8Array,
    from: number,
    len: number,
    sourceView?: DataView,
  ): boolean {
    const slot = this.data.slotOfRank[dest] ?? -1;
    if (slot >= 0) {
      const ring = this.rings[slot] as Ring;
      if (!ring.tryWrite(this.slot, header, source, from, len, sourceView)) return false;
      this.control.ring(slot);
      return true;
    }
    const size = RECORD_HEADER_BYTES + len;
    const inflight = this.control.inflight(this.slot);
    if (inflight > 0 && inflight + size > this.data.inflightLimit) return false;
    const record = encodeRecord(header, source.subarray(from, from + len));
    this.control.addInflight(this.slot, size);
    this.host.postToHost({ type: "mpi.remote", dest, record }, [record.buffer as ArrayBuffer]);
    return true;
  }

  private pushAll(): boolean {
    let moved = false;
    for (const [dest, queue] of this.outQueues) {
      if (queue.length > 0 && this.pushQueue(dest, queue)) moved = true;
      if (queue.length === 0) this.outQueues.delete(dest);
    }
    return moved;
  }

  get sendsPending(): boolean {
    return this.outQueues.size > 0 || this.awaitingAck.size > 0 || this.pendingAcks.length > 0;
  }

  // ---- receiving ----

  /** Posts a receive; it may complete at once from the unexpected queue. */
  post(recv: PostedRecv): void {
    const msg = this.unexpected.take((m) => matches(recv, m), recv.src === ANY_SOURCE ? undefined : recv.src);
    if (msg === undefined) {
      this.posted.push(recv);
      return;
    }
    this.bind(msg, recv);
    if (msg.complete) recv.onComplete(msg);
  }

  /** Removes a posted receive that has not matched (MPI_Cancel). */
  cancel(recv: PostedRecv): boolean {
    const i = this.posted.indexOf(recv);
    if (i < 0) return false;
    removeAt(this.posted, i);
    return true;
  }

  /** The first unexpected message that satisfies `test`. */
  findUnexpected(test: (m: Incoming) => boolean): Incoming | undefined {
    return this.unexpected.find(test);
  }

  /** The first unexpected message a receive with these arguments would match (MPI_Probe). */
  peek(ctx: number, src: number, tag: number): Incoming | undefined {
    return this.findUnexpected((m) => matches({ ctx, src, tag, tagMask: -1 }, m));
  }

  private bind(msg: Incoming, recv: PostedRecv): void {
    msg.recv = recv;
    if (msg.sync) this.sendAck(msg);
  }

  /** Tells a synchronous sender that its message was matched. */
  private sendAck(msg: Incoming): void {
    const header: RecordHeader = {
      kind: RecordKind.ack,
      src: this.me,
      tag: 0,
      ctx: msg.ctx,
      msgId: msg.msgId,
      total: 0,
      offset: 0,
      flags: 0,
    };
    // An ack that finds the sender's inbox full waits here, so it is never lost; order with
    // data does not matter (acks are matched by message id).
    if (this.pendingAcks.length === 0 && this.writeRecord(msg.src, header, EMPTY, 0, 0)) return;
    this.pendingAcks.push({ dest: msg.src, header });
  }

  private readonly pendingAcks: { readonly dest: number; readonly header: RecordHeader }[] = [];

  private flushAcks(): boolean {
    let moved = false;
    while (this.pendingAcks.length > 0) {
      const first = this.pendingAcks[0] as { dest: number; header: RecordHeader };
      if (!this.writeRecord(first.dest, first.header, EMPTY, 0, 0)) break;
      this.pendingAcks.shift();
      moved = true;
    }
    return moved;
  }

  private readonly visitRecord = (w: number, at: number): void => {
    const ring = this.inbox;
    const kind = ring.word(w, Rec.kind);
    const src = ring.word(w, Rec.src);
    if (kind === RecordKind.ack) {
      const out = this.awaitingAck.get(ring.word(w, Rec.msgId));
      if (out !== undefined) {
        out.acked = true;
        this.awaitingAck.delete(out.msgId);
      }
      return;
    }
    const len = ring.word(w, Rec.len) - RECORD_HEADER_BYTES;
    const offset = ring.word(w, Rec.offset);
    let msg: Incoming | undefined;
    if (offset === 0) {
      const msgId = ring.word(w, Rec.msgId);
      this.takeEarlierMailbox(src, msgId);
      msg = this.startMessage(
        src,
        ring.word(w, Rec.tag),
        ring.word(w, Rec.ctx),
        msgId,
        (ring.word(w, Rec.flags) & RecordFlag.synchronous) !== 0,
        ring.word(w, Rec.total),
      );
    } else {
      msg = this.partial.get(src);
      if (msg === undefined) throw new Error(`MPI transport: fragment from rank ${src} without its start`);
    }
    this.addFragment(msg, offset, ring.bytes, ring.view, at + RECORD_HEADER_BYTES, len);
  };

  /** Matches a message's first fragment against posted receives, or queues it as unexpected. */
  private startMessage(
    src: number,
    tag: number,
    ctx: number,
    msgId: number,
    sync: boolean,
    total: number,
  ): Incoming {
    const msg: Incoming = {
      src,
      tag,
      ctx,
      msgId,
      sync,
      total,
      got: 0,
      data: undefined,
      directPtr: -1,
      recv: undefined,
      complete: false,
    };
    const i = this.firstPostedMatch(msg);
    if (i >= 0) {
      const recv = this.posted[i] as PostedRecv;
      removeAt(this.posted, i);
      if (recv.directPtr >= 0 && msg.total <= recv.capacity) msg.directPtr = recv.directPtr;
      this.bind(msg, recv);
    } else {
      this.unexpected.push(msg);
    }
    if (msg.directPtr < 0) msg.data = new Uint8Array(msg.total);
    return msg;
  }

  private addFragment(
    msg: Incoming,
    offset: number,
    bytes: Uint8Array,
    view: DataView,
    at: number,
    len: number,
  ): void {
    if (msg.directPtr >= 0 && len <= SHORT_COPY) {
      copyShort(this.linear.dv(), msg.directPtr + offset, view, at, len);
    } else if (msg.directPtr >= 0) {
      copyBytes(this.linear.u8(), msg.directPtr + offset, bytes, at, len);
    } else {
      copyBytes(msg.data as Uint8Array, offset, bytes, at, len);
    }
    msg.got += len;
    if (msg.got >= msg.total) {
      msg.complete = true;
      // Only a message of several fragments was ever in `partial`.
      if (offset !== 0) this.partial.delete(msg.src);
      if (msg.recv !== undefined) msg.recv.onComplete(msg);
    } else if (offset === 0) {
      this.partial.set(msg.src, msg);
    }
  }

  /** Takes the message in a mailbox, which is the whole message, then hands the box back. */
  private takeMailbox(box: number): void {
    const b = this.boxes;
    const len = b.len(box);
    const msg = this.startMessage(b.src(box), b.tag(box), b.ctx(box), b.msgId(box), false, len);
    this.addFragment(msg, 0, b.bytes, b.view, b.payloadAt(box), len);
    b.empty(box);
  }

  /**
   * Non-overtaking between the two paths: a ring record of a sender whose mailbox holds an
   * earlier message (smaller id, modulo 2^32) comes after that message.
   */
  private takeEarlierMailbox(src: number, msgId: number): void {
    const from = this.data.slotOfRank[src] ?? -1;
    if (from < 0 || from >= this.data.localCount) return;
    const box = this.boxes.box(from, this.slot);
    if (this.boxes.isFull(box) && ((this.boxes.msgId(box) - msgId) | 0) < 0) this.takeMailbox(box);
  }

  /**
   * Takes the mailbox messages seen before the last drain of the inbox (noted by
   * noteFullMailboxes), if still there: every ring record sent before them has been taken. A box
   * emptied during that drain may already hold a newer message, sent after ring records that
   * the drain did not reach; it waits for the next progress, which drains first.
   */
  private takeSeenMailboxes(): number {
    let taken = 0;
    const seen = this.mailboxSeen;
    for (let from = 0; from < seen.length; from++) {
      if (seen[from] === 0) continue;
      seen[from] = 0;
      const box = this.boxes.box(from, this.slot);
      if (this.boxes.isFull(box) && this.boxes.msgId(box) === this.mailboxSeenId[from]) {
        this.takeMailbox(box);
        taken++;
      }
    }
    return taken;
  }

  /** Notes the mailboxes to this rank that hold a message now; true if any does. */
  private noteFullMailboxes(): boolean {
    let any = false;
    for (let from = 0; from < this.mailboxSeen.length; from++) {
      const box = this.boxes.box(from, this.slot);
      if (!this.boxes.isFull(box)) continue;
      this.mailboxSeen[from] = 1;
      this.mailboxSeenId[from] = this.boxes.msgId(box);
      any = true;
    }
    return any;
  }

  private firstPostedMatch(msg: Incoming): number {
    const posted = this.posted;
    for (let i = 0; i < posted.length; i++) if (matches(posted[i] as PostedRecv, msg)) return i;
    return -1;
  }

  /**
   * Called after every progress step (set by the rank): advances nonblocking collectives, so
   * that they move inside any MPI call, as the progress rule of the standard asks.
   */
  afterProgress: (() => void) | undefined;

  /** Moves whatever can move: drains the inbox, pushes queued sends and acks. */
  progress(): boolean {
    let records = this.inbox.drain(this.control, this.visitRecord);
    // Ring records a sender wrote before filling its mailbox are visible once the box is seen
    // full: take them first (the drain also takes a mailbox ahead of its sender's later
    // records), then the messages seen.
    if (this.noteFullMailboxes()) {
      records += this.inbox.drain(this.control, this.visitRecord);
      records += this.takeSeenMailboxes();
    }
    const acks = this.pendingAcks.length > 0 && this.flushAcks();
    const sent = this.outQueues.size > 0 && this.pushAll();
    this.afterProgress?.();
    return records > 0 || acks || sent;
  }

  /**
   * Progresses until done() holds; fails fast when the job is aborted. `watch`, when given, is a
   * cheap test of shared memory whose writers ring no doorbell (the arrivals of
   * shm-collectives.ts): it is polled beside the doorbell, and asked once more after this rank
   * marks itself asleep, as the mailboxes are (its writers wake a sleeper with wakeIfSleeping).
   */
  waitUntil(done: () => boolean, watch?: () => boolean): void {
    const idle = watch === undefined ? this.mailboxesEmpty : (): boolean => this.mailboxesEmpty() && !watch();
    for (;;) {
      const seen = this.control.bell(this.slot);
      this.progress();
      if (done()) return;
      this.checkAbort();
      if (!this.spin(seen, watch)) this.control.sleep(this.slot, seen, undefined, idle);
    }
  }

  private spinMs: number;

  /** True when records or mailbox messages wait to be taken in by progress(). */
  get hasIncoming(): boolean {
    return this.inbox.pending || this.boxes.anyFullFor(this.slot);
  }

  private readonly mailboxesEmpty = (): boolean => !this.boxes.anyFullFor(this.slot);

  /** Polls the doorbell, the mailboxes (whose writers ring only a sleeper) and `watch` for spinMs. */
  private spin(seen: number, watch: (() => boolean) | undefined): boolean {
    const until = performance.now() + this.spinMs;
    for (;;) {
      for (let i = 0; i < SPIN_CHECKS_PER_CLOCK; i++) {
        if (this.control.bell(this.slot) !== seen || this.boxes.anyFullFor(this.slot)) return true;
        if (watch?.() === true) return true;
      }
      if (performance.now() > until) return false;
    }
  }

  checkAbort(): void {
    if (!this.control.aborted) return;
    while (!this.control.abortSettled()) {
      // the aborting thread is writing the reason; it takes microseconds
    }
    throw new MpiJobAborted(this.control.abortMessage());
  }

  /** Ends the job on every host: marks it here and tells the router, which tells the others. */
  abortJob(code: number, message: string): void {
    if (this.control.abort(code, message)) {
      this.host.postToHost({ type: "mpi.abort", rank: this.me, code, message });
    }
  }
}

function matches(recv: { ctx: number; src: number; tag: number; tagMask: number }, msg: Incoming): boolean {
  return (
    recv.ctx === msg.ctx &&
    (recv.src === ANY_SOURCE || recv.src === msg.src) &&
    (recv.tag === ANY_TAG || recv.tag === (msg.tag & recv.tagMask))
  );
}

/** Removes one element; the usual first one without splice's array of removed elements. */
function removeAt<T>(list: T[], i: number): void {
  if (i === 0) list.shift();
  else if (i === list.length - 1) list.pop();
  else list.splice(i, 1);
}

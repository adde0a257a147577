// The shared memory of one job on one host: a control block (doorbells, rank states, abort, the
// arrivals of world collectives, then the small-message mailboxes of mailbox.ts and the world
// collectives' contributions of shm-collectives.ts) and one inbox ring per local rank. Worker
// threads of the job's local ranks and the router on the host's main thread all map the same
// SharedArrayBuffers; nothing here is copied between them.

/** Per-slot words in the control block. Slot L (after the L local ranks) is the router. */
/** 64 bytes per slot, so that one rank's doorbell never shares a cache line with another's. */
export const SLOT_WORDS = 16;
const SLOT_BELL = 0;
const SLOT_STATE = 1;
const SLOT_INFLIGHT = 2;
const SLOT_SLEEPING = 3;
/**
 * World collectives of a job on one host (shm-collectives.ts): how many the slot's rank has
 * arrived at (0: none yet); per parity of that count, the hold flag it brought to a barrier, the
 * tag of what it called (kind | contribution bytes << 5) and the call's collective sequence
 * number plus one.
 */
const SLOT_SHARED_ARRIVAL = 4;
const SLOT_BARRIER_FLAG = 5;
const SLOT_COLL_TAG = 7;
const SLOT_COLL_SEQ = 9;
const CONTROL_HEAD_WORDS = 16;
const ABORT_FLAG = 0;
const ABORT_CODE = 1;
const ABORT_TEXT_LEN = 2;
/** Set by the router (holdBarrier) so that the job's next world barrier is held (migration). */
const BARRIER_HOLD = 3;
const ABORT_TEXT_BYTES = 2048;

/** MPI life of a local rank, as seen by its peers and the router. */
export const RankState = { created: 0, initialized: 1, finalized: 2, exited: 3 } as const;

/**
 * Bytes of one mailbox (mailbox.ts), one per ordered pair of local ranks: nine cache lines (544
 * bytes of payload) while the boxes of a job's host fit MAILBOX_BUDGET, then fewer lines as the
 * count of local ranks grows (the boxes grow with its square), never under two.
 */
export function mailboxBytes(localCount: number): number {
  const lines = Math.floor(MAILBOX_BUDGET / (localCount * localCount * 64));
  return Math.max(2, Math.min(9, lines)) * 64;
}

/** What the mailboxes of one job on one host may take together, before their boxes shrink. */
const MAILBOX_BUDGET = 4 * 1024 * 1024;

/** Where the mailboxes start in the control block: a multiple of 64, as every part before is. */
export function mailboxOffset(localCount: number): number {
  return (CONTROL_HEAD_WORDS + (localCount + 1) * SLOT_WORDS) * 4 + ABORT_TEXT_BYTES;
}

/** Bytes of one rank's contribution to a world collective through the control block, per parity. */
export const CONTRIBUTION_BYTES = 256;

/** Where the contributions start: after the mailboxes (a multiple of 64 again). */
export function contributionOffset(localCount: number): number {
  return mailboxOffset(localCount) + localCount * localCount * mailboxBytes(localCount);
}

export function controlBytes(localCount: number): number {
  return contributionOffset(localCount) + localCount * 2 * CONTRIBUTION_BYTES;
}

/** Typed views over the control block. */
export class Control {
  readonly words: Int32Array;
  private readonly text: Uint8Array;
  /** Every slot's contribution area, two parities each (contribution(slot, parity)). */
  private readonly contributions: Uint8Array;
  /** The same area as doubles and as 32-bit ints (contributionIndex). */
  readonly contributionF64: Float64Array;
  readonly contributionI32: Int32Array;
  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly localCount: number,
  ) {
    const intWords = CONTROL_HEAD_WORDS + (localCount + 1) * SLOT_WORDS;
    this.words = new Int32Array(buffer, 0, intWords);
    this.text = new Uint8Array(buffer, intWords * 4, ABORT_TEXT_BYTES);
    this.contributions = new Uint8Array(
      buffer,
      contributionOffset(localCount),
      localCount * 2 * CONTRIBUTION_BYTES,
    );
    // contributionOffset is a multiple of 64, so both views start aligned.
    this.contributionF64 = new Float64Array(
      buffer,
      contributionOffset(localCount),
      (localCount * CONTRIBUTION_BYTES) / 4,
    );
    this.contributionI32 = new Int32Array(
      buffer,
      contributionOffset(localCount),
      (localCount * CONTRIBUTION_BYTES) / 2,
    );
  }

  /** Index of the first element of width `bytes` of a slot's contribution, in the views above. */
  contributionIndex(slot: number, parity: number, bytes: number): number {
    return ((slot * 2 + parity) * CONTRIBUTION_BYTES) / bytes;
  }

  /** The slot's contribution area for world collectives of this parity (CONTRIBUTION_BYTES long). */
  contribution(slot: number, parity: number): Uint8Array {
    const at = (slot * 2 + parity) * CONTRIBUTION_BYTES;
    return this.contributions.subarray(at, at + CONTRIBUTION_BYTES);
  }

  private at(slot: number, word: number): number {
    return CONTROL_HEAD_WORDS + slot * SLOT_WORDS + word;
  }

  get routerSlot(): number {
    return this.localCount;
  }

  bellIndex(slot: number): number {
    return this.at(slot, SLOT_BELL);
  }

  bell(slot: number): number {
    return Atomics.load(this.words, this.at(slot, SLOT_BELL));
  }

  /** Wakes whoever sleeps on slot's doorbell; the syscall is skipped when nobody sleeps. */
  ring(slot: number): void {
    Atomics.add(this.words, this.at(slot, SLOT_BELL), 1);
    if (Atomics.load(this.words, this.at(slot, SLOT_SLEEPING)) !== 0) {
      Atomics.notify(this.words, this.at(slot, SLOT_BELL));
    }
  }

  /**
   * Blocks this thread until slot's doorbell moves from seen (or timeoutMs passes). `idle` is
   * asked once the thread is marked sleeping: a writer that does not ring (a mailbox) stores
   * its message and then reads the mark, so one of the two sees the other (wakeIfSleeping).
   */
  sleep(slot: number, seen: number, timeoutMs?: number, idle?: () => boolean): void {
    const sleeping = this.at(slot, SLOT_SLEEPING);
    Atomics.store(this.words, sleeping, 1);
    if (idle === undefined || idle()) Atomics.wait(this.words, this.at(slot, SLOT_BELL), seen, timeoutMs);
    Atomics.store(this.words, sleeping, 0);
  }

  /** Rings slot's doorbell only if its owner sleeps (after a write it would poll for anyway). */
  wakeIfSleeping(slot: number): void {
    if (Atomics.load(this.words, this.at(slot, SLOT_SLEEPING)) !== 0) this.ring(slot);
  }

  /** Marks the slot as sleeping for an async waiter (the router) so writers notify it. */
  setSleeping(slot: number, on: boolean): void {
    Atomics.store(this.words, this.at(slot, SLOT_SLEEPING), on ? 1 : 0);
  }

  state(slot: number): number {
    return Atomics.load(this.words, this.at(slot, SLOT_STATE));
  }

  setState(slot: number, state: number): void {
    Atomics.store(this.words, this.at(slot, SLOT_STATE), state);
  }

  inflight(slot: number): number {
    return Atomics.load(this.words, this.at(slot, SLOT_INFLIGHT));
  }

  addInflight(slot: number, bytes: number): void {
    Atomics.add(this.words, this.at(slot, SLOT_INFLIGHT), bytes);
  }

  /** How many world collectives through the control block this slot's rank has arrived at. */
  sharedArrival(slot: number): number {
    return Atomics.load(this.words, this.at(slot, SLOT_SHARED_ARRIVAL));
  }

  /** The collective sequence number (plus one) of the slot's world collective of this parity. */
  collectiveSeq(slot: number, parity: number): number {
    return Atomics.load(this.words, this.at(slot, SLOT_COLL_SEQ + parity));
  }

  /** The hold flag a slot's rank brought to the world barrier of this parity. */
  barrierFlag(slot: number, parity: number): number {
    return Atomics.load(this.words, this.at(slot, SLOT_BARRIER_FLAG + parity));
  }

  /** What the slot's rank called at the world collective of this parity (kind | bytes << 5). */
  collectiveTag(slot: number, parity: number): number {
    return Atomics.load(this.words, this.at(slot, SLOT_COLL_TAG + parity));
  }

  /**
   * Arrives at a world collective: flag and tag first (the contribution before this call), then
   * the arrival that publishes them.
   */
  arriveAtCollective(
    slot: number,
    arrivals: number,
    parity: number,
    flag: number,
    tag: number,
    seqPlusOne: number,
  ): void {
    Atomics.store(this.words, this.at(slot, SLOT_BARRIER_FLAG + parity), flag);
    Atomics.store(this.words, this.at(slot, SLOT_COLL_TAG + parity), tag);
    Atomics.store(this.words, this.at(slot, SLOT_COLL_SEQ + parity), seqPlusOne);
    Atomics.store(this.words, this.at(slot, SLOT_SHARED_ARRIVAL), arrivals);
  }

  get barrierHeld(): boolean {
    return Atomics.load(this.words, BARRIER_HOLD) !== 0;
  }

  setBarrierHold(on: boolean): void {
    Atomics.store(this.words, BARRIER_HOLD, on ? 1 : 0);
  }

  get aborted(): boolean {
    return Atomics.load(this.words, ABORT_FLAG) !== 0;
  }

  abortCode(): number {
    return Atomics.load(this.words, ABORT_CODE);
  }

  abortMessage(): string {
    const len = Atomics.load(this.words, ABORT_TEXT_LEN);
    return new TextDecoder().decode(this.text.slice(0, len));
  }

  /** Records the first abort of the job and wakes every local rank and the router. */
  abort(code: number, message: string): boolean {
    if (Atomics.compareExchange(this.words, ABORT_FLAG, 0, -1) !== 0) return false;
    const bytes = new TextEncoder().encode(message).slice(0, ABORT_TEXT_BYTES);
    this.text.set(bytes);
    Atomics.store(this.words, ABORT_TEXT_LEN, bytes.length);
    Atomics.store(this.words, ABORT_CODE, code);
    Atomics.store(this.words, ABORT_FLAG, 1);
    for (let s = 0; s <= this.localCount; s++) {
      Atomics.add(this.words, this.at(s, SLOT_BELL), 1);
      Atomics.notify(this.words, this.at(s, SLOT_BELL));
    }
    return true;
  }

  /** Waits for the abort text to be complete (the flag is -1 while it is being written). */
  abortSettled(): boolean {
    return Atomics.load(this.words, ABORT_FLAG) === 1;
  }
}

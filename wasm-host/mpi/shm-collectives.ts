// MPI_Barrier and small MPI_Allreduce on MPI_COMM_WORLD when every rank of the job runs on this
// host: each rank writes its contribution, its hold flag and what it called into its slot of the
// control block, then stores its arrival (how many such collectives it has arrived at), and
// waits until every slot shows an arrival at this one or a later one. Over messages the same barrier
// was a fan-in and a fan-out through rank 0, two one-way latencies and the collective machinery:
// 1.3-1.7 us for two ranks, against 0.15 us for OpenMPI's shared-memory barrier. An allreduce
// then folds every contribution in rank order on every rank (the same order everywhere, so the
// same result, and right for non-commutative operations).
//
// Why a later arrival counts: a rank that has seen everyone arrive may leave and reach the next
// one before a slower rank has looked. Why two parities: the flag, tag and contribution of the
// (k+2)th cannot be written before every rank has arrived at the (k+1)th, so after every rank has
// read those of the kth. These are counted apart from the communicator's collective sequence
// numbers: a collective over messages in between (a bcast whose root leaves at once) would let a
// rank reach the next number of the same parity while others still read (the first version had
// that bug; the conformance suite's ops.c caught it as mismatched sizes).
//
// Mismatched collectives are still an error rather than a hang, in every direction: ranks that
// meet at one arrival with different calls, sizes or sequence numbers see it in the tags; a
// rank here fails when a message of another collective with its sequence number reaches it (while
// it waits, and after it passes when a peer is already beyond: the peer sent that message before
// its next arrival); a rank in a collective over messages fails when a peer it waits for has
// arrived here with that collective's number (`worldCollectiveMismatch`).

import type { Reduction } from "./collective-algorithms.js";
import { type TypeInfo, unpack } from "./datatypes.js";
import { mpiError } from "./errors.js";
import { fold, Op } from "./ops.js";
import { COLL_KIND_BITS, COLLECTIVE_NAMES, Coll, type MpiRank } from "./rank.js";
import { CONTRIBUTION_BYTES } from "./shared-layout.js";
import type { CommState } from "./state.js";

const WORLD_CTX = 0;
/** Arrival counts wrap at 2^30; "at or after" is a half-range comparison on them. */
const COUNT_MASK = (1 << 30) - 1;
const HALF = 1 << 29;
const KIND_MASK = (1 << COLL_KIND_BITS) - 1;

/** True when c is MPI_COMM_WORLD and all of the job's ranks, more than one, are on this host. */
export function usesSharedMemoryCollectives(rank: MpiRank, c: CommState): boolean {
  return c.ctx === WORLD_CTX && rank.data.localCount === rank.data.worldSize && rank.data.worldSize > 1;
}

/** Whether an allreduce contributing this many bytes fits the control block. */
export function fitsSharedMemory(bytes: number): boolean {
  return bytes <= CONTRIBUTION_BYTES;
}

/** Waits for every rank at this world barrier (sequence number `seq`); returns the OR of their hold flags. */
export function sharedMemoryBarrier(rank: MpiRank, c: CommState, seq: number, hold: boolean): boolean {
  const parity = arriveAndWait(rank, seq, Coll.barrier, hold ? 1 : 0, takeArrival(c), 0, "MPI_Barrier");
  const control = rank.transport.control;
  const slots = rank.data.slotOfRank;
  let held = 0;
  for (let r = 0; r < slots.length; r++) held |= control.barrierFlag(slots[r] as number, parity);
  return held !== 0;
}

/** MPI_Allreduce of a contribution that fits CONTRIBUTION_BYTES; the result lands in recvbuf. */
export function sharedMemoryAllreduce(rank: MpiRank, r: Reduction): void {
  const control = rank.transport.control;
  const k = takeArrival(r.c);
  control.contribution(rank.data.slotOfRank[rank.worldRank] as number, k & 1).set(r.mine);
  const parity = arriveAndWait(rank, r.seq, Coll.allreduce, 0, k, r.mine.length, "MPI_Allreduce");
  const slots = rank.data.slotOfRank;
  const bytes = r.mine.length;
  const acc = control.contribution(slots[slots.length - 1] as number, parity).slice(0, bytes);
  for (let from = slots.length - 2; from >= 0; from--) {
    const part = control.contribution(slots[from] as number, parity).subarray(0, bytes);
    rank.applyOp(r.op, r.type, r.t, r.count, part, acc);
  }
  unpack(rank.mem.u8(), r.recvbuf, r.t, acc);
}

/** Element kinds and operations that wordAllreduce folds itself. */
export type WordKind = "f64" | "i32";

/**
 * Whether an allreduce can go through wordAllreduce: a predefined type of doubles or 32-bit ints,
 * SUM, MAX or MIN, a contribution that fits, and both buffers aligned to the element and inside
 * linear memory (of `memBytes`; the general path reports buffers outside it).
 */
export function wordAllreduceKind(
  t: TypeInfo,
  op: number,
  count: number,
  from: number,
  recvbuf: number,
  memBytes: number,
): WordKind | undefined {
  if (!t.predefined || t.lb !== 0 || t.size !== t.extent) return undefined;
  if (op !== Op.SUM && op !== Op.MAX && op !== Op.MIN) return undefined;
  const kind =
    t.basic === "f64" && t.size === 8 ? "f64" : t.basic === "i32" && t.size === 4 ? "i32" : undefined;
  if (kind === undefined || count <= 0 || count * t.size > CONTRIBUTION_BYTES) return undefined;
  const bytes = count * t.size;
  if (from < 0 || recvbuf < 0 || from + bytes > memBytes || recvbuf + bytes > memBytes) return undefined;
  return ((from | recvbuf) & (t.size - 1)) === 0 ? kind : undefined;
}

/**
 * MPI_Allreduce of `count` doubles or ints (wordAllreduceKind) from linear memory at `from` into
 * recvbuf, through the control block without a packed copy or views made per call: the general
 * path packed the contribution, sliced and viewed every part and unpacked the result, a dozen
 * small allocations for one double. The general path's own fold (ops.ts `fold`), in the same
 * order (rank n-1 first, then each lower rank's elements combined into it), so the results are
 * those of the general path. Ranks of one call may take different paths (alignment is each
 * rank's own): both put the same bytes in the control block, where a predefined type's packed
 * form is its elements.
 */
export function wordAllreduce(
  rank: MpiRank,
  c: CommState,
  seq: number,
  kind: WordKind,
  op: number,
  from: number,
  recvbuf: number,
  count: number,
): void {
  const control = rank.transport.control;
  const slots = rank.data.slotOfRank;
  const width = kind === "f64" ? 8 : 4;
  const k = takeArrival(c);
  const parity = k & 1;
  const me = slots[rank.worldRank] as number;
  const parts = kind === "f64" ? control.contributionF64 : control.contributionI32;
  const mem = kind === "f64" ? rank.mem.f64s() : rank.mem.i32s();
  const src = from / width;
  const mine = control.contributionIndex(me, parity, width);
  for (let i = 0; i < count; i++) parts[mine + i] = mem[src + i] as number;
  arriveAndWait(rank, seq, Coll.allreduce, 0, k, count * width, "MPI_Allreduce");
  // The wait makes progress, which can run a nonblocking collective's user-defined operation,
  // whose malloc can grow the memory: a view taken before may now be detached (writes to it
  // are lost without an error). recvbuf stays in bounds, as memory only grows.
  const out = kind === "f64" ? rank.mem.f64s() : rank.mem.i32s();
  // Fold rank by rank into recvbuf: every contribution is in the control block by now.
  const dst = recvbuf / width;
  const last = control.contributionIndex(slots[slots.length - 1] as number, parity, width);
  for (let i = 0; i < count; i++) out[dst + i] = parts[last + i] as number;
  for (let r = slots.length - 2; r >= 0; r--) {
    fold(op, parts, control.contributionIndex(slots[r] as number, parity, width), out, dst, count);
  }
}

/**
 * Fails a collective over messages on MPI_COMM_WORLD (sequence number `seq`) that waits for a
 * rank which arrived at a world collective through the control block with that same number.
 */
export function worldCollectiveMismatch(rank: MpiRank, c: CommState, seq: number, what: string): void {
  if (!usesSharedMemoryCollectives(rank, c)) return;
  const control = rank.transport.control;
  const slots = rank.data.slotOfRank;
  for (let r = 0; r < slots.length; r++) {
    const slot = slots[r] as number;
    const arrivals = control.sharedArrival(slot);
    if (arrivals === 0) continue;
    const parity = (arrivals - 1) & 1;
    if (control.collectiveSeq(slot, parity) !== seq + 1) continue;
    const tag = control.collectiveTag(slot, parity);
    const name = COLLECTIVE_NAMES[tag & KIND_MASK] ?? `collective ${tag & KIND_MASK}`;
    throw mpiError(
      "MPI_ERR_OTHER",
      name === what
        ? `${what}: rank ${r} contributed ${tag >>> COLL_KIND_BITS} bytes through shared memory, which does not match this rank's call (mismatched counts or types)`
        : `mismatched collectives: this rank is in ${what} while rank ${r} called ${name}`,
    );
  }
}

/**
 * This rank's next arrival at a world collective through the control block, counted from 0; its
 * parity says which contribution area to write before arriveAndWait.
 */
function takeArrival(c: CommState): number {
  const k = c.sharedSeq ?? 0;
  c.sharedSeq = (k + 1) & COUNT_MASK;
  return k;
}

/**
 * Publishes this rank's arrival `k` (takeArrival) at a world collective (sequence number `seq`),
 * its contribution of `bytes` already written, and waits for every rank's; then checks that all
 * called the same collective, as the same number, with contributions of the same size. Returns
 * the parity whose flags and contributions hold it.
 */
function arriveAndWait(
  rank: MpiRank,
  seq: number,
  kind: number,
  flag: number,
  k: number,
  bytes: number,
  what: string,
): number {
  const t = rank.transport;
  const control = t.control;
  const slots = rank.data.slotOfRank;
  const me = slots[rank.worldRank] as number;
  const parity = k & 1;
  const tag = kind | (bytes << COLL_KIND_BITS);
  control.arriveAtCollective(me, k + 1, parity, flag, tag, seq + 1);
  // A peer asleep here sees no arrival: wake it (it reads the arrivals after marking itself
  // asleep, and we read the mark after our arrival, so one of us sees the other).
  for (let r = 0; r < slots.length; r++) if (r !== rank.worldRank) control.wakeIfSleeping(slots[r] as number);
  let fresh = true;
  const allArrived = (): boolean => {
    fresh = true;
    for (let r = 0; r < slots.length; r++) {
      const arrivals = control.sharedArrival(slots[r] as number);
      if (!arrivedAt(arrivals, k)) return false;
      if (arrivals !== k + 1) fresh = false;
    }
    return true;
  };
  // Ranks that come together see each other within a few polls, before any progress step; with
  // more ranks than cores those polls keep a rank that has not arrived yet off its core.
  let arrived = allArrived();
  const polls = t.oversubscribed ? 0 : FAST_POLLS;
  for (let i = 0; i < polls && !arrived; i++) arrived = allArrived();
  if (!arrived) {
    const ready = (): boolean => {
      otherCollective(rank, seq, what);
      return allArrived();
    };
    t.waitUntil(ready, allArrived);
  }
  // A rank already past this collective may have sent a message of another collective first (it
  // published it before that arrival): take it in and check, in that case only.
  if (!fresh && t.hasIncoming) {
    t.progress();
    otherCollective(rank, seq, what);
  }
  for (let r = 0; r < slots.length; r++) {
    const slot = slots[r] as number;
    const theirs = control.collectiveTag(slot, parity);
    const theirSeq = control.collectiveSeq(slot, parity) - 1;
    if (theirs === tag && theirSeq === seq) continue;
    const theirKind = theirs & KIND_MASK;
    const name = COLLECTIVE_NAMES[theirKind] ?? `collective ${theirKind}`;
    if (theirKind !== kind || theirSeq !== seq) {
      // A rank ahead of this one got there through a collective over messages, whose message
      // (sent before its arrival) names that collective: prefer it.
      if (theirSeq !== seq) {
        t.progress();
        otherCollective(rank, seq, what);
      }
      throw mpiError(
        "MPI_ERR_OTHER",
        `mismatched collectives: this rank is in ${what} (collective ${seq} on MPI_COMM_WORLD) while rank ${r} called ${name} (its collective ${theirSeq})`,
      );
    }
    throw mpiError(
      "MPI_ERR_OTHER",
      `${what}: rank ${r} contributed ${theirs >>> COLL_KIND_BITS} bytes where ${bytes} were expected (mismatched counts or types)`,
    );
  }
  return parity;
}

/** Polls of the arrivals alone before a waiting rank also makes progress. */
const FAST_POLLS = 2000;

/** An arrival count that has reached the (k+1)th collective (0: none yet). */
function arrivedAt(arrivals: number, k: number): boolean {
  return arrivals !== 0 && ((arrivals - 1 - k) & COUNT_MASK) < HALF;
}

/** Fails if a message of another collective with this sequence number has come. */
function otherCollective(rank: MpiRank, seq: number, what: string): void {
  const msg = rank.transport.findUnexpected(
    (m) => m.ctx === WORLD_CTX + 1 && m.tag >>> COLL_KIND_BITS === seq,
  );
  if (msg === undefined) return;
  const kind = msg.tag & KIND_MASK;
  // Over messages, a world barrier here is MPI_Ibarrier, and an allreduce MPI_Iallreduce or one
  // too large for the control block: neither matches this call.
  const theirs =
    kind === Coll.barrier
      ? "MPI_Ibarrier"
      : kind === Coll.allreduce
        ? `MPI_Iallreduce or an MPI_Allreduce of ${msg.total} bytes`
        : (COLLECTIVE_NAMES[kind] ?? `collective ${kind}`);
  throw mpiError(
    "MPI_ERR_OTHER",
    `mismatched collectives: this rank is in ${what} while rank ${msg.src} called ${theirs}`,
  );
}

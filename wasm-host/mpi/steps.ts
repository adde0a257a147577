// Collectives written once, as generators of steps: a step yields a readiness test when it must
// wait (for a message, or for its sends to leave). A blocking collective drives its generator to
// the end inside the call; a nonblocking one (MPI_Ibcast, ...) keeps it in its request and moves
// it on whenever the rank makes progress, so both share one implementation.

import type { MpiRank } from "./rank.js";
import { worldCollectiveMismatch } from "./shm-collectives.js";
import type { CommState } from "./state.js";
import type { Incoming, Outgoing } from "./transport.js";

/** What a step waits for: true once it can go on. */
export type Ready = () => boolean;
export type Steps<T> = Generator<Ready, T, void>;

/** Receives collective seq's next message from rank, checked against kind and size. */
export function* recvSteps(
  rank: MpiRank,
  c: CommState,
  from: number,
  kind: number,
  what: string,
  expected: number | undefined,
  seq: number,
  exactKind = false,
): Steps<Uint8Array> {
  const box = rank.postCollRecv(c, from, seq, exactKind ? kind : undefined);
  // A peer in a world collective through shared memory with this number sends nothing: fail, not hang.
  if (box.msg === undefined)
    yield () => {
      if (box.msg !== undefined) return true;
      worldCollectiveMismatch(rank, c, seq, what);
      return false;
    };
  return rank.checkColl(box.msg as Incoming, from, kind, what, expected);
}

/** Waits until the given sends have left (their buffers are copies, this bounds what is queued). */
export function* flushSteps(outs: readonly Outgoing[]): Steps<void> {
  if (!outs.every((o) => o.written)) yield () => outs.every((o) => o.written);
}

/** Drives steps to the end inside the current call. */
export function runSteps<T>(rank: MpiRank, steps: Steps<T>): T {
  let next = steps.next();
  while (next.done !== true) {
    const ready = next.value;
    if (!ready()) rank.transport.waitUntil(ready);
    next = steps.next();
  }
  return next.value;
}

/** Moves steps on as far as they can go without waiting; true once they are done. */
export function advanceSteps<T>(state: {
  steps: Steps<T>;
  pending: Ready | undefined;
  done: boolean;
}): boolean {
  while (!state.done) {
    if (state.pending !== undefined && !state.pending()) return false;
    const next = state.steps.next();
    if (next.done === true) {
      state.done = true;
      state.pending = undefined;
    } else {
      state.pending = next.value;
    }
  }
  return true;
}

// Waiting and locking on shared words: spin a little (a waiter that is about to be released
// should not pay for a futex round trip), then sleep in Atomics.wait. The spin budget is set per
// job: when threads outnumber cores, spinning only steals time from the thread being waited for.

/** Spins, then sleeps, until ctl[index] !== value. sleepers (if given) counts sleeping waiters. */
export function waitWhileEqual(
  words: Int32Array,
  index: number,
  value: number,
  spin: number,
  sleepers?: { readonly words: Int32Array; readonly index: number },
): void {
  for (let i = 0; i < spin; i++) {
    if (Atomics.load(words, index) !== value) return;
  }
  while (Atomics.load(words, index) === value) {
    if (sleepers === undefined) {
      Atomics.wait(words, index, value);
    } else {
      // Announce the sleep before re-checking, so a waker that changes the word after our check
      // is sure to see the announcement and notify.
      Atomics.add(sleepers.words, sleepers.index, 1);
      Atomics.wait(words, index, value);
      Atomics.sub(sleepers.words, sleepers.index, 1);
    }
  }
}

/**
 * As waitWhileEqual, spinning for spinMs of wall time first: for waits whose length depends on
 * the program (the next fork, a barrier), where an iteration count says little.
 */
export function waitWhileEqualFor(
  words: Int32Array,
  index: number,
  value: number,
  spinMs: number,
  spin: number,
  sleepers?: { readonly words: Int32Array; readonly index: number },
): void {
  if (spinMs > 0) {
    const until = performance.now() + spinMs;
    do {
      for (let i = 0; i < 512; i++) if (Atomics.load(words, index) !== value) return;
    } while (performance.now() < until);
  }
  waitWhileEqual(words, index, value, spin, sleepers);
}

/**
 * Polls for spinMs of wall time until words[index] === target; false if it did not get there.
 * The time-based poll of waitWhileEqualFor, for a wait that then sleeps its own way (the join).
 */
export function pollUntilEqualFor(words: Int32Array, index: number, target: number, spinMs: number): boolean {
  if (spinMs <= 0) return false;
  const until = performance.now() + spinMs;
  do {
    for (let i = 0; i < 512; i++) if (Atomics.load(words, index) === target) return true;
  } while (performance.now() < until);
  return false;
}

/** Spins, then sleeps, until ctl[index] === target (the word only moves towards it). */
export function waitUntilEqual(words: Int32Array, index: number, target: number, spin: number): void {
  for (let i = 0; i < spin; i++) {
    if (Atomics.load(words, index) === target) return;
  }
  for (;;) {
    const now = Atomics.load(words, index);
    if (now === target) return;
    Atomics.wait(words, index, now, 50);
  }
}

/**
 * A three-state futex mutex in one word (0 free, 1 held, 2 held with waiters): no notify on an
 * uncontended unlock. Used for omp_lock_t, critical sections and reductions; the word lives in
 * the program's memory.
 */
export function lockWord(words: Int32Array, index: number, spin: number): void {
  let c = Atomics.compareExchange(words, index, 0, 1);
  if (c === 0) return;
  for (let i = 0; i < spin; i++) {
    if (Atomics.load(words, index) === 0) {
      c = Atomics.compareExchange(words, index, 0, 1);
      if (c === 0) return;
    }
  }
  if (c !== 2) c = Atomics.exchange(words, index, 2);
  while (c !== 0) {
    Atomics.wait(words, index, 2);
    c = Atomics.exchange(words, index, 2);
  }
}

export function tryLockWord(words: Int32Array, index: number): boolean {
  return Atomics.compareExchange(words, index, 0, 1) === 0;
}

export function unlockWord(words: Int32Array, index: number): void {
  if (Atomics.sub(words, index, 1) !== 1) {
    Atomics.store(words, index, 0);
    Atomics.notify(words, index, 1);
  }
}

// omp_lock_t and omp_nest_lock_t. Both are one pointer-sized word in the program's memory
// (libomp's ABI), which is where the lock lives: a simple lock is a futex word (sync.ts); a
// nestable lock packs its owner (gtid + 1, 10 bits) and nesting count (the rest) into the word.

import type { MemoryViews } from "./memory-views.js";
import { lockWord, tryLockWord, unlockWord } from "./sync.js";

const OWNER_BITS = 10;
const OWNER_MASK = (1 << OWNER_BITS) - 1;
const ONE = 1 << OWNER_BITS;

export class OmpLocks {
  constructor(
    private readonly mem: MemoryViews,
    private readonly gtid: number,
    private readonly spin: number,
  ) {}

  init(addr: number): void {
    Atomics.store(this.mem.i32For(addr), addr >>> 2, 0);
  }

  set(addr: number): void {
    lockWord(this.mem.i32For(addr), addr >>> 2, this.spin);
  }

  unset(addr: number): void {
    unlockWord(this.mem.i32For(addr), addr >>> 2);
  }

  test(addr: number): number {
    return tryLockWord(this.mem.i32For(addr), addr >>> 2) ? 1 : 0;
  }

  setNest(addr: number): void {
    const words = this.mem.i32For(addr);
    const i = addr >>> 2;
    const me = this.gtid + 1;
    for (let spins = 0; ; spins++) {
      const w = Atomics.load(words, i);
      if (w === 0) {
        if (Atomics.compareExchange(words, i, 0, me | ONE) === 0) return;
      } else if ((w & OWNER_MASK) === me) {
        Atomics.store(words, i, w + ONE);
        return;
      } else if (spins >= this.spin) {
        Atomics.wait(words, i, w, 50);
      }
    }
  }

  testNest(addr: number): number {
    const words = this.mem.i32For(addr);
    const i = addr >>> 2;
    const me = this.gtid + 1;
    const w = Atomics.load(words, i);
    if (w === 0) return Atomics.compareExchange(words, i, 0, me | ONE) === 0 ? 1 : 0;
    if ((w & OWNER_MASK) === me) {
      Atomics.store(words, i, w + ONE);
      return (w >>> OWNER_BITS) + 1;
    }
    return 0;
  }

  unsetNest(addr: number): void {
    const words = this.mem.i32For(addr);
    const i = addr >>> 2;
    const w = Atomics.load(words, i);
    if ((w & OWNER_MASK) !== this.gtid + 1) return;
    if (w >>> OWNER_BITS > 1) {
      Atomics.store(words, i, w - ONE);
    } else {
      Atomics.store(words, i, 0);
      Atomics.notify(words, i);
    }
  }
}

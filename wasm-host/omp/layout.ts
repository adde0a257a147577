// The job's control block: an Int32Array over a SharedArrayBuffer (not the program's memory, so
// the program cannot corrupt it) that the main thread, the team threads and the job runner share.
// Fork/join, the team barrier, single constructs, dynamically scheduled loops and the thread pool
// all synchronise through these words.

/**
 * Word indexes of the control block. Words that threads poll live on cache lines of their own
 * (16 words = 64 bytes): while a team thread polled the fork generation on the line the main
 * thread was writing the region's parameters to, every one of those writes had to take the line
 * back from it, and a fork cost about twice what it does with the lines apart.
 */
export const Ctl = {
  // -- line 0: what team threads poll between regions
  /**
   * Moved by the main thread to start a parallel region (team threads wait on it): a count of
   * forks above FORK_SIZE_BITS, the region's team size below (forkWord). The size travels in
   * the same word because a thread left out of one region may read it late: by then the main
   * thread may be writing the next region's parameters, and a team size read from another word
   * could be the next region's, making the thread join a region that was not its own (and then
   * run the next one twice, after which the join count never matched: a hang).
   */
  forkGen: 0,
  /** 1 once the job is over: team threads leave their loop. */
  shutdown: 1,
  /** Team threads waiting (sleeping) for the next fork. */
  forkSleepers: 2,
  // -- line 1: the region's parameters, written before the fork, and words used inside regions
  /** Unused (the team size is in the fork word since 27 Nov). */
  teamSize: 16,
  /** Function table index of the region's outlined function. */
  microtask: 17,
  /** Number of shared-variable pointers passed to it, and where they are (the va_list). */
  argc: 18,
  argv: 19,
  /** The main thread's nthreads-var when the region started (omp_get_max_threads inside). */
  regionMaxThreads: 20,
  /** The main thread's run-sched-var when the region started (team threads inherit it). */
  regionSchedKind: 21,
  regionSchedChunk: 22,
  /** Single constructs claimed so far in the current region. */
  single: 23,
  /** Source pointer published by the thread that ran a single with copyprivate. */
  copyprivate: 24,
  /** A word to apply a read-modify-write to, as a full fence (flush). */
  fence: 25,
  /** The job's thread count (vCPUs), raised by elastic scale-up. */
  defaultThreads: 26,
  /** Most threads a team may have (thread-limit-var). */
  threadLimit: 27,
  /** Bumped whenever a team thread becomes ready. */
  poolReadyGen: 28,
  /** 1 once the main thread's first malloc has set up the allocator (see setUpThread). */
  allocatorReady: 29,
  /** Sequence number of the next write to stdout or stderr, from any thread. */
  outputSeq: 30,
  // -- line 2: what the main thread polls at the end of a region
  /** Team threads that have finished the current region. */
  join: 32,
  /** 1 while the main thread sleeps waiting for the join. */
  joinSleeping: 33,
  // -- line 3: arrivals at a barrier; line 4: what waiters at a barrier poll
  barrierCount: 48,
  barrierSleepers: 49,
  barrierGen: 64,
  /** First of MAX_POOL words: 1 once team thread p waits for forks. */
  readyFlags: 80,
} as const;

/** Most team threads (besides the main thread) a job can have. */
export const MAX_POOL = 255;

/** Slots for worksharing loops in flight at once (loops with nowait let threads run ahead). */
export const DISPATCH_SLOTS = 8;
export const DISPATCH_BASE = Ctl.readyFlags + MAX_POOL + 1;
/** One cache line per slot: threads of a dynamic loop all take chunks from their slot's words. */
export const DISPATCH_STRIDE = 16;
/** Word offsets inside one dispatch slot. */
export const Slot = {
  /** Sequence number of the loop this slot serves now. */
  owner: 0,
  /** Next chunk index (dynamic) or next iteration (guided), normalised from 0. */
  next: 1,
  /** Threads that have run out of iterations. */
  finished: 2,
  /** Next normalised iteration allowed into an ordered region. */
  ordered: 3,
  /** Threads sleeping on the ordered word. */
  orderedSleepers: 4,
} as const;

/** The team's queue of deferred tasks (a stack: the newest task runs first, depth-first). */
export const TASK_BASE = DISPATCH_BASE + DISPATCH_SLOTS * DISPATCH_STRIDE;
export const Tasks = {
  /** Futex word guarding the queue. */
  lock: TASK_BASE,
  /** Tasks in the queue. */
  count: TASK_BASE + 1,
  /** Deferred tasks queued or running: a barrier completes only when it is 0. */
  outstanding: TASK_BASE + 2,
  /** Bumped on every enqueue, so a thread that found nothing it may run need not scan again. */
  version: TASK_BASE + 3,
  /** First entry: the address of a task descriptor. */
  entries: TASK_BASE + 4,
} as const;
export const TASK_QUEUE_CAPACITY = 1024;

export const CONTROL_WORDS = Tasks.entries + TASK_QUEUE_CAPACITY;

export function slotBase(slot: number): number {
  return DISPATCH_BASE + slot * DISPATCH_STRIDE;
}

/** Puts the control block in its state before the first region. */
export function initControl(ctl: Int32Array, threads: number, threadLimit: number): void {
  Atomics.store(ctl, Ctl.defaultThreads, threads);
  Atomics.store(ctl, Ctl.threadLimit, threadLimit);
  resetRegion(ctl, DISPATCH_SLOTS);
}

/**
 * Team-shared state every region starts from (the main thread calls it before each fork).
 * @param usedSlots dispatch slots the previous region used (every thread of a team meets the
 *   same worksharing loops, so the main thread's count is the team's)
 */
export function resetRegion(ctl: Int32Array, usedSlots: number): void {
  // Plain stores, published by the fork that follows (see fork in thread-runtime.ts): the team
  // has left the previous region (the join), and no thread reads these before the next fork.
  ctl[Ctl.join] = 0;
  ctl[Ctl.barrierCount] = 0;
  ctl[Tasks.count] = 0;
  ctl[Tasks.outstanding] = 0;
  ctl[Ctl.single] = 0;
  for (let s = 0; s < Math.min(usedSlots, DISPATCH_SLOTS); s++) {
    const base = slotBase(s);
    ctl[base + Slot.owner] = s;
    ctl[base + Slot.next] = 0;
    ctl[base + Slot.finished] = 0;
    ctl[base + Slot.ordered] = 0;
  }
}

/** Bits of the fork word that hold the team size (MAX_POOL + 1 fits). */
export const FORK_SIZE_BITS = 9;
const FORK_SIZE_MASK = (1 << FORK_SIZE_BITS) - 1;

/** The fork word that follows `previous` for a region of `teamSize` threads. */
export function forkWord(previous: number, teamSize: number): number {
  return (((previous >>> FORK_SIZE_BITS) + 1) << FORK_SIZE_BITS) | teamSize | 0;
}

/** The team size a fork word carries. */
export function forkTeamSize(word: number): number {
  return word & FORK_SIZE_MASK;
}

/** Ends the job's team: team threads leave their loop at the fork generation this moves. */
export function shutDown(ctl: Int32Array): void {
  Atomics.store(ctl, Ctl.shutdown, 1);
  Atomics.store(ctl, Ctl.forkGen, forkWord(Atomics.load(ctl, Ctl.forkGen), 0));
  Atomics.notify(ctl, Ctl.forkGen);
}

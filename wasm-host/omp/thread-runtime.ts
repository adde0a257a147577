// One OpenMP thread's runtime, living in that thread's worker: fork/join of parallel regions
// (main thread), the team-thread loop, barriers, single/copyprivate and reductions. Everything
// the team shares is in the control block (layout.ts); everything private is here.

import type { ImportContext } from "../imports.js";
import { Ctl, forkTeamSize, forkWord, MAX_POOL, resetRegion } from "./layout.js";
import { LoopDispatcher } from "./loops.js";
import { MemoryViews } from "./memory-views.js";
import type { OmpThreadData, OmpThreadMessage } from "./protocol.js";
import { lockWord, pollUntilEqualFor, unlockWord, waitUntilEqual, waitWhileEqualFor } from "./sync.js";
import { OmpTasks } from "./tasks.js";
import { childFrame, outermostFrame, type TeamFrame } from "./team.js";

/** What the runtime needs from the instance (exports the OpenMP toolchain always links). */
export interface ModuleExports {
  readonly table: WebAssembly.Table;
  readonly malloc: (size: number) => number;
  readonly free: (ptr: number) => void;
  readonly stackPointer: WebAssembly.Global;
  readonly initTls: (ptr: number) => void;
  readonly tlsSize: number;
  readonly tlsAlign: number;
  /** Address of the word of the lock that serialises libc (granny_omp_rt.c). */
  readonly libcLockWord: number;
}

export class OmpRuntimeError extends Error {
  override readonly name = "OmpRuntimeError";
}

type Microtask = (...args: number[]) => unknown;
type ReductionMethod = "empty" | "critical" | "atomic";

const PAGE = 65536;
const WASI_EFAULT = 21;
/** KMP_IDENT_ATOMIC_REDUCE: clang generated an atomic reduction path for this construct. */
const IDENT_ATOMIC_REDUCE = 0x10;

export function readExports(instance: WebAssembly.Instance): ModuleExports {
  const e = instance.exports;
  const fn = (name: string) => {
    const f = e[name];
    if (typeof f !== "function") throw missing(name);
    return f as (...a: number[]) => number;
  };
  const global = (name: string) => {
    const g = e[name];
    if (!(g instanceof WebAssembly.Global)) throw missing(name);
    return g;
  };
  const table = e.__indirect_function_table;
  if (!(table instanceof WebAssembly.Table)) throw missing("__indirect_function_table");
  const malloc = fn("__granny_omp_malloc");
  const free = fn("__granny_omp_free");
  const initTls = fn("__wasm_init_tls");
  return {
    table,
    malloc: (size) => malloc(size) >>> 0,
    free: (ptr) => {
      free(ptr);
    },
    stackPointer: global("__stack_pointer"),
    initTls: (ptr) => {
      initTls(ptr);
    },
    tlsSize: Number(global("__tls_size").value),
    tlsAlign: Math.max(Number(global("__tls_align").value), 16),
    libcLockWord: fn("__granny_omp_libc_lock_word")() >>> 0,
  };
}

function missing(name: string): OmpRuntimeError {
  return new OmpRuntimeError(
    `the module does not export ${name}: OpenMP programs must be built with granny cc -fopenmp (compileOpenMp)`,
  );
}

export class OmpThreadRuntime {
  readonly ctl: Int32Array;
  readonly mem: MemoryViews;
  readonly loops: LoopDispatcher;
  readonly gtid: number;
  frame: TeamFrame = outermostFrame();
  /** nthreads-var when the program fixed it (omp_set_num_threads, OMP_NUM_THREADS), else null. */
  nthreadsVar: number | null;
  dynamic = false;
  runSched: { kind: number; chunk: number };
  private pushedThreads: number | null = null;
  private lastDefault: number;
  private reduction: ReductionMethod = "empty";
  private readonly microtasks = new Map<number, Microtask>();
  private gtidPtr = 0;
  private btidPtr = 0;
  /** Dispatch slots the last multi-thread region used, to reset before the next. */
  private usedSlots = 0;
  private taskPool: OmpTasks | undefined;

  constructor(
    readonly data: OmpThreadData,
    private readonly ctx: ImportContext,
    readonly exports: ModuleExports,
  ) {
    this.ctl = new Int32Array(data.control);
    this.mem = new MemoryViews(ctx.memory());
    this.gtid = data.role === "main" ? 0 : data.poolIndex + 1;
    this.nthreadsVar = data.role === "main" ? data.fixedThreads : null;
    this.runSched = { ...data.runtimeSchedule };
    this.lastDefault = Atomics.load(this.ctl, Ctl.defaultThreads);
    this.loops = new LoopDispatcher(this.mem, this.ctl, data.spin, () => this.runSched);
  }

  get spin(): number {
    return this.data.spin;
  }

  /**
   * Gives this thread its own TLS block and, for a team thread, its own stack.
   *
   * wasi-libc's allocator takes all memory between __heap_base and the end of memory as its
   * heap when it first runs, and assumes its own consecutive sbrk calls are contiguous. So the
   * main thread allocates its TLS block with malloc (which sets the allocator up), and team
   * threads, which cannot call malloc before they have a stack, wait for that and then grow the
   * memory for themselves while holding the libc lock.
   */
  setUpThread(): void {
    const { tlsSize, tlsAlign, libcLockWord } = this.exports;
    const ctl = this.ctl;
    let base: number;
    if (this.data.role === "main") {
      base = this.exports.malloc(64 + tlsAlign + tlsSize);
      if (base === 0) throw new OmpRuntimeError("out of memory for the main thread's TLS block");
      Atomics.store(ctl, Ctl.allocatorReady, 1);
      Atomics.notify(ctl, Ctl.allocatorReady);
    } else {
      waitUntilEqual(ctl, Ctl.allocatorReady, 1, this.spin);
      const bytes = 64 + tlsAlign + tlsSize + this.data.stackBytes;
      const pages = Math.ceil(bytes / PAGE);
      const words = this.mem.i32For(libcLockWord);
      lockWord(words, libcLockWord >>> 2, this.spin);
      try {
        base = this.ctx.memory().grow(pages) * PAGE;
      } finally {
        unlockWord(words, libcLockWord >>> 2);
      }
      this.mem.refresh();
      this.exports.stackPointer.value = (base + pages * PAGE) & ~15;
    }
    this.gtidPtr = base;
    this.btidPtr = base + 4;
    this.mem.setI32(this.gtidPtr, this.gtid);
    this.exports.initTls(Math.ceil((base + 64) / tlsAlign) * tlsAlign);
    this.taskPool = new OmpTasks(
      {
        mem: this.mem,
        ctl,
        spin: this.spin,
        gtid: this.gtid,
        malloc: this.exports.malloc,
        free: this.exports.free,
        call: (index) => this.microtask(index),
        teamIsShared: () => this.frame.shared,
      },
      base + 16,
    );
  }

  get tasks(): OmpTasks {
    if (this.taskPool === undefined) throw new OmpRuntimeError("task call before the thread was set up");
    return this.taskPool;
  }

  defaultThreads(): number {
    return Atomics.load(this.ctl, Ctl.defaultThreads);
  }

  maxThreads(): number {
    if (this.nthreadsVar !== null) return this.nthreadsVar;
    return this.data.role === "main" ? this.defaultThreads() : Atomics.load(this.ctl, Ctl.regionMaxThreads);
  }

  pushNumThreads(n: number): void {
    this.pushedThreads = n;
  }

  post(message: OmpThreadMessage): void {
    this.ctx.postToHost(message);
  }

  /**
   * A write to stdout or stderr (granny_omp_rt.c routes __wasi_fd_write here): numbered, so the
   * job delivers the writes of all threads in the order they were made. Returns a WASI errno.
   */
  writeOutput(fd: number, iovs: number, count: number, writtenPtr: number): number {
    const memory = this.ctx.memory().buffer;
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < count; i++) {
      const buf = this.mem.getU32(iovs + 8 * i);
      const len = this.mem.getU32(iovs + 8 * i + 4);
      if (buf + len > memory.byteLength) return WASI_EFAULT;
      parts.push(new Uint8Array(memory, buf, len));
      total += len;
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    const seq = Atomics.add(this.ctl, Ctl.outputSeq, 1);
    this.ctx.postToHost(
      { type: "granny.omp.output.v1", fd: fd === 2 ? 2 : 1, seq, bytes } satisfies OmpThreadMessage,
      [bytes.buffer],
    );
    this.mem.setU32(writtenPtr, total);
    return 0;
  }

  // ---- parallel regions --------------------------------------------------------------------

  microtask(index: number): Microtask {
    let fn = this.microtasks.get(index);
    if (fn === undefined) {
      const f = this.exports.table.get(index);
      if (typeof f !== "function") {
        throw new OmpRuntimeError(`parallel region function ${index} is not in the function table`);
      }
      fn = f as Microtask;
      this.microtasks.set(index, fn);
    }
    return fn;
  }

  readArgs(argc: number, argv: number): number[] {
    const args: number[] = new Array(argc);
    for (let i = 0; i < argc; i++) args[i] = this.mem.getI32(argv + 4 * i);
    return args;
  }

  /** __kmpc_fork_call: a control point; elastic scale-up takes effect here. */
  fork(argc: number, microtask: number, argv: number): void {
    const fn = this.microtask(microtask);
    const args = this.readArgs(argc, argv);
    const pushed = this.pushedThreads;
    this.pushedThreads = null;
    if (this.frame.level > 0 || this.data.role !== "main") {
      // Nested regions run with a team of one (max-active-levels is 1).
      this.runAs(childFrame(this.frame, 0, 1), fn, args);
      return;
    }
    let n = pushed ?? this.nthreadsVar ?? this.elasticDefault();
    const limit = Atomics.load(this.ctl, Ctl.threadLimit);
    n = Math.max(1, Math.min(n, limit, MAX_POOL + 1));
    if (n === 1) {
      this.runAs(childFrame(this.frame, 0, 1), fn, args);
      return;
    }
    this.ensurePool(n - 1);
    const ctl = this.ctl;
    // Plain stores: nobody reads these words until the fork generation moves, and that
    // Atomics.add publishes them (it orders every write before it); each Atomics.store would be
    // a full fence of its own.
    resetRegion(ctl, this.usedSlots);
    ctl[Ctl.microtask] = microtask;
    ctl[Ctl.argc] = argc;
    ctl[Ctl.argv] = argv;
    ctl[Ctl.regionMaxThreads] = this.maxThreads();
    ctl[Ctl.regionSchedKind] = this.runSched.kind;
    ctl[Ctl.regionSchedChunk] = this.runSched.chunk;
    // Only this thread moves the fork word (and shutDown, once this thread has finished).
    Atomics.store(ctl, Ctl.forkGen, forkWord(ctl[Ctl.forkGen] as number, n));
    if (Atomics.load(ctl, Ctl.forkSleepers) > 0) Atomics.notify(ctl, Ctl.forkGen);
    const team = childFrame(this.frame, 0, n);
    try {
      this.runAs(team, fn, args);
      // The region ends with an implicit barrier: every task of the team completes first.
      this.tasks.drain();
    } finally {
      this.join(n - 1);
      this.usedSlots = team.loops;
    }
  }

  /** The job's thread count, noting each change that a fork puts into effect. */
  private elasticDefault(): number {
    const n = this.defaultThreads();
    if (n !== this.lastDefault) {
      this.post({ type: "granny.omp.threads-changed.v1", from: this.lastDefault, to: n });
      this.lastDefault = n;
    }
    return n;
  }

  runAs(frame: TeamFrame, fn: Microtask, args: readonly number[]): void {
    const saved = this.frame;
    this.frame = frame;
    try {
      this.mem.setI32(this.gtidPtr, this.gtid);
      this.mem.setI32(this.btidPtr, frame.tid);
      const g = this.gtidPtr;
      const b = this.btidPtr;
      // Calls with a fixed argument count take V8's fast path into WebAssembly; spreading does not.
      switch (args.length) {
        case 0:
          fn(g, b);
          break;
        case 1:
          fn(g, b, args[0] as number);
          break;
        case 2:
          fn(g, b, args[0] as number, args[1] as number);
          break;
        case 3:
          fn(g, b, args[0] as number, args[1] as number, args[2] as number);
          break;
        case 4:
          fn(g, b, args[0] as number, args[1] as number, args[2] as number, args[3] as number);
          break;
        default:
          fn(g, b, ...args);
      }
    } finally {
      this.frame = saved;
    }
  }

  serializedBegin(): void {
    this.frame = childFrame(this.frame, 0, 1);
  }

  serializedEnd(): void {
    const parent = this.frame.parent;
    if (parent === null) throw new OmpRuntimeError("__kmpc_end_serialized_parallel outside a region");
    this.frame = parent;
  }

  /** Waits until team threads 0..count-1 wait for forks, asking the job runner for them. */
  private ensurePool(count: number): void {
    const ctl = this.ctl;
    const ready = () => {
      for (let p = 0; p < count; p++) if (Atomics.load(ctl, Ctl.readyFlags + p) !== 1) return false;
      return true;
    };
    if (ready()) return;
    this.post({ type: "granny.omp.need-threads.v1", count });
    for (;;) {
      const gen = Atomics.load(ctl, Ctl.poolReadyGen);
      if (ready()) return;
      Atomics.wait(ctl, Ctl.poolReadyGen, gen, 1000);
    }
  }

  private join(workers: number): void {
    const ctl = this.ctl;
    for (let i = 0; i < this.spin; i++) if (Atomics.load(ctl, Ctl.join) === workers) return;
    // How long the team takes is the program's business, as at a barrier: while every thread
    // has a core, keep polling for waitSpinMs of wall time rather than pay a wake-up.
    if (pollUntilEqualFor(ctl, Ctl.join, workers, this.data.waitSpinMs)) return;
    Atomics.store(ctl, Ctl.joinSleeping, 1);
    for (;;) {
      const now = Atomics.load(ctl, Ctl.join);
      if (now === workers) break;
      Atomics.wait(ctl, Ctl.join, now);
    }
    Atomics.store(ctl, Ctl.joinSleeping, 0);
  }

  /** The body of a team thread: wait for a fork, run the region if in the team, report, repeat. */
  teamLoop(): void {
    const ctl = this.ctl;
    const p = this.data.poolIndex;
    let seen = Atomics.load(ctl, Ctl.forkGen);
    Atomics.store(ctl, Ctl.readyFlags + p, 1);
    Atomics.add(ctl, Ctl.poolReadyGen, 1);
    Atomics.notify(ctl, Ctl.poolReadyGen);
    this.post({ type: "granny.omp.ready.v1", poolIndex: p });
    const sleepers = { words: ctl, index: Ctl.forkSleepers };
    for (;;) {
      // The job may have ended before this thread started (shutdown is set before the last bump).
      if (Atomics.load(ctl, Ctl.shutdown) !== 0) return;
      waitWhileEqualFor(ctl, Ctl.forkGen, seen, this.data.waitSpinMs, this.spin, sleepers);
      seen = Atomics.load(ctl, Ctl.forkGen);
      if (Atomics.load(ctl, Ctl.shutdown) !== 0) return;
      // The size of the region `seen` started, not of a later one (layout.ts, forkGen).
      const n = forkTeamSize(seen);
      const tid = p + 1;
      if (tid >= n) continue;
      // The implicit task inherits the master's data environment ICVs.
      this.nthreadsVar = null;
      const kind = Atomics.load(ctl, Ctl.regionSchedKind);
      const chunk = Atomics.load(ctl, Ctl.regionSchedChunk);
      if (kind !== this.runSched.kind || chunk !== this.runSched.chunk) this.runSched = { kind, chunk };
      const fn = this.microtask(Atomics.load(ctl, Ctl.microtask));
      const args = this.readArgs(Atomics.load(ctl, Ctl.argc), Atomics.load(ctl, Ctl.argv));
      this.runAs(childFrame(this.frame, tid, n), fn, args);
      this.tasks.drain();
      if (Atomics.add(ctl, Ctl.join, 1) === n - 2 && Atomics.load(ctl, Ctl.joinSleeping) !== 0) {
        Atomics.notify(ctl, Ctl.join);
      }
    }
  }

  // ---- synchronisation inside a region -----------------------------------------------------

  barrier(): void {
    const frame = this.frame;
    if (!frame.shared) return;
    // A barrier is a task scheduling point, and completes only once the team's tasks have.
    this.tasks.drain();
    const ctl = this.ctl;
    const gen = Atomics.load(ctl, Ctl.barrierGen);
    if (Atomics.add(ctl, Ctl.barrierCount, 1) === frame.size - 1) {
      Atomics.store(ctl, Ctl.barrierCount, 0);
      Atomics.add(ctl, Ctl.barrierGen, 1);
      if (Atomics.load(ctl, Ctl.barrierSleepers) > 0) Atomics.notify(ctl, Ctl.barrierGen);
    } else {
      waitWhileEqualFor(ctl, Ctl.barrierGen, gen, this.data.waitSpinMs, this.spin, {
        words: ctl,
        index: Ctl.barrierSleepers,
      });
    }
  }

  /** __kmpc_single: 1 for the one thread that runs the block. */
  single(): number {
    const frame = this.frame;
    const k = ++frame.singles;
    if (!frame.shared) return 1;
    return Atomics.compareExchange(this.ctl, Ctl.single, k - 1, k) === k - 1 ? 1 : 0;
  }

  copyprivate(data: number, copy: number, didit: number): void {
    if (!this.frame.shared) return;
    if (didit !== 0) Atomics.store(this.ctl, Ctl.copyprivate, data);
    this.barrier();
    if (didit === 0) {
      const source = Atomics.load(this.ctl, Ctl.copyprivate);
      this.microtask(copy)(data, source);
    }
    this.barrier();
  }

  lock(addr: number): void {
    lockWord(this.mem.i32For(addr), addr >>> 2, this.spin);
  }

  unlock(addr: number): void {
    unlockWord(this.mem.i32For(addr), addr >>> 2);
  }

  /** __kmpc_reduce(_nowait): 1 = combine under the lock (or alone), 2 = combine with atomics. */
  reduceBegin(loc: number, lck: number): number {
    if (!this.frame.shared) {
      this.reduction = "empty";
      return 1;
    }
    const flags = loc === 0 ? 0 : this.mem.getI32(loc + 4);
    if (this.data.reduction === "atomic" && (flags & IDENT_ATOMIC_REDUCE) !== 0) {
      this.reduction = "atomic";
      return 2;
    }
    this.lock(lck);
    this.reduction = "critical";
    return 1;
  }

  reduceEnd(lck: number, nowait: boolean): void {
    if (this.reduction === "critical") this.unlock(lck);
    this.reduction = "empty";
    if (!nowait) this.barrier();
  }

  flush(): void {
    Atomics.add(this.ctl, Ctl.fence, 0);
  }
}

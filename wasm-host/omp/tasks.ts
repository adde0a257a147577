// Explicit tasks. In a team of more than one thread a task is deferred: it goes on the team's
// task queue (control block) and is run by whichever thread reaches a task scheduling point
// first — taskwait, the end of a taskgroup, a barrier, the end of the region — so the team's
// threads share the work. In a team of one, when the queue is full, and for tasks with depend
// clauses (which first wait for their siblings, so every dependence is met), the task runs at
// once where it is created (an "included" task).
//
// Descriptors follow libomp's kmp_task_t layout, which the code clang generates reads and
// writes: { shareds, routine, part_id, data1, data2, privates }. Before each descriptor the
// runtime keeps a header in the program's memory, since any thread may finish a task:
//   +0 pending   children not yet completed (taskwait waits for 0)
//   +4 refs      1 until the task completes, plus children not yet freed (freed at 0)
//   +8 parent    the parent's header (an implicit task's header lives in its thread's area)
//   +12 group    the taskgroup counter the task belongs to, or 0

import { TASK_QUEUE_CAPACITY, Tasks } from "./layout.js";
import type { MemoryViews } from "./memory-views.js";
import { lockWord, unlockWord } from "./sync.js";

const HEADER = 16;
const PENDING = 0;
const REFS = 4;
const PARENT = 8;
const GROUP = 12;
const ROUTINE = 4;
/** kmp_tasking_flags_t.destructors_thunk: C++ destructors of firstprivate objects. */
const DESTRUCTORS = 8;
/** An implicit task is never freed. */
const IMPLICIT_REFS = 1 << 30;

export interface TaskHost {
  readonly mem: MemoryViews;
  readonly ctl: Int32Array;
  readonly spin: number;
  readonly gtid: number;
  malloc(size: number): number;
  free(ptr: number): void;
  call(index: number): (...args: number[]) => unknown;
  /** True when the thread's current team has more than one thread. */
  teamIsShared(): boolean;
}

export class OmpTasks {
  /** Header of the task this thread is running (its implicit task's when none). */
  private current: number;
  /** The taskgroup counter new tasks join, or 0. */
  private group = 0;
  private nesting = 0;

  constructor(
    private readonly host: TaskHost,
    /** 16 bytes in the thread's own area for its implicit task's header. */
    implicitHeader: number,
  ) {
    const mem = host.mem;
    mem.setI32(implicitHeader + PENDING, 0);
    mem.setI32(implicitHeader + REFS, IMPLICIT_REFS);
    mem.setI32(implicitHeader + PARENT, 0);
    mem.setI32(implicitHeader + GROUP, 0);
    this.current = implicitHeader;
  }

  alloc(flags: number, sizeofTask: number, sizeofShareds: number, routine: number): number {
    if ((flags & DESTRUCTORS) !== 0) {
      throw new Error("granny OpenMP: tasks with C++ destructors (firstprivate objects) are not supported");
    }
    const { mem } = this.host;
    const taskBytes = Math.ceil(sizeofTask / 8) * 8;
    const total = HEADER + taskBytes + sizeofShareds;
    const header = this.host.malloc(total);
    if (header === 0) throw new Error(`granny OpenMP: out of memory allocating a task of ${total} bytes`);
    mem.fill(header, total, 0);
    mem.setI32(header + REFS, 1);
    mem.setI32(header + PARENT, this.current);
    mem.setI32(header + GROUP, this.group);
    Atomics.add(mem.i32For(this.current), (this.current + REFS) >>> 2, 1);
    const task = header + HEADER;
    mem.setI32(task, sizeofShareds > 0 ? task + taskBytes : 0);
    mem.setI32(task + ROUTINE, routine);
    return task;
  }

  /**
   * __kmpc_omp_task: defers the task to the team's queue, or runs it now. An untied task gives
   * itself back this way at a task scheduling point (clang splits it into parts, sets the next
   * part in its descriptor and submits the running task again): it is resumed on this thread as
   * soon as its part returns (resubmitted), which is one of the schedules an untied task allows.
   * Before, that submission queued the task a second time, and the first return freed it.
   */
  submit(task: number): number {
    const header = task - HEADER;
    if (header === this.current) {
      this.resubmitted = header;
      return 0;
    }
    this.countIn(header);
    if (this.host.teamIsShared() && this.enqueue(task)) return 0;
    this.run(task, false);
    return 0;
  }

  /** __kmpc_omp_task_with_deps: waits for the siblings (so all dependences hold), runs it now. */
  submitWithDeps(task: number): number {
    this.taskwait();
    this.countIn(task - HEADER);
    this.run(task, false);
    return 0;
  }

  /** __kmpc_omp_task_begin_if0: the program runs an if(0) task itself, now. */
  beginUndeferred(task: number): void {
    this.host.mem.setI32(task - HEADER + GROUP, this.group);
    this.enter(task - HEADER);
  }

  completeUndeferred(task: number): void {
    // An untied if(0) task whose first part gave itself back: its other parts run now.
    this.resumeParts(task);
    this.leave();
    this.release(task - HEADER);
  }

  /** __kmpc_omp_taskwait: until every child of the current task has completed. */
  taskwait(): void {
    const header = this.current;
    this.runTasksUntil(() => Atomics.load(this.host.mem.i32For(header), (header + PENDING) >>> 2) === 0);
  }

  taskgroupBegin(): void {
    const counter = this.host.malloc(8);
    if (counter === 0) throw new Error("granny OpenMP: out of memory for a taskgroup");
    this.host.mem.setI32(counter, 0);
    this.host.mem.setI32(counter + 4, this.group);
    this.group = counter;
  }

  taskgroupEnd(): void {
    const counter = this.group;
    if (counter === 0) throw new Error("granny OpenMP: __kmpc_end_taskgroup without __kmpc_taskgroup");
    this.runTasksUntil(() => Atomics.load(this.host.mem.i32For(counter), counter >>> 2) === 0);
    this.group = this.host.mem.getI32(counter + 4);
    this.host.free(counter);
  }

  /** Before a barrier or the end of a region: until no deferred task of the team is left. */
  drain(): void {
    const { ctl } = this.host;
    this.runTasksUntil(() => Atomics.load(ctl, Tasks.outstanding) === 0);
  }

  private countIn(header: number): void {
    const { mem } = this.host;
    const parent = mem.getI32(header + PARENT);
    Atomics.add(mem.i32For(parent), (parent + PENDING) >>> 2, 1);
    const group = mem.getI32(header + GROUP);
    if (group !== 0) Atomics.add(mem.i32For(group), group >>> 2, 1);
  }

  private enqueue(task: number): boolean {
    const { ctl, spin } = this.host;
    lockWord(ctl, Tasks.lock, spin);
    try {
      const n = Atomics.load(ctl, Tasks.count);
      if (n >= TASK_QUEUE_CAPACITY) return false;
      Atomics.store(ctl, Tasks.entries + n, task);
      Atomics.add(ctl, Tasks.outstanding, 1);
      Atomics.store(ctl, Tasks.count, n + 1);
      Atomics.add(ctl, Tasks.version, 1);
      return true;
    } finally {
      unlockWord(ctl, Tasks.lock);
    }
  }

  /**
   * Takes the newest queued task this thread may run now. Inside a task (nesting > 0) only
   * descendants of the current task qualify — OpenMP's task scheduling constraint for tied
   * tasks. Without it, two threads could each suspend a task under one that waits for the
   * other's, and neither stack could unwind.
   */
  private dequeue(): number {
    const { ctl, spin } = this.host;
    if (Atomics.load(ctl, Tasks.count) === 0) return 0;
    lockWord(ctl, Tasks.lock, spin);
    try {
      const n = Atomics.load(ctl, Tasks.count);
      for (let i = n - 1; i >= 0; i--) {
        const task = Atomics.load(ctl, Tasks.entries + i);
        if (this.nesting > 0 && !this.descendsFromCurrent(task - HEADER)) continue;
        for (let j = i; j < n - 1; j++)
          Atomics.store(ctl, Tasks.entries + j, Atomics.load(ctl, Tasks.entries + j + 1));
        Atomics.store(ctl, Tasks.count, n - 1);
        return task;
      }
      return 0;
    } finally {
      unlockWord(ctl, Tasks.lock);
    }
  }

  private descendsFromCurrent(header: number): boolean {
    const { mem } = this.host;
    for (let h = mem.getI32(header + PARENT); h !== 0; h = mem.getI32(h + PARENT)) {
      if (h === this.current) return true;
    }
    return false;
  }

  /** Runs queued tasks (or waits) until done() holds. */
  private runTasksUntil(done: () => boolean): void {
    const { ctl } = this.host;
    let idle = 0;
    // The queue version when a scan last found nothing this thread may run.
    let barren = -1;
    while (!done()) {
      const version = Atomics.load(ctl, Tasks.version);
      const task = version === barren ? 0 : this.dequeue();
      if (task !== 0) {
        this.run(task, true);
        idle = 0;
        continue;
      }
      if (Atomics.load(ctl, Tasks.count) > 0) barren = version;
      if (++idle > this.host.spin) {
        // Nothing to take: what is left runs in other threads. Sleep until a task is queued or briefly.
        Atomics.wait(ctl, Tasks.version, version, 0.05);
      }
    }
  }

  private run(task: number, deferred: boolean): void {
    const header = task - HEADER;
    this.enter(header);
    try {
      this.resubmitted = 0;
      this.host.call(this.host.mem.getI32(task + ROUTINE))(this.host.gtid, task);
      this.resumeParts(task);
    } finally {
      this.leave();
    }
    const { mem, ctl } = this.host;
    const parent = mem.getI32(header + PARENT);
    const group = mem.getI32(header + GROUP);
    Atomics.sub(mem.i32For(parent), (parent + PENDING) >>> 2, 1);
    if (group !== 0) Atomics.sub(mem.i32For(group), group >>> 2, 1);
    if (deferred) Atomics.sub(ctl, Tasks.outstanding, 1);
    this.release(header);
  }

  /** The header of the running task if it submitted itself again (an untied task's next part). */
  private resubmitted = 0;

  /** Runs the routine again for as long as the running task gives itself back (see submit). */
  private resumeParts(task: number): void {
    const header = task - HEADER;
    while (this.resubmitted === header) {
      this.resubmitted = 0;
      this.host.call(this.host.mem.getI32(task + ROUTINE))(this.host.gtid, task);
    }
  }

  private saved: { current: number; group: number }[] = [];

  private enter(header: number): void {
    this.saved.push({ current: this.current, group: this.group });
    this.current = header;
    this.group = this.host.mem.getI32(header + GROUP);
    this.nesting++;
  }

  private leave(): void {
    const prev = this.saved.pop();
    if (prev === undefined) throw new Error("granny OpenMP: task completed that was not started");
    this.current = prev.current;
    this.group = prev.group;
    this.nesting--;
  }

  /** Drops one reference to a task; the last frees it and drops its reference to its parent. */
  private release(header: number): void {
    const { mem } = this.host;
    for (let h = header; h !== 0; ) {
      if (Atomics.sub(mem.i32For(h), (h + REFS) >>> 2, 1) !== 1) return;
      const parent = mem.getI32(h + PARENT);
      this.host.free(h);
      h = parent;
    }
  }
}

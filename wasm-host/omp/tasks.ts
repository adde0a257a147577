// Explicit tasks in their basic form: a task runs to completion where it is created (an
// "included" task, which OpenMP allows at any task scheduling point), so taskwait and taskgroup
// have nothing left to wait for. Task descriptors follow libomp's kmp_task_t layout, which the
// code clang generates reads and writes: { shareds, routine, part_id, data1, data2, privates }.

import type { MemoryViews } from "./memory-views.js";
import type { ModuleExports } from "./thread-runtime.js";

const ROUTINE = 4;
/** kmp_tasking_flags_t.destructors_thunk: C++ destructors of firstprivate objects. */
const DESTRUCTORS = 8;

export class OmpTasks {
  constructor(
    private readonly mem: MemoryViews,
    private readonly exports: ModuleExports,
    private readonly call: (index: number) => (...args: number[]) => unknown,
  ) {}

  alloc(flags: number, sizeofTask: number, sizeofShareds: number, routine: number): number {
    if ((flags & DESTRUCTORS) !== 0) {
      throw new Error("granny OpenMP: tasks with C++ destructors (firstprivate objects) are not supported");
    }
    const taskBytes = Math.ceil(sizeofTask / 8) * 8;
    const total = taskBytes + sizeofShareds;
    const task = this.exports.malloc(Math.max(total, 8));
    if (task === 0) throw new Error(`granny OpenMP: out of memory allocating a task of ${total} bytes`);
    this.mem.fill(task, total, 0);
    this.mem.setI32(task, sizeofShareds > 0 ? task + taskBytes : 0);
    this.mem.setI32(task + ROUTINE, routine);
    return task;
  }

  /** __kmpc_omp_task: runs the task now, then frees it. */
  run(gtid: number, task: number): number {
    const routine = this.mem.getI32(task + ROUTINE);
    this.call(routine)(gtid, task);
    this.exports.free(task);
    return 0;
  }

  /** __kmpc_omp_task_complete_if0: the program ran an if(0) task itself; free its descriptor. */
  completeUndeferred(task: number): void {
    this.exports.free(task);
  }
}

// The OpenMP import provider: the granule worker of every thread of an OpenMP job loads it
// (launch.providers). It supplies the __kmpc_* and omp_* functions in "env" and the team-thread
// loop in "granny_omp", and sets up the thread's TLS and stack once the instance exists.

import type { ImportContext, ProviderImports } from "../imports.js";
import { Ctl } from "./layout.js";
import { OmpLocks } from "./locks.js";
import { forStaticInit, type IntType } from "./loops.js";
import { isOmpThreadData } from "./protocol.js";
import { ompKindFromSched, Sched, schedFromOmpKind } from "./schedule.js";
import { GRANNY_OMP_NAMESPACE, OMP_NAMESPACE, type OmpFunctionName } from "./supported.js";
import { OmpRuntimeError, OmpThreadRuntime, readExports } from "./thread-runtime.js";

export { warmUp } from "./warm-up.js";

type Fn = (...args: never[]) => unknown;

const I4: IntType = { bytes: 4, signed: true };
const U4: IntType = { bytes: 4, signed: false };
const I8: IntType = { bytes: 8, signed: true };
const U8: IntType = { bytes: 8, signed: false };

export function createImports(ctx: ImportContext): ProviderImports {
  const data = ctx.providerData;
  if (!isOmpThreadData(data)) {
    throw new OmpRuntimeError("the OpenMP provider was launched without OmpThreadData (use runOpenMpJob)");
  }
  let rt: OmpThreadRuntime | undefined;
  let locks: OmpLocks | undefined;
  const R = (): OmpThreadRuntime => {
    if (rt === undefined) throw new OmpRuntimeError("OpenMP call before the thread was set up");
    return rt;
  };
  const L = (): OmpLocks => {
    locks ??= new OmpLocks(R().mem, R().gtid, R().spin);
    return locks;
  };
  const T = () => R().tasks;
  const frameAt = (level: number) => {
    let f = R().frame;
    if (level < 0 || level > f.level) return null;
    while (f.level > level && f.parent !== null) f = f.parent;
    return f;
  };
  const staticInit =
    (type: IntType) =>
    (
      _loc: number,
      _gtid: number,
      sched: number,
      pLast: number,
      pLower: number,
      pUpper: number,
      pStride: number,
      incr: number | bigint,
      chunk: number | bigint,
    ) => {
      const r = R();
      forStaticInit(r.mem, r.frame, type, sched, pLast, pLower, pUpper, pStride, incr, chunk);
    };
  const dispatchInit =
    (type: IntType) =>
    (
      _loc: number,
      _gtid: number,
      sched: number,
      lb: number | bigint,
      ub: number | bigint,
      st: number | bigint,
      chunk: number | bigint,
    ) => {
      const r = R();
      r.loops.init(r.frame, type, sched, lb, ub, st, chunk);
    };
  const dispatchNext = (
    _loc: number,
    _gtid: number,
    pLast: number,
    pLower: number,
    pUpper: number,
    pStride: number,
  ) => R().loops.next(R().frame, pLast, pLower, pUpper, pStride);
  const dispatchFini = () => R().loops.iterationDone();

  const omp: Record<OmpFunctionName, Fn> = {
    __kmpc_fork_call: (_loc: number, argc: number, microtask: number, argv: number) =>
      R().fork(argc, microtask, argv),
    __kmpc_push_num_threads: (_loc: number, _gtid: number, n: number) => R().pushNumThreads(n),
    __kmpc_push_proc_bind: () => undefined,
    __kmpc_serialized_parallel: () => R().serializedBegin(),
    __kmpc_end_serialized_parallel: () => R().serializedEnd(),
    __kmpc_global_thread_num: () => R().gtid,
    __kmpc_bound_thread_num: () => R().frame.tid,
    __kmpc_barrier: () => R().barrier(),
    __kmpc_flush: () => R().flush(),
    __kmpc_master: () => (R().frame.tid === 0 ? 1 : 0),
    __kmpc_end_master: () => undefined,
    __kmpc_masked: (_loc: number, _gtid: number, filter: number) => (R().frame.tid === filter ? 1 : 0),
    __kmpc_end_masked: () => undefined,
    __kmpc_single: () => R().single(),
    __kmpc_end_single: () => undefined,
    __kmpc_copyprivate: (
      _loc: number,
      _gtid: number,
      _size: number,
      data: number,
      copy: number,
      didit: number,
    ) => R().copyprivate(data, copy, didit),
    __kmpc_critical: (_loc: number, _gtid: number, crit: number) => R().lock(crit),
    __kmpc_critical_with_hint: (_loc: number, _gtid: number, crit: number) => R().lock(crit),
    __kmpc_end_critical: (_loc: number, _gtid: number, crit: number) => R().unlock(crit),
    __kmpc_reduce: (loc: number, _g: number, _n: number, _s: number, _d: number, _f: number, lck: number) =>
      R().reduceBegin(loc, lck),
    __kmpc_reduce_nowait: (
      loc: number,
      _g: number,
      _n: number,
      _s: number,
      _d: number,
      _f: number,
      lck: number,
    ) => R().reduceBegin(loc, lck),
    __kmpc_end_reduce: (_loc: number, _gtid: number, lck: number) => R().reduceEnd(lck, false),
    __kmpc_end_reduce_nowait: (_loc: number, _gtid: number, lck: number) => R().reduceEnd(lck, true),
    __kmpc_ordered: () => R().loops.orderedEnter(),
    __kmpc_end_ordered: () => R().loops.orderedExit(),
    __kmpc_for_static_init_4: staticInit(I4),
    __kmpc_for_static_init_4u: staticInit(U4),
    __kmpc_for_static_init_8: staticInit(I8),
    __kmpc_for_static_init_8u: staticInit(U8),
    __kmpc_for_static_fini: () => undefined,
    __kmpc_dispatch_init_4: dispatchInit(I4),
    __kmpc_dispatch_init_4u: dispatchInit(U4),
    __kmpc_dispatch_init_8: dispatchInit(I8),
    __kmpc_dispatch_init_8u: dispatchInit(U8),
    __kmpc_dispatch_next_4: dispatchNext,
    __kmpc_dispatch_next_4u: dispatchNext,
    __kmpc_dispatch_next_8: dispatchNext,
    __kmpc_dispatch_next_8u: dispatchNext,
    __kmpc_dispatch_fini_4: dispatchFini,
    __kmpc_dispatch_fini_4u: dispatchFini,
    __kmpc_dispatch_fini_8: dispatchFini,
    __kmpc_dispatch_fini_8u: dispatchFini,
    __kmpc_dispatch_deinit: () => R().loops.deinit(),
    __kmpc_omp_task_alloc: (
      _loc: number,
      _gtid: number,
      flags: number,
      sizeTask: number,
      sizeShareds: number,
      routine: number,
    ) => T().alloc(flags, sizeTask, sizeShareds, routine),
    __kmpc_omp_task: (_loc: number, _gtid: number, task: number) => T().submit(task),
    __kmpc_omp_task_with_deps: (_loc: number, _gtid: number, task: number) => T().submitWithDeps(task),
    __kmpc_omp_wait_deps: () => T().taskwait(),
    __kmpc_omp_task_begin_if0: (_loc: number, _gtid: number, task: number) => T().beginUndeferred(task),
    __kmpc_omp_task_complete_if0: (_loc: number, _gtid: number, task: number) => T().completeUndeferred(task),
    __kmpc_omp_taskwait: () => {
      T().taskwait();
      return 0;
    },
    __kmpc_omp_taskyield: () => 0,
    __kmpc_taskgroup: () => T().taskgroupBegin(),
    __kmpc_end_taskgroup: () => T().taskgroupEnd(),

    omp_set_num_threads: (n: number) => {
      if (n > 0) R().nthreadsVar = n;
    },
    omp_get_num_threads: () => R().frame.size,
    omp_get_max_threads: () => R().maxThreads(),
    omp_get_thread_num: () => R().frame.tid,
    omp_get_num_procs: () => R().defaultThreads(),
    omp_in_parallel: () => (R().frame.activeLevel > 0 ? 1 : 0),
    omp_set_dynamic: (flag: number) => {
      R().dynamic = flag !== 0;
    },
    omp_get_dynamic: () => (R().dynamic ? 1 : 0),
    // Nested regions always run with one thread: nesting is not enabled, whatever is asked.
    omp_set_nested: () => undefined,
    omp_get_nested: () => 0,
    omp_get_level: () => R().frame.level,
    omp_get_active_level: () => R().frame.activeLevel,
    omp_get_ancestor_thread_num: (level: number) => frameAt(level)?.tid ?? -1,
    omp_get_team_size: (level: number) => frameAt(level)?.size ?? -1,
    omp_get_thread_limit: () => Atomics.load(R().ctl, Ctl.threadLimit),
    omp_set_max_active_levels: () => undefined,
    omp_get_max_active_levels: () => 1,
    omp_set_schedule: (kind: number, chunk: number) => {
      const sched = schedFromOmpKind(kind, chunk);
      // As libomp: no chunk means 1 for dynamic and guided, none (blocks) for static.
      const defaultChunk = sched === Sched.dynamicChunked || sched === Sched.guidedChunked ? 1 : 0;
      R().runSched = { kind: sched, chunk: chunk > 0 ? chunk : defaultChunk };
    },
    omp_get_schedule: (pKind: number, pChunk: number) => {
      const r = R();
      r.mem.setI32(pKind, ompKindFromSched(r.runSched.kind));
      r.mem.setI32(pChunk, r.runSched.chunk);
    },
    omp_in_final: () => 0,
    omp_init_lock: (p: number) => L().init(p),
    omp_init_lock_with_hint: (p: number) => L().init(p),
    omp_destroy_lock: (p: number) => L().init(p),
    omp_set_lock: (p: number) => L().set(p),
    omp_unset_lock: (p: number) => L().unset(p),
    omp_test_lock: (p: number) => L().test(p),
    omp_init_nest_lock: (p: number) => L().init(p),
    omp_init_nest_lock_with_hint: (p: number) => L().init(p),
    omp_destroy_nest_lock: (p: number) => L().init(p),
    omp_set_nest_lock: (p: number) => L().setNest(p),
    omp_unset_nest_lock: (p: number) => L().unsetNest(p),
    omp_test_nest_lock: (p: number) => L().testNest(p),
    // The host-wide clock (each worker's performance.now() has its own origin), from the job's start.
    omp_get_wtime: () => (performance.timeOrigin + performance.now() - data.clockBase) / 1000,
    omp_get_wtick: () => 1e-6,
    // The host is the only device, there are no teams constructs, no cancellation, no binding.
    omp_get_num_teams: () => 1,
    omp_get_team_num: () => 0,
    omp_get_cancellation: () => 0,
    omp_get_proc_bind: () => 0,
    omp_get_supported_active_levels: () => 1,
    omp_get_max_task_priority: () => 0,
    omp_get_num_devices: () => 0,
    omp_get_default_device: () => 0,
    omp_set_default_device: () => undefined,
    omp_get_initial_device: () => 0,
    omp_is_initial_device: () => 1,
  };

  return {
    imports: {
      [OMP_NAMESPACE]: omp as unknown as WebAssembly.ModuleImports,
      [GRANNY_OMP_NAMESPACE]: {
        team_thread_loop: () => R().teamLoop(),
        write_output: (fd: number, iovs: number, count: number, written: number) =>
          R().writeOutput(fd, iovs, count, written),
      },
    },
    afterInstantiate: () => {
      const runtime = new OmpThreadRuntime(data, ctx, readExports(ctx.instance()));
      runtime.setUpThread();
      rt = runtime;
    },
  };
}

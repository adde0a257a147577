// The OpenMP warm-up, worker side: idle pooled workers run a small OpenMP program of our own
// (omp-toolchain/warm_up.c) as the main thread and team threads of a job, through this provider,
// so that V8 has optimised the runtime's fork, join, loops and barriers before a job needs them.
//
// Why: a worker starts with a cold JIT, and an OpenMP job's first ~2000 pairs of regions cost
// 30-100 us each instead of 1-2 (measured on this 2-vCPU machine: the first 100-150 ms of every
// job, and of every thread the planner adds to a running job). JIT state belongs to the
// worker's isolate, so the exercise has to run in the worker that will run the thread, before its
// launch. warm-up-plan.ts makes the job's shared memory and control block on the host's side.

import type { ImportContext, WarmUpReport } from "../imports.js";
import { linkImports } from "../link.js";
import { createWasiState, WASI_NAMESPACE, WasiExit, WasiPreview1 } from "../wasi/mod.js";
import { Ctl, shutDown } from "./layout.js";
import { isOmpThreadData, type OmpThreadData } from "./protocol.js";
import { createImports } from "./provider.js";

/** One run of the exercise: a job's shared memory and control block, and this member's thread. */
export interface OmpWarmUpPass {
  readonly memory: WebAssembly.Memory;
  readonly thread: OmpThreadData;
  /** Words of WarmUpSignal, shared by the pass's two threads and the plan. */
  readonly signals: SharedArrayBuffer;
}

/**
 * What the plan sends each member: its thread in each pass. A member plays the main thread in
 * one pass and a team thread in the other, since a job may put either role on either worker, and
 * each role runs code the other does not (fork and join; the team loop).
 */
export interface OmpWarmUpSession {
  readonly kind: "granny.omp.warm-up.v1";
  readonly module: WebAssembly.Module;
  readonly passes: readonly OmpWarmUpPass[];
  readonly rounds: number;
  readonly budgetMs: number;
}

export const WarmUpSignal = {
  /** Set by the plan: leave at the next round, forks from now on with one thread. */
  stop: 0,
  /** Rounds the main thread completed. */
  rounds: 1,
  /** MainState: whether the main thread runs the exercise (the plan may cancel it first). */
  main: 2,
} as const;

export const MainState = { waiting: 0, running: 1, cancelled: 2 } as const;

/** Words of the signals buffer. */
export const WARM_UP_SIGNAL_WORDS = 4;

export function isOmpWarmUpSession(value: unknown): value is OmpWarmUpSession {
  if (typeof value !== "object" || value === null) return false;
  const s = value as Partial<OmpWarmUpSession>;
  return (
    s.kind === "granny.omp.warm-up.v1" &&
    s.module instanceof WebAssembly.Module &&
    Array.isArray(s.passes) &&
    s.passes.every(
      (p: Partial<OmpWarmUpPass>) =>
        p.memory instanceof WebAssembly.Memory &&
        p.signals instanceof SharedArrayBuffer &&
        isOmpThreadData(p.thread),
    )
  );
}

export function warmUp(session: unknown): WarmUpReport {
  if (!isOmpWarmUpSession(session)) throw new Error("not an OpenMP warm-up session");
  const started = performance.now();
  const deadline = started + session.budgetMs;
  let rounds = 0;
  let stoppedBy: string | undefined;
  for (const pass of session.passes) {
    const result = runPass(session.module, pass, session.rounds, deadline);
    rounds += result.rounds;
    stoppedBy ??= result.stoppedBy;
    if (stoppedBy !== undefined) break;
  }
  return { rounds, ms: performance.now() - started, stoppedBy };
}

function runPass(
  module: WebAssembly.Module,
  pass: OmpWarmUpPass,
  rounds: number,
  deadline: number,
): { rounds: number; stoppedBy?: string } {
  const { memory, thread } = pass;
  const signals = new Int32Array(pass.signals);
  let instance: WebAssembly.Instance | undefined;
  const ctx: ImportContext = {
    launch: { name: "omp-warm-up", args: ["warm-up"], entry: entryOf(thread), providerData: thread },
    providerData: thread,
    module,
    memory: () => memory,
    instance: () => {
      if (instance === undefined) throw new Error("omp-warm-up: instance() before instantiation");
      return instance;
    },
    // The exercise's team is made up front: requests for threads need no answer.
    postToHost: () => {},
    receiveFromHost: () => undefined,
    writeStdout: () => {},
    writeStderr: () => {},
    exit: (code) => {
      throw new WasiExit(code >>> 0);
    },
    wasiState: () => {
      throw new Error("omp-warm-up: no WASI state to give");
    },
    controlPoints: {
      snapshotRequested: () => false,
      atHostCall: () => {},
      suspend: () => {
        throw new Error("omp-warm-up: no control points");
      },
      rewinding: () => false,
      endRewind: () => {},
      restoredState: undefined,
    },
  };
  const provided = createImports(ctx);
  const wasi = new WasiPreview1(createWasiState(["warm-up"], {}), {
    writeStdout: () => {},
    writeStderr: () => {},
  });
  const exercise = {
    should_stop: () =>
      Atomics.load(signals, WarmUpSignal.stop) !== 0 || performance.now() > deadline ? 1 : 0,
    rounds: () => rounds,
    done: (rounds: number) => {
      Atomics.store(signals, WarmUpSignal.rounds, rounds);
    },
  };
  const imports = linkImports(
    module,
    [
      { label: "WASI", imports: { [WASI_NAMESPACE]: wasi.imports(module) } },
      { label: "OpenMP", imports: provided.imports },
      { label: "warm-up", imports: { granny_warm_up: exercise } },
    ],
    memory,
  );
  const ctl = new Int32Array(thread.control);
  instance = new WebAssembly.Instance(module, imports);
  wasi.bindMemory(() => memory);
  // The main thread's set-up makes the allocator ready, which team threads wait for in theirs.
  provided.afterInstantiate?.();
  // The main thread forks only once its team thread waits for forks, and only if the plan has not
  // cancelled the exercise meanwhile (a launch took one of the workers): a fork with a team
  // thread that never comes would wait for ever.
  if (thread.role === "main" && !teamReady(ctl, signals))
    return { rounds: 0, stoppedBy: "stopped before it began" };
  const entry = instance.exports[entryOf(thread)] as () => unknown;
  try {
    entry();
  } catch (e) {
    if (!(e instanceof WasiExit) || e.code !== 0) throw e;
  } finally {
    // As the job runner does when the main thread ends: team threads leave their loop.
    if (thread.role === "main") shutDown(ctl);
  }
  return {
    rounds: thread.role === "main" ? Atomics.load(signals, WarmUpSignal.rounds) : 0,
    stoppedBy: Atomics.load(signals, WarmUpSignal.stop) !== 0 ? "stopped by the host" : undefined,
  };
}

function entryOf(thread: OmpThreadData): string {
  return thread.role === "main" ? "__granny_omp_main" : "__granny_omp_team";
}

/** Waits until team thread 0 waits for forks; true if the main thread may then run. */
function teamReady(ctl: Int32Array, signals: Int32Array): boolean {
  for (;;) {
    if (Atomics.load(signals, WarmUpSignal.main) === MainState.cancelled) return false;
    const gen = Atomics.load(ctl, Ctl.poolReadyGen);
    if (Atomics.load(ctl, Ctl.readyFlags) === 1) {
      return (
        Atomics.compareExchange(signals, WarmUpSignal.main, MainState.waiting, MainState.running) ===
        MainState.waiting
      );
    }
    Atomics.wait(ctl, Ctl.poolReadyGen, gen, 10);
  }
}

// The OpenMP warm-up, host side: the shared memory and control block of a two-thread job that
// two idle pooled workers run as its main and team thread (warm-up.ts has the exercise and why
// it exists). The program is ours (omp-toolchain/warm_up.c): the caller builds it with
// ompWarmUpModule() and hands its bytes here.

import type { WarmUpPlan } from "../worker-pool.js";
import { CONTROL_WORDS, Ctl, initControl, shutDown } from "./layout.js";
import { memoryImportOf } from "./memory-import.js";
import type { OmpThreadData, ThreadRole } from "./protocol.js";
import { ompProviderUrl } from "./provider-url.js";
import { MainState, type OmpWarmUpSession, WARM_UP_SIGNAL_WORDS, WarmUpSignal } from "./warm-up.js";

/**
 * Rounds (each some six regions with loops, a barrier, single, critical and atomic) and time of
 * the exercise. 3000 rounds took 0.25-0.4 s here, and the first regions of a job then cost 1-3 us
 * instead of 30-100; the budget bounds it on a slow or busy machine.
 */
const ROUNDS = 3000;
const BUDGET_MS = 1000;
/** A team thread's stack in the exercise: its regions need little. */
const STACK_BYTES = 256 * 1024;
/**
 * A stopped exercise ends at its next round, microseconds away; should its main thread's worker
 * have died instead, the team thread is released after this long.
 */
const RELEASE_AFTER_MS = 1000;

export function ompWarmUpPlan(
  program: Uint8Array,
  options: { rounds?: number; budgetMs?: number } = {},
): WarmUpPlan {
  const module = new WebAssembly.Module(program);
  const limits = memoryImportOf(program);
  if (!limits.shared || limits.maximum === undefined) {
    throw new Error("the OpenMP warm-up program's memory is not shared: build it with ompWarmUpModule()");
  }
  return {
    provider: ompProviderUrl().href,
    team: 2,
    start() {
      const clockBase = performance.timeOrigin + performance.now();
      const passes = [0, 1].map(() => {
        const memory = new WebAssembly.Memory({
          initial: limits.initial,
          maximum: limits.maximum,
          shared: true,
        });
        const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
        const ctl = new Int32Array(control);
        initControl(ctl, 2, 2);
        const signals = new Int32Array(new SharedArrayBuffer(WARM_UP_SIGNAL_WORDS * 4));
        const thread = (role: ThreadRole): OmpThreadData => ({
          kind: "granny.omp.thread.v1",
          role,
          poolIndex: 0,
          control,
          stackBytes: STACK_BYTES,
          spin: 20000,
          waitSpinMs: 5,
          reduction: "atomic",
          runtimeSchedule: { kind: 0, chunk: 0 },
          fixedThreads: null,
          clockBase,
        });
        return { memory, ctl, signals, thread };
      });
      // Member 0 is the main thread of the first pass and a team thread of the second; member 1
      // the other way round.
      const roles = [
        ["main", "team"],
        ["team", "main"],
      ] as const;
      const sessions: OmpWarmUpSession[] = roles.map((mine) => ({
        kind: "granny.omp.warm-up.v1",
        module,
        passes: passes.map((p, i) => ({
          memory: p.memory,
          thread: p.thread(mine[i] as ThreadRole),
          signals: p.signals.buffer as SharedArrayBuffer,
        })),
        rounds: options.rounds ?? ROUNDS,
        budgetMs: options.budgetMs ?? BUDGET_MS,
      }));
      return {
        sessions,
        stop: () => {
          for (const { ctl, signals } of passes) stopPass(ctl, signals);
        },
        end: () => {},
      };
    },
  };
}

function stopPass(ctl: Int32Array, signals: Int32Array): void {
  Atomics.store(signals, WarmUpSignal.stop, 1);
  if (
    Atomics.compareExchange(signals, WarmUpSignal.main, MainState.waiting, MainState.cancelled) ===
    MainState.waiting
  ) {
    // The main thread never forked: release a team thread waiting for its allocator or a fork.
    Atomics.store(ctl, Ctl.allocatorReady, 1);
    Atomics.notify(ctl, Ctl.allocatorReady);
    shutDown(ctl);
    Atomics.notify(signals, WarmUpSignal.main);
    return;
  }
  // The main thread runs: from now on it forks alone, and ends the team at its next round.
  Atomics.store(ctl, Ctl.threadLimit, 1);
  setTimeout(() => shutDown(ctl), RELEASE_AFTER_MS).unref();
}

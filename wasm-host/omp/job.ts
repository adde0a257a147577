// Runs one OpenMP job on this host: the main thread and the team threads are granules (worker
// threads) over one shared memory, started by runGranule with the OpenMP provider. The job ends
// with the main thread's outcome, or with the first team thread that traps, fails or exits.
// Team threads are started at launch (threads - 1 of them), when a region asks for more
// (num_threads), and when the planner raises the job's thread count (elastic scale-up).

import { availableParallelism } from "node:os";
import { type GranuleHandle, type GranuleOutcome, runGranule } from "../mod.js";
import { compileForThreads } from "./compile-module.js";
import { attachControl, type OpenMpJobControl } from "./control.js";
import { ompSettings } from "./env.js";
import { CONTROL_WORDS, Ctl, initControl, MAX_POOL, shutDown } from "./layout.js";
import { memoryImportOf } from "./memory-import.js";
import { OutputOrder } from "./output-order.js";
import { isOmpThreadMessage, type OmpThreadData, type ThreadRole } from "./protocol.js";
import { ompProviderUrl } from "./provider-url.js";

/**
 * How long team threads spin for the next fork or a barrier before sleeping, when every thread
 * has a core (as a thread granule does): long enough for the serial stretches between regions
 * of typical loops, short enough that an idle job stops burning its vCPUs at once.
 */
const WAIT_SPIN_MS = 5;

export interface ThreadsChangedEvent {
  readonly from: number;
  readonly to: number;
  /** Wall clock (ms since the epoch) when the main thread forked with the new count. */
  readonly at: number;
}

export interface OpenMpJobOptions {
  /** The program, built with compileOpenMp / granny cc -fopenmp. */
  readonly module: Uint8Array;
  /** vCPUs the job may use now: the default team size (OMP_NUM_THREADS, if set, overrides it). */
  readonly threads: number;
  /** argv, argv[0] included. */
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly onStdout: (bytes: Uint8Array) => void;
  readonly onStderr: (bytes: Uint8Array) => void;
  /** Lets the caller (the planner's elastic policy) change the thread count while the job runs. */
  readonly control?: OpenMpJobControl;
  /** Called each time a fork puts a changed thread count into effect. */
  readonly onThreadsChanged?: (event: ThreadsChangedEvent) => void;
  /** Upper bound on any team (default and at most 256, the main thread included). */
  readonly threadLimit?: number;
  /** For worker names and messages, e.g. "job-7". */
  readonly name?: string;
}

export interface OpenMpJobHandle {
  readonly done: Promise<GranuleOutcome>;
  /** Changes the job's thread count; resolves once the threads exist (effective at the next fork). */
  scaleTo(threads: number): Promise<void>;
  kill(): Promise<void>;
}

/** Runs the whole job and resolves with how it ended; never rejects for the program's faults. */
export function runOpenMpJob(options: OpenMpJobOptions): Promise<GranuleOutcome> {
  return startOpenMpJob(options).done;
}

export function startOpenMpJob(options: OpenMpJobOptions): OpenMpJobHandle {
  const name = options.name ?? "omp-job";
  let settle!: (o: GranuleOutcome) => void;
  const done = new Promise<GranuleOutcome>((resolve) => {
    settle = resolve;
  });
  const failedHandle = (message: string): OpenMpJobHandle => {
    settle({ kind: "failed", reason: "bad-launch", message: `${name}: ${message}` });
    return { done, scaleTo: async () => {}, kill: async () => {} };
  };
  if (!Number.isInteger(options.threads) || options.threads < 1) {
    return failedHandle(`threads must be a positive integer, not ${options.threads}`);
  }

  let memory: WebAssembly.Memory;
  let settings: ReturnType<typeof ompSettings>;
  try {
    settings = ompSettings(options.env ?? {});
    const limits = memoryImportOf(options.module);
    if (!limits.shared || limits.maximum === undefined) {
      return failedHandle("the module's memory is not shared: build it with granny cc -fopenmp");
    }
    memory = new WebAssembly.Memory({ initial: limits.initial, maximum: limits.maximum, shared: true });
  } catch (e) {
    return failedHandle(e instanceof Error ? e.message : String(e));
  }

  const threadLimit = Math.min(options.threadLimit ?? settings.threadLimit ?? MAX_POOL + 1, MAX_POOL + 1);
  const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
  const ctl = new Int32Array(control);
  initControl(ctl, Math.min(options.threads, threadLimit), threadLimit);
  // Spinning helps only while every thread has a core; past that it steals from the thread awaited.
  const ownCores = Math.max(options.threads, settings.fixedThreads ?? 0) <= availableParallelism();
  const spin = ownCores ? 20000 : 100;
  const waitSpinMs = ownCores ? WAIT_SPIN_MS : 0;
  let module: WebAssembly.Module | Uint8Array = options.module;
  const providerUrl = ompProviderUrl().href;
  // Seconds since the job started keep omp_get_wtime's full double precision (epoch seconds
  // would leave about a quarter of a microsecond).
  const clockBase = performance.timeOrigin + performance.now();

  let finished = false;
  const output = new OutputOrder((fd, bytes) =>
    fd === 1 ? options.onStdout(bytes) : options.onStderr(bytes),
  );
  let killed = false;
  let main: GranuleHandle | undefined;
  const team: GranuleHandle[] = [];
  const readyWaiters = new Map<number, () => void>();
  const readyPromises: Promise<void>[] = [];

  const finish = (outcome: GranuleOutcome): void => {
    if (finished) return;
    finished = true;
    shutDown(ctl);
    // Team threads leave their loop on shutdown; any still inside a region (the program exited
    // or failed mid-region) is stopped. A thread's output messages all arrive before its end,
    // so once every thread has ended the output is complete.
    const all = [...team, ...(main === undefined ? [] : [main])];
    const grace = setTimeout(() => {
      for (const h of all) void h.kill();
    }, 200);
    void Promise.all(all.map((h) => h.done)).then(() => {
      clearTimeout(grace);
      output.flush();
      settle(outcome);
    });
  };

  const launch = (role: ThreadRole, poolIndex: number): GranuleHandle => {
    const data: OmpThreadData = {
      kind: "granny.omp.thread.v1",
      role,
      poolIndex,
      control,
      stackBytes: settings.stackBytes,
      spin,
      waitSpinMs,
      reduction: settings.reduction,
      runtimeSchedule: settings.runtimeSchedule,
      fixedThreads: settings.fixedThreads,
      clockBase,
    };
    return runGranule(
      {
        module,
        args: options.args,
        env: options.env ?? {},
        entry: role === "main" ? "__granny_omp_main" : "__granny_omp_team",
        memory,
        providers: [providerUrl],
        providerData: data,
        name: `${name}/thread-${role === "main" ? 0 : poolIndex + 1}`,
      },
      {
        onStdout: options.onStdout,
        onStderr: options.onStderr,
        onProviderMessage: (message) => onThreadMessage(message),
      },
    );
  };

  const growPool = (count: number): Promise<void> => {
    const target = Math.min(count, threadLimit - 1);
    while (!finished && team.length < target) {
      const p = team.length;
      readyPromises.push(
        new Promise<void>((resolve) => {
          readyWaiters.set(p, resolve);
        }),
      );
      const handle = launch("team", p);
      team.push(handle);
      void handle.done.then((outcome) => {
        // After shutdown team threads end quietly; before it, their end is the job's end.
        if (Atomics.load(ctl, Ctl.shutdown) === 0) finish(outcome);
        // Whoever waits for this thread to be ready (scaleTo) must not wait for ever.
        readyWaiters.get(p)?.();
      });
    }
    return Promise.all(readyPromises.slice(0, target)).then(() => undefined);
  };

  const onThreadMessage = (message: unknown): void => {
    if (!isOmpThreadMessage(message)) {
      finish({ kind: "failed", reason: "provider", message: `${name}: malformed OpenMP thread message` });
      return;
    }
    switch (message.type) {
      case "granny.omp.need-threads.v1":
        void growPool(message.count);
        break;
      case "granny.omp.ready.v1":
        readyWaiters.get(message.poolIndex)?.();
        break;
      case "granny.omp.output.v1":
        output.push(message.seq, message.fd, message.bytes);
        break;
      case "granny.omp.threads-changed.v1":
        options.onThreadsChanged?.({ from: message.from, to: message.to, at: Date.now() });
        break;
    }
  };

  // Compile once here rather than once per thread (and see compile-module.ts).
  const started = (async () => {
    if (!(module instanceof WebAssembly.Module)) {
      try {
        module = await compileForThreads(module);
      } catch (e) {
        finish({
          kind: "failed",
          reason: "invalid-module",
          message: `${name}: not valid WebAssembly: ${e instanceof Error ? e.message : String(e)}`,
        });
        return;
      }
    }
    if (killed) return;
    const mainThread = launch("main", 0);
    main = mainThread;
    void mainThread.done.then(finish);
    void growPool(Math.min(options.threads, threadLimit) - 1);
  })();

  const handle: OpenMpJobHandle = {
    done,
    async scaleTo(threads: number) {
      await started;
      if (!Number.isInteger(threads) || threads < 1)
        throw new RangeError(`cannot scale to ${threads} threads`);
      const n = Math.min(threads, threadLimit);
      await growPool(n - 1);
      if (finished) throw new Error(`${name} has ended; it cannot be scaled`);
      Atomics.store(ctl, Ctl.defaultThreads, n);
    },
    async kill() {
      killed = true;
      finish({ kind: "failed", reason: "killed", message: `${name} was killed` });
      await Promise.all([...team, ...(main === undefined ? [] : [main])].map((h) => h.kill()));
    },
  };
  if (options.control !== undefined) attachControl(options.control, handle);
  return handle;
}

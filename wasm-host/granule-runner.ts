// Parent side of a granule: starts its worker thread, streams its output to callbacks and turns
// whatever happens to the thread into exactly one outcome. Nothing a granule does, traps,
// exhausting its heap, a crashing worker, can throw into or crash the calling process:
// runGranule never throws, and `done` always resolves.

import "./engine.js";
import { MessageChannel, type TransferListItem, Worker } from "node:worker_threads";
import type { GranuleLaunch, StagedRestore } from "./launch.js";
import { moduleHash } from "./module-cache.js";
import type { GranuleOutcome } from "./outcome.js";
import type { Precopy } from "./snapshot/types.js";
import type { StageRequest } from "./staging.js";
import type { WasiState } from "./wasi/mod.js";
import {
  fillPool,
  granuleStarted,
  refillPool,
  startPooledWorker,
  takeWarmWorker,
  type WarmUpPlan,
} from "./worker-pool.js";
import type { GranuleWorkerData, WorkerLaunch, WorkerToParent } from "./worker-protocol.js";
import { compiledModuleUrl } from "./worker-url.js";

export interface GranuleCallbacks {
  /** A chunk the program wrote to stdout (a private copy), in order, as it was written. */
  onStdout(bytes: Uint8Array): void;
  onStderr(bytes: Uint8Array): void;
  /**
   * Messages from import providers (ctx.postToHost). A provider message arriving without this
   * callback fails the granule rather than being dropped.
   */
  onProviderMessage?(message: unknown): void;
}

export interface GranuleStarted {
  /** Host-wide wall clock (performance.timeOrigin + performance.now(), ms) as the entry began. */
  readonly at: number;
}

export interface GranuleHandle {
  /** Wall clock (same scale as started.at) when runGranule was called. */
  readonly launchedAt: number;
  /** Resolves as the entry export is about to run; rejects if the granule ends before that. */
  readonly started: Promise<GranuleStarted>;
  readonly done: Promise<GranuleOutcome>;
  /** The WASI state at the end of the run, once done resolved (null if it never got that far). */
  finalWasiState(): WasiState | null;
  /** Hands a message to the granule's providers (ctx.receiveFromHost). */
  postToGranule(message: unknown, transfer?: readonly TransferListItem[]): void;
  /** Stops the granule; done resolves "failed" with reason "killed" unless it had ended already. */
  kill(): Promise<void>;
  /**
   * Asks the granule to snapshot at its next control point (a flag in shared memory: no message,
   * nothing else waits). `done` then resolves { kind: "suspended", snapshot }. Throws when the
   * module's hash is unknown (launch a compiled module with moduleHash) or the granule has ended.
   */
  requestSnapshot(options?: { readonly delta?: boolean }): void;
  /**
   * Live migration's first step: the granule copies its memory at its next host call (an MPI
   * call), keeps that copy and hands one over, then runs on. A later requestSnapshot({ delta:
   * true }) stores only the pages that changed since (docs/snapshots.md "Pre-copy"). Rejects if
   * the granule ends first; the caller bounds the wait (a granule in a long computation makes
   * no host call).
   */
  precopy(): Promise<Precopy>;
  /**
   * For a restore launch: resolves once memory and globals are in place, just before the rewind,
   * with the memory's sha256 when digestAfterRestore was asked for. Rejects if it never gets there.
   */
  readonly restored: Promise<GranuleRestored>;
}

export interface GranuleRestored {
  readonly at: number;
  /** sha256 hex of the whole linear memory right after the restore (digestAfterRestore only). */
  readonly memoryDigest: string | undefined;
}

const DEFAULT_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32, stackSizeMb: 8 };

let workerUrl: URL | undefined;

/**
 * Starts warm granule workers ahead of the first launch, so that a host's first granule (or
 * the first rank restored on a migration target) does not wait for a thread to start, and has
 * them warm up by the plans given (worker-pool.ts). A host passes its slots: the pool then keeps
 * as many workers as it can run granules at once. Resolves once those warm-ups have ended.
 */
export function prewarmGranuleWorkers(
  providers: readonly string[] = [],
  warmUps: readonly WarmUpPlan[] = [],
  slots?: number,
): Promise<void> {
  workerUrl ??= compiledModuleUrl(import.meta.url, "./granule-worker.js");
  return fillPool(workerUrl, DEFAULT_LIMITS, providers, warmUps, slots);
}

const stagedThreads = new WeakMap<StagedRestore, Worker>();

/** Starts staging a restore in a pooled thread; the image's buffers in `transfer` move there. */
export function stageRestore(
  module: WebAssembly.Module,
  moduleHash: string,
  precopy: Precopy,
  transfer: ArrayBuffer[],
): StagedRestore {
  workerUrl ??= compiledModuleUrl(import.meta.url, "./granule-worker.js");
  const worker = takeWarmWorker() ?? startPooledWorker(workerUrl, DEFAULT_LIMITS);
  // Waiting for its snapshot must not keep the process alive.
  worker.unref();
  let alive = true;
  const ready = new Promise<boolean>((resolve) => {
    const onMessage = (m: unknown) => {
      if (typeof m !== "object" || m === null || !("staged" in m)) return;
      worker.off("message", onMessage);
      if ((m as { staged: unknown }).staged !== true) alive = false;
      resolve(alive);
    };
    worker.on("message", onMessage);
    const gone = () => {
      alive = false;
      resolve(false);
    };
    worker.once("error", gone);
    worker.once("exit", gone);
  });
  const request: StageRequest = { stage: { module, moduleHash, id: precopy.id, image: precopy.image } };
  worker.postMessage(request, transfer);
  const staged: StagedRestore = {
    id: precopy.id,
    moduleHash,
    ready,
    usable: () => alive && stagedThreads.has(staged),
    discard() {
      if (!stagedThreads.delete(staged)) return;
      alive = false;
      void worker.terminate();
    },
  };
  stagedThreads.set(staged, worker);
  return staged;
}

/** The staged thread, taken for a launch (once); undefined if it is not usable. */
function claimStaged(staged: StagedRestore): Worker | undefined {
  if (!staged.usable()) return undefined;
  const worker = stagedThreads.get(staged);
  stagedThreads.delete(staged);
  worker?.removeAllListeners("error");
  worker?.removeAllListeners("exit");
  worker?.ref();
  return worker;
}

export function runGranule(launch: GranuleLaunch, callbacks: GranuleCallbacks): GranuleHandle {
  const launchedAt = performance.timeOrigin + performance.now();
  const name = launch.name ?? "granule";
  let settleDone!: (o: GranuleOutcome) => void;
  const done = new Promise<GranuleOutcome>((resolve) => {
    settleDone = resolve;
  });
  let resolveStarted!: (s: GranuleStarted) => void;
  let rejectStarted!: (e: Error) => void;
  const started = new Promise<GranuleStarted>((resolve, reject) => {
    resolveStarted = resolve;
    rejectStarted = reject;
  });
  // A caller interested only in `done` must not get an unhandled rejection from `started`.
  started.catch(() => {});
  let resolveRestored!: (r: GranuleRestored) => void;
  let rejectRestored!: (e: Error) => void;
  const restored = new Promise<GranuleRestored>((resolve, reject) => {
    resolveRestored = resolve;
    rejectRestored = reject;
  });
  restored.catch(() => {});
  const hash =
    launch.moduleHash ?? (launch.module instanceof Uint8Array ? moduleHash(launch.module) : undefined);
  const snapshotSignal = new SharedArrayBuffer(8);
  const precopies: { resolve: (p: Precopy) => void; reject: (e: Error) => void }[] = [];

  let finished = false;
  let finalState: WasiState | null = null;
  let worker: Worker | undefined;
  const finish = (outcome: GranuleOutcome): void => {
    if (finished) return;
    finished = true;
    rejectStarted(new Error(`${name} ended before its entry ran: ${describe(outcome)}`));
    rejectRestored(new Error(`${name} ended before it was restored: ${describe(outcome)}`));
    for (const p of precopies.splice(0))
      p.reject(new Error(`${name} ended before its pre-copy: ${describe(outcome)}`));
    settleDone(outcome);
    // The thread has nothing left to do; do not let a provider's open handle keep it alive.
    void worker?.terminate();
    // Its vCPU is free now: the time to start a warm replacement (worker-pool.ts).
    if (workerUrl !== undefined && counted) refillPool(workerUrl, DEFAULT_LIMITS);
  };
  let counted = false;

  const mailboxSignal = new SharedArrayBuffer(4);
  const signal = new Int32Array(mailboxSignal);
  const { port1: mailboxIn, port2: mailboxOut } = new MessageChannel();

  try {
    workerUrl ??= compiledModuleUrl(import.meta.url, "./granule-worker.js");
    const { transferList = [], limits = {}, staged, ...rest } = launch;
    if (rest.restore !== undefined && hash !== rest.restore.moduleHash) {
      mailboxIn.close();
      finish({
        kind: "failed",
        reason: "bad-snapshot",
        message:
          hash === undefined
            ? `${name}: restoring from a snapshot needs the module's hash (launch.moduleHash)`
            : `${name}: the snapshot is of module sha256:${rest.restore.moduleHash.slice(0, 16)}, not sha256:${hash.slice(0, 16)}`,
      });
      return handle();
    }
    const workerLaunch: WorkerLaunch = { ...rest, moduleHash: hash };
    const workerData: GranuleWorkerData = {
      launch: workerLaunch,
      mailbox: mailboxOut,
      mailboxSignal,
      snapshotSignal,
    };
    const stagedWorker = staged === undefined ? undefined : claimStaged(staged);
    if (staged !== undefined && stagedWorker === undefined) {
      throw new Error(`the thread staged for ${name} is gone (it failed, was discarded or already used)`);
    }
    granuleStarted();
    counted = true;
    const warm = stagedWorker ?? (launch.limits === undefined ? takeWarmWorker() : undefined);
    if (warm) {
      worker = warm;
      try {
        warm.postMessage(workerData, [mailboxOut, ...transferList]);
      } catch (e) {
        void warm.terminate();
        throw e;
      }
    } else {
      worker = new Worker(workerUrl, {
        name,
        workerData,
        transferList: [mailboxOut, ...transferList],
        resourceLimits: { ...DEFAULT_LIMITS, ...limits },
        // Flags of the parent (test runners, loaders) are not meant for granule threads.
        execArgv: [],
      });
    }
  } catch (e) {
    mailboxIn.close();
    // A launch holding something that cannot cross threads (a non-shared memory, a function).
    const reason = e instanceof Error && e.name === "DataCloneError" ? "bad-launch" : "worker-crash";
    finish({ kind: "failed", reason, message: `could not start ${name}: ${messageOf(e)}` });
    return handle();
  }

  const callback = (what: string, call: () => void): void => {
    try {
      call();
    } catch (e) {
      finish({ kind: "failed", reason: "host-callback", message: `${what} callback threw: ${messageOf(e)}` });
    }
  };

  worker.on("message", (msg: WorkerToParent) => {
    if (finished) return;
    switch (msg.type) {
      case "stdout":
        callback("onStdout", () => callbacks.onStdout(msg.bytes));
        break;
      case "stderr":
        callback("onStderr", () => callbacks.onStderr(msg.bytes));
        break;
      case "started":
        resolveStarted({ at: msg.at });
        break;
      case "restored":
        resolveRestored({ at: msg.at, memoryDigest: msg.memoryDigest });
        break;
      case "precopy": {
        const copied = msg.precopy;
        for (const p of precopies.splice(0)) {
          if (copied !== undefined) p.resolve(copied);
          else p.reject(new Error(`${name}: ${msg.error ?? "no pre-copy"}`));
        }
        break;
      }
      case "provider": {
        const onMessage = callbacks.onProviderMessage;
        if (onMessage === undefined) {
          finish({
            kind: "failed",
            reason: "host-callback",
            message: `${name}: an import provider posted a message but runGranule was given no onProviderMessage`,
          });
        } else {
          callback("onProviderMessage", () => onMessage(msg.message));
        }
        break;
      }
      case "done":
        finalState = msg.wasiState;
        finish(msg.outcome);
        break;
    }
  });
  worker.on("messageerror", (e) => {
    finish({ kind: "failed", reason: "worker-crash", message: `${name}: undecodable message: ${e.message}` });
  });
  worker.on("error", (e: Error & { code?: string }) => {
    finish(
      e.code === "ERR_WORKER_OUT_OF_MEMORY"
        ? { kind: "failed", reason: "out-of-memory", message: `${name}: ${e.message}` }
        : { kind: "failed", reason: "worker-crash", message: `${name}: worker thread error: ${e.message}` },
    );
  });
  worker.on("exit", (code) => {
    mailboxIn.close();
    finish({
      kind: "failed",
      reason: "worker-crash",
      message: `${name}: worker thread exited (code ${code}) without reporting an outcome`,
    });
  });

  return handle();

  function handle(): GranuleHandle {
    return {
      launchedAt,
      started,
      done,
      finalWasiState: () => finalState,
      postToGranule(message, transfer) {
        if (finished) throw new Error(`${name} has ended; it cannot receive messages`);
        mailboxIn.postMessage(message, transfer);
        // postMessage has queued the message by now, so the worker finds it once woken.
        Atomics.add(signal, 0, 1);
        Atomics.notify(signal, 0);
      },
      async kill() {
        finish({ kind: "failed", reason: "killed", message: `${name} was killed` });
        await worker?.terminate();
      },
      requestSnapshot(options) {
        if (finished) throw new Error(`${name} has ended; it cannot be snapshotted`);
        if (hash === undefined) {
          throw new Error(
            `${name}: cannot snapshot a granule whose module hash is unknown (launch.moduleHash)`,
          );
        }
        Atomics.store(new Int32Array(snapshotSignal), 0, options?.delta === true ? 2 : 1);
      },
      precopy() {
        if (finished) return Promise.reject(new Error(`${name} has ended; it cannot be pre-copied`));
        const copied = new Promise<Precopy>((resolve, reject) => precopies.push({ resolve, reject }));
        Atomics.store(new Int32Array(snapshotSignal), 1, 1);
        return copied;
      },
      restored,
    };
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function describe(outcome: GranuleOutcome): string {
  switch (outcome.kind) {
    case "exited":
      return `exited with code ${outcome.code}`;
    case "trapped":
      return `trapped: ${outcome.message}`;
    case "failed":
      return `failed (${outcome.reason}): ${outcome.message}`;
    case "suspended":
      return outcome.message;
  }
}

// Idle granule workers started ahead of need. Node takes tens of milliseconds to start a worker
// thread and load the granule code into it, which was most of a granule's start time (and of a
// restore's, in a migration pause). A pooled worker has done that already and waits for its
// launch as its first message, having loaded the import providers it was told to expect (the
// MPI provider's module graph took a restored rank 20-30 ms to load). Only launches with the
// default resource limits use the pool, since limits are fixed when a thread starts.
// GRANNY_WORKER_POOL sets the number kept (0: off).
//
// The pool is topped up when a granule ends, not when one is taken: starting a thread costs tens
// of milliseconds of CPU, and taken workers run granules that want every core (two OpenMP threads
// on two cores ran 2x slower while their replacements started). A granule that ends leaves its
// vCPU free for that work.
import { type ResourceLimits, Worker } from "node:worker_threads";

const size = Math.max(0, Number(process.env.GRANNY_WORKER_POOL ?? 2) || 0);
const idle: Worker[] = [];
/** Import providers (module URLs) that pooled workers load while they wait. */
let preload: readonly string[] = [];
const forget = new WeakMap<Worker, () => void>();

/** A pooled worker's data: "wait for the launch in your first message; load these meanwhile". */
export interface PooledWorkerData {
  readonly pooled: true;
  readonly preload: readonly string[];
}

/** An idle worker ready for a launch message, or undefined (see refillPool). */
export function takeWarmWorker(): Worker | undefined {
  if (size === 0) return undefined;
  const worker = idle.shift();
  if (worker) {
    forget.get(worker)?.();
    worker.ref();
  }
  return worker;
}

/** Tops the pool up, once the current turn of the event loop is over (a granule just ended). */
export function refillPool(url: URL, limits: ResourceLimits): void {
  if (size === 0 || idle.length >= size) return;
  setImmediate(() => refill(url, limits));
}

/**
 * Starts the pool's idle workers now (a host at start-up), rather than at the first launch;
 * workers started from now on preload these providers.
 */
export function fillPool(url: URL, limits: ResourceLimits, providers: readonly string[] = []): void {
  preload = [...new Set([...preload, ...providers])];
  refill(url, limits);
}

/** A worker started like a pooled one (it waits for its launch), outside the pool. */
export function startPooledWorker(url: URL, limits: ResourceLimits): Worker {
  const workerData: PooledWorkerData = { pooled: true, preload };
  return new Worker(url, { workerData, resourceLimits: limits, execArgv: [] });
}

function refill(url: URL, limits: ResourceLimits): void {
  while (idle.length < size) {
    let worker: Worker;
    try {
      worker = startPooledWorker(url, limits);
    } catch {
      return;
    }
    // An idle worker must not keep the process alive, nor outlive a crash unnoticed.
    worker.unref();
    const drop = () => {
      const at = idle.indexOf(worker);
      if (at >= 0) idle.splice(at, 1);
    };
    worker.on("error", drop);
    worker.on("exit", drop);
    forget.set(worker, () => {
      worker.off("error", drop);
      worker.off("exit", drop);
    });
    idle.push(worker);
  }
}

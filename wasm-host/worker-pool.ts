// Idle granule workers started ahead of need. Node takes tens of milliseconds to start a worker
// thread and load the granule code into it, which was most of a granule's start time (and of a
// restore's, in a migration pause). A pooled worker has done that already and waits for its
// launch as its first message, having loaded the import providers it was told to expect (the
// MPI provider's module graph took a restored rank 20-30 ms to load). Only launches with the
// default resource limits use the pool, since limits are fixed when a thread starts.
// The pool keeps two workers, or as many as the host has slots when a host says so (fillPool):
// a job that fills a host then starts on pooled workers only (an OpenMP job of 3 threads on a
// pool of 2 started its third thread in the first parallel region, 40 ms of a 13 ms kernel).
// GRANNY_WORKER_POOL sets the number kept whatever the host says (0: off).
//
// The pool is topped up when a granule ends, not when one is taken: starting a thread costs tens
// of milliseconds of CPU, and taken workers run granules that want every core (two OpenMP threads
// on two cores ran 2x slower while their replacements started). A granule that ends leaves its
// vCPU free for that work.
//
// Idle workers also warm up (WarmUpPlan): a team of them runs a provider's exercise (the MPI one:
// a two-rank job over the real host calls, mpi/warm-up.ts; the OpenMP one: a program of ours as
// main and team thread, omp/warm-up.ts) so that V8 has compiled the
// provider's hot paths before a launch needs them; with several plans (MPI and OpenMP), a team
// runs them one after the other. A launch prefers a warmed worker, and taking
// one that is still warming stops its team's exercise (the launch waits for the round in
// progress, well under a millisecond once warm). A team starts only on vCPUs that no running
// granule uses. GRANNY_WARM_UP=0 turns warm-ups off.
import { availableParallelism } from "node:os";
import { type ResourceLimits, Worker } from "node:worker_threads";
import type { WarmUpReport } from "./imports.js";
import { isWarmUpDone, type WarmUpRequest } from "./worker-protocol.js";

/** Workers kept when nobody says otherwise, and the most a host's slots may ask for. */
const DEFAULT_SIZE = 2;
const MAX_SIZE = 64;
const sizeFromEnv = process.env.GRANNY_WORKER_POOL;
let size = Math.max(0, Number(sizeFromEnv ?? DEFAULT_SIZE) || 0);
const warmUpsOn = process.env.GRANNY_WARM_UP !== "0";

/** How a team of idle workers warms up a provider (mpi/warm-up-plan.ts is one). */
export interface WarmUpPlan {
  /** Module URL of the provider whose warmUp(session) each member runs. */
  readonly provider: string;
  /** Workers that warm up together (the MPI exercise is a two-rank job). */
  readonly team: number;
  /** One session per member, a way to stop the exercise early, and the clean-up after it. */
  start(): { readonly sessions: readonly unknown[]; stop(): void; end(): void };
}

interface IdleWorker {
  readonly worker: Worker;
  /** cold: not warmed (yet); warming: in a team's exercise (stop ends it); warm: warmed by a plan. */
  state: "cold" | "warming" | "warm";
  /** Plans this worker has run (or could not start). */
  readonly done: Set<WarmUpPlan>;
  stop?: () => void;
  /**
   * Settles when the worker's warm-ups have ended, every plan it could run now done (or the
   * worker has gone), once it has begun one.
   */
  warmedUp?: Promise<void>;
  settle?: () => void;
}

const idle: IdleWorker[] = [];
/** Granules running in this process (runGranule reports them): warm-ups use the other vCPUs. */
let running = 0;
/** Import providers (module URLs) that pooled workers load while they wait. */
let preload: readonly string[] = [];
let plans: readonly WarmUpPlan[] = [];
const forget = new WeakMap<Worker, () => void>();
const reports: WarmUpReport[] = [];

/** A pooled worker's data: "wait for the launch in your first message; load these meanwhile". */
export interface PooledWorkerData {
  readonly pooled: true;
  readonly preload: readonly string[];
}

/**
 * An idle worker ready for a launch message, or undefined (see refillPool). Warmed workers
 * first; a warming one stops its team's exercise.
 */
export function takeWarmWorker(): Worker | undefined {
  if (size === 0) return undefined;
  const rank = { warm: 0, cold: 1, warming: 2 } as const;
  const taken = [...idle].sort((a, b) => rank[a.state] - rank[b.state] || b.done.size - a.done.size)[0];
  if (taken === undefined) return undefined;
  idle.splice(idle.indexOf(taken), 1);
  if (taken.state === "warming") taken.stop?.();
  taken.settle?.();
  forget.get(taken.worker)?.();
  taken.worker.ref();
  return taken.worker;
}

/** A granule started running in this process (in any worker, pooled or not). */
export function granuleStarted(): void {
  running++;
}

/**
 * A granule ended: tops the pool up, once the current turn of the event loop is over, and starts
 * the warm-ups that now have vCPUs to themselves.
 */
export function refillPool(url: URL, limits: ResourceLimits): void {
  running = Math.max(0, running - 1);
  if (size === 0) return;
  setImmediate(() => refill(url, limits));
}

/**
 * Starts the pool's idle workers now (a host at start-up), rather than at the first launch;
 * workers started from now on preload these providers and warm up by these plans. Resolves when
 * the idle workers' warm-ups have ended (at once if they have; call it again to wait for the
 * warm-up of workers that replaced taken ones).
 */
export function fillPool(
  url: URL,
  limits: ResourceLimits,
  providers: readonly string[] = [],
  warmUps: readonly WarmUpPlan[] = [],
  slots?: number,
): Promise<void> {
  // Hosts in one process (a local cluster in tests) share the pool: the largest one sizes it.
  if (slots !== undefined && sizeFromEnv === undefined) size = Math.max(size, Math.min(slots, MAX_SIZE));
  preload = [...new Set([...preload, ...providers, ...warmUps.map((p) => p.provider)])];
  // One plan per provider: a later plan for the same provider replaces the earlier one.
  if (warmUpsOn)
    plans = [...plans.filter((p) => !warmUps.some((w) => w.provider === p.provider)), ...warmUps];
  refill(url, limits);
  return Promise.all(idle.map((w) => w.warmedUp)).then(() => {});
}

/** Stops warming up: no new teams, and those running end their exercise now. */
export function endWarmUps(): void {
  plans = [];
  for (const w of idle) w.stop?.();
}

/** Warm-ups finished so far in this process, oldest first (for tests and diagnostics). */
export function warmUpReports(): readonly WarmUpReport[] {
  return reports;
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
    const entry: IdleWorker = { worker, state: "cold", done: new Set() };
    const drop = () => {
      const at = idle.indexOf(entry);
      if (at >= 0) idle.splice(at, 1);
      entry.stop?.();
      entry.settle?.();
    };
    worker.on("error", drop);
    worker.on("exit", drop);
    // An idle worker must not keep the process alive, nor outlive a crash unnoticed.
    worker.unref();
    forget.set(worker, () => {
      worker.off("error", drop);
      worker.off("exit", drop);
    });
    idle.push(entry);
  }
  startWarmUps();
}

/**
 * Puts idle workers into teams for the plans they have not run, one plan after the other, while
 * the team's threads find vCPUs that no running granule uses (otherwise they wait for the next
 * granule to end). A team whose exercise ends goes on to the next plan together.
 */
function startWarmUps(): void {
  for (const plan of plans) {
    for (;;) {
      const team = idle.filter((w) => w.state !== "warming" && !w.done.has(plan)).slice(0, plan.team);
      if (team.length < plan.team) break;
      const warming = idle.filter((w) => w.state === "warming").length;
      if (running + warming + plan.team > availableParallelism()) break;
      let run: ReturnType<WarmUpPlan["start"]>;
      try {
        run = plan.start();
      } catch {
        // A plan that cannot start (no memory for its shared buffers): the workers stay as cold
        // as they are, but are not put in a team again.
        for (const member of team) member.done.add(plan);
        break;
      }
      let left = team.length;
      let stopped = false;
      const stop = () => {
        if (stopped) return;
        stopped = true;
        run.stop();
      };
      team.forEach((member, i) => {
        member.state = "warming";
        member.stop = stop;
        if (member.settle === undefined) {
          member.warmedUp = new Promise<void>((resolve) => {
            member.settle = () => {
              member.settle = undefined;
              resolve();
            };
          });
        }
        // The member's warm-up has ended, by its answer or by its thread's exit. Once the whole
        // team's has, the next plan may start with them; those it does not take are warmed up.
        const over = () => {
          member.worker.off("message", finished);
          member.worker.off("exit", over);
          member.stop = undefined;
          if (member.state === "warming") member.state = member.done.size > 0 ? "warm" : "cold";
          if (--left === 0) {
            run.end();
            startWarmUps();
          }
        };
        const finished = (m: unknown) => {
          if (!isWarmUpDone(m)) return;
          reports.push(m.warmedUp);
          member.done.add(plan);
          member.state = "warm";
          // Idle again: it must not keep the process alive (a launch that took it refs it).
          if (idle.includes(member)) member.worker.unref();
          over();
        };
        // Referenced while it warms up, so that a process awaiting the warm-up lives to see it end.
        member.worker.on("message", finished);
        member.worker.on("exit", over);
        member.worker.ref();
        const request: WarmUpRequest = { warmUp: { provider: plan.provider, session: run.sessions[i] } };
        member.worker.postMessage(request);
      });
    }
  }
  for (const w of idle) if (w.state !== "warming") w.settle?.();
}

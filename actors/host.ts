// The host actor: one per VM. It registers its vCPU slots with the planner and heartbeats,
// starts the granules the planner places here (each in its own worker thread), publishes every
// lifecycle transition and the granules' output to the jobs stream, and reports each granule's
// end to the planner. Nothing a granule does can take the host down.

import type { Context } from "@opentelemetry/api";
import { match } from "ts-pattern";
import {
  type Bus,
  DurablePublisher,
  ensureJobsStream,
  type GranuleState,
  type Message,
  type MessageOf,
  ModuleStore,
  message,
  RejectedError,
  SnapshotStore,
  subjects,
} from "../bus/mod.js";
import {
  ATTR,
  captureContext,
  type GaugeSample,
  GranuleTrace,
  inContext,
  metrics,
  SPAN,
  withSpan,
} from "../observability/mod.js";
import {
  checkMpiImports,
  decodeSnapshot,
  encodeSnapshot,
  type GranuleHandle,
  type GranuleOutcome,
  type GranuleSnapshot,
  ModuleCache,
  MpiRouter,
  mpiProviderUrl,
  mpiRefusal,
  mpiWarmUpPlan,
  type OpenMpJobHandle,
  ompProviderUrl,
  ompWarmUpModule,
  ompWarmUpPlan,
  prewarmGranuleWorkers,
  runGranule,
  type StagedRestore,
  startOpenMpJob,
} from "../wasm-host/mod.js";
import { GranuleLifecycle } from "./granule.js";
import { instrumentOffThread } from "./instrument.js";
import type { Logger } from "./log.js";
import { OutputPump } from "./output-pump.js";
import { PrecopyStore, sendPrecopy } from "./precopy.js";

/** Longest a starting host waits for its pooled workers' warm-up before it registers. */
const WARM_UP_WAIT_MS = 3000;

export const HOST_ACCEPTS = [
  "granny.v1.granules_start",
  "granny.v1.job_stop",
  "granny.v1.migration_precopy",
  "granny.v1.snapshot_precopy",
  "granny.v1.migration_plan",
  "granny.v1.snapshot_transfer",
  "granny.v1.barrier_release",
  "granny.v1.granules_thaw",
  "granny.v1.scale_up",
] as const;

/** A rank busy computing never looks at the abort flag: after this grace it is stopped, as mpirun would. */
const MPI_ABORT_GRACE_MS = 2000;
/** MPI envelopes for a job whose router does not exist here yet (its start is still on its way). */
const EARLY_ENVELOPE_LIMIT = 4096;

export interface HostOptions {
  readonly bus: Bus;
  readonly log: Logger;
  readonly name: string;
  readonly slots: number;
  readonly spot?: boolean;
  readonly heartbeatMs?: number;
}

/** What a host needs to run (or restore) any granule of a job. */
interface JobSpec {
  readonly jobId: string;
  readonly kind: MessageOf<"granules_start">["kind"];
  readonly module: MessageOf<"granules_start">["module"];
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** A module ready to run: MPI modules are instrumented for control points (snapshots name this hash). */
interface Runnable {
  readonly module: WebAssembly.Module;
  readonly hash: string;
}

/** A granule arriving as a snapshot, for the migration plan that moves it. */
interface Restore {
  readonly snapshot: GranuleSnapshot;
  readonly bytes: number;
  readonly planId: string;
  /** Buffers of the snapshot this host owns: moved to the granule's thread, not copied. */
  readonly transfer: ArrayBuffer[];
  /** The thread staged with the pre-copy; `snapshot` is then a delta over it. */
  readonly staged: StagedRestore | undefined;
}

/** A job with granules on this host. */
interface HostJob {
  readonly spec: JobSpec;
  readonly router?: MpiRouter;
  /** An OpenMP job: its threads are granules of one job run over one shared memory. */
  omp?: OpenMpJobHandle;
  /** Resolves once the OpenMP job runs (a scale-up may arrive while its module is still loading). */
  ompStarted?: Promise<OpenMpJobHandle | undefined>;
  /** The migration this host takes part in, and when its routes follow the plan's placement. */
  plan?: { readonly planId: string; readonly placement: readonly string[]; ready: Promise<void> };
}

interface RunningGranule {
  readonly jobId: string;
  readonly granule: number;
  readonly lifecycle: GranuleLifecycle;
  /** Where this granule goes at its next barrier. */
  moving?: {
    readonly planId: string;
    readonly to: string;
    readonly placement: readonly string[];
    /** The migration's trace context from the plan message: snapshot and transfer spans join it. */
    readonly trace: Context;
  };
  readonly trace: GranuleTrace;
  /** Lifecycle events and output, published in order. */
  readonly events: SerialQueue;
  handle?: GranuleHandle;
  /** Resolves with the handle once the granule's thread is launched (its module may still be loading). */
  readonly launched: Promise<GranuleHandle>;
  setLaunched: (handle: GranuleHandle) => void;
  stopReason?: string;
  /** The plan whose pre-copy of this granule reached its target. */
  precopied?: string;
}

/** Runs async tasks one after another: keeps each granule's events in the order they happened. */
class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  push(task: () => Promise<void>): Promise<void> {
    this.tail = this.tail.then(task, task);
    return this.tail;
  }
}

export class HostActor {
  private readonly granules = new Map<string, RunningGranule>();
  /** Pre-copies sent here by the sources of migrations, until their snapshots arrive. */
  private readonly precopies = new PrecopyStore();
  /** Jobs with granules here; MPI jobs carry their router. */
  private readonly jobs = new Map<string, HostJob>();
  private readonly earlyEnvelopes = new Map<string, Uint8Array[]>();
  private readonly publisher: DurablePublisher;
  private readonly runnables = new Map<string, Promise<Runnable>>();
  private readonly cache = new ModuleCache();
  private modules: ModuleStore | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private registered = false;
  private stopping = false;

  constructor(private readonly opts: HostOptions) {
    this.publisher = new DurablePublisher(opts.bus);
  }

  get name(): string {
    return this.opts.name;
  }

  private gauges(): GaugeSample {
    const granules: Partial<Record<GranuleState, number>> = {};
    for (const g of this.granules.values())
      granules[g.lifecycle.state] = (granules[g.lifecycle.state] ?? 0) + 1;
    return { vcpusUsed: this.granules.size, vcpusIdle: this.opts.slots - this.granules.size, granules };
  }

  private unobserve: (() => void) | undefined;

  async start(): Promise<void> {
    this.unobserve = metrics.observe(() => this.gauges());
    await ensureJobsStream(this.opts.bus);
    this.modules = await ModuleStore.open(this.opts.bus);
    this.opts.bus.serve(subjects.host(this.opts.name), HOST_ACCEPTS, (msg) => this.handle(msg), {
      onError: (err) => this.opts.log.warn(`refused a message: ${err.message}`),
    });
    this.opts.bus.serve(subjects.mpi(this.opts.name), ["granny.v1.mpi_envelope"], (m) => this.onEnvelope(m), {
      onError: (err) => this.opts.log.warn(`refused an MPI envelope: ${err.message}`),
    });
    await this.opts.bus.flush();
    // Pooled workers load the MPI provider ahead (a restored rank does not wait for it in the
    // pause) and run its message path until V8 has compiled it (wasm-host/mpi/warm-up.ts). The
    // host offers its slots once they have, or after WARM_UP_WAIT_MS, whichever comes first.
    await Promise.race([
      prewarmGranuleWorkers([mpiProviderUrl().href], [mpiWarmUpPlan()], this.opts.slots),
      new Promise((resolve) => setTimeout(resolve, WARM_UP_WAIT_MS).unref()),
    ]);
    // Then the OpenMP runtime (wasm-host/omp/warm-up.ts), once its exercise is built: that takes
    // the toolchain (cached after the first build), so the host does not wait for it, and a
    // machine without clang runs without this warm-up.
    if (process.env.GRANNY_WARM_UP !== "0") {
      ompWarmUpModule()
        .then((program) => prewarmGranuleWorkers([ompProviderUrl().href], [ompWarmUpPlan(program)]))
        .catch((err: Error) => this.opts.log.warn(`no OpenMP warm-up: ${err.message.split("\n")[0]}`));
    }
    await this.register();

    const every = this.opts.heartbeatMs ?? 1000;
    this.heartbeat = setInterval(() => void this.beat(), every);
  }

  /** A spot VM's eviction notice: the planner moves (or freezes) what runs here before the grace ends. */
  async evictionNotice(graceMs: number): Promise<void> {
    await this.tellPlanner(message("evict_request", { host: this.opts.name, graceMs }));
  }

  /** A request to the planner that it answers with an ack (errors come back typed). */
  private async tellPlanner(msg: Message): Promise<void> {
    await this.opts.bus.request(subjects.planner, msg, ["granny.v1.ack"], { timeoutMs: 10_000 });
  }

  /** Leaves the cluster: tells the planner, then stops every granule. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.heartbeat);
    this.unobserve?.();
    await this.opts.bus
      .request(subjects.planner, message("host_leave", { host: this.opts.name }), ["granny.v1.ack"], {
        timeoutMs: 2000,
      })
      .catch(() => undefined);
    await Promise.all([
      ...[...this.granules.values()].map((g) => g.handle?.kill()),
      ...[...this.jobs.values()].map((j) => j.omp?.kill()),
    ]);
  }

  private handle(msg: Message & { type: (typeof HOST_ACCEPTS)[number] }): Message | Promise<Message> {
    return match(msg)
      .with({ type: "granny.v1.granules_start" }, (m) => this.onStart(m))
      .with({ type: "granny.v1.job_stop" }, (m) => this.onStop(m))
      .with({ type: "granny.v1.migration_precopy" }, (m) => this.onMigrationPrecopy(m))
      .with({ type: "granny.v1.snapshot_precopy" }, (m) => this.onSnapshotPrecopy(m))
      .with({ type: "granny.v1.migration_plan" }, (m) => this.onMigrationPlan(m))
      .with({ type: "granny.v1.snapshot_transfer" }, (m) => this.onSnapshotTransfer(m))
      .with({ type: "granny.v1.barrier_release" }, (m) => this.onBarrierRelease(m))
      .with({ type: "granny.v1.granules_thaw" }, (m) => this.onThaw(m))
      .with({ type: "granny.v1.scale_up" }, (m) => this.onScaleUp(m))
      .exhaustive();
  }

  private async register(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        await this.opts.bus.request(
          subjects.planner,
          message("host_register", {
            host: this.opts.name,
            slots: this.opts.slots,
            spot: this.opts.spot ?? false,
          }),
          ["granny.v1.ack"],
          { timeoutMs: 2000 },
        );
        this.registered = true;
        this.opts.log.info(`host ${this.opts.name} registered with ${this.opts.slots} slots`);
        return;
      } catch (err) {
        if (err instanceof RejectedError) throw err;
        if (attempt % 10 === 0) this.opts.log.info(`waiting for the planner (${(err as Error).message})`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async beat(): Promise<void> {
    if (!this.registered || this.stopping) return;
    const granules = [...this.granules.values()].map((g) => ({
      jobId: g.jobId,
      granule: g.granule,
      state: g.lifecycle.state,
    }));
    try {
      await this.opts.bus.request(
        subjects.planner,
        message("host_heartbeat", { host: this.opts.name, slots: this.opts.slots, granules }),
        ["granny.v1.ack"],
        { timeoutMs: 2000 },
      );
    } catch (err) {
      if (err instanceof RejectedError) {
        // The planner does not know us (it restarted, or declared us gone): register again.
        this.registered = false;
        this.opts.log.warn(`planner: ${err.message}`);
        await this.register().catch((e: Error) => this.opts.log.error(e.message));
      } else {
        this.opts.log.debug(`heartbeat failed: ${(err as Error).message}`);
      }
    }
  }

  private onStart(m: MessageOf<"granules_start">): Message {
    const busy = this.granules.size;
    if (busy + m.granules.length > this.opts.slots) {
      throw new RejectedError(
        `host ${this.opts.name} has ${this.opts.slots - busy} free slots, not ${m.granules.length}`,
      );
    }
    for (const granule of m.granules) {
      const key = `${m.jobId}/${granule}`;
      if (this.granules.has(key)) throw new RejectedError(`granule ${key} already runs here`);
    }
    const job = this.jobs.get(m.jobId) ?? this.addJob(m, m.placement);
    const granules = m.granules.map((granule) => this.addGranule(m.jobId, granule));
    if (m.kind === "omp") {
      void this.runOpenMp(job, granules);
      return message("ack", {});
    }
    for (const g of granules) void this.run(g, job);
    return message("ack", {});
  }

  private addJob(spec: JobSpec, placement: readonly string[]): HostJob {
    const { jobId, kind, module, args, env } = spec;
    const job: HostJob = {
      spec: { jobId, kind, module, args, env },
      ...(kind === "mpi" ? { router: this.createRouter(jobId, placement) } : {}),
    };
    this.jobs.set(jobId, job);
    return job;
  }

  private addGranule(jobId: string, granule: number, persisted?: unknown): RunningGranule {
    let setLaunched!: (handle: GranuleHandle) => void;
    const launched = new Promise<GranuleHandle>((resolve) => {
      setLaunched = resolve;
    });
    const record: RunningGranule = {
      jobId,
      granule,
      launched,
      setLaunched,
      events: new SerialQueue(),
      trace: new GranuleTrace({ jobId, granule, host: this.opts.name }),
      lifecycle: new GranuleLifecycle(
        { jobId, granule, host: this.opts.name },
        {
          onTransition: (t) => this.publishTransition(record, t.from, t.to, t.event.type, t.context.failure),
          onRefused: (err) => this.opts.log.warn(`${jobId}/${granule}: ${err.message}`),
          ...(persisted !== undefined ? { persisted } : {}),
        },
      ),
    };
    this.granules.set(`${jobId}/${granule}`, record);
    return record;
  }

  /** The job's MPI router on this host: local ranks share memory, remote ones go over NATS. */
  private createRouter(jobId: string, placement: readonly string[]): MpiRouter {
    const router = new MpiRouter({
      jobId,
      hostName: this.opts.name,
      placement,
      // One connection and one subject per destination host keep envelopes in order.
      remoteSend: (host, envelope) => {
        this.opts.bus.publish(
          subjects.mpi(host),
          message("mpi_envelope", { jobId, fromHost: this.opts.name, data: envelope }),
        );
      },
      onAbort: (failure) => {
        this.opts.log.warn(`MPI job ${jobId} aborted: ${failure.message}`);
        setTimeout(() => {
          for (const g of this.granules.values()) if (g.jobId === jobId) void g.handle?.kill();
        }, MPI_ABORT_GRACE_MS).unref();
      },
    });
    for (const envelope of this.earlyEnvelopes.get(jobId) ?? []) router.deliverFromRemote(envelope);
    this.earlyEnvelopes.delete(jobId);
    return router;
  }

  private onEnvelope(m: MessageOf<"mpi_envelope">): undefined {
    const router = this.jobs.get(m.jobId)?.router;
    if (router) {
      router.deliverFromRemote(m.data);
      return undefined;
    }
    const early = this.earlyEnvelopes.get(m.jobId) ?? [];
    if (early.length >= EARLY_ENVELOPE_LIMIT)
      throw new RejectedError(`too many MPI envelopes for unknown job ${m.jobId}`);
    early.push(m.data);
    this.earlyEnvelopes.set(m.jobId, early);
    // Envelopes of a job that never starts here are dropped after a while.
    if (early.length === 1) setTimeout(() => this.earlyEnvelopes.delete(m.jobId), 60_000).unref();
    return undefined;
  }

  private onStop(m: MessageOf<"job_stop">): Message {
    for (const g of this.granules.values()) {
      if (g.jobId !== m.jobId) continue;
      g.stopReason = m.reason;
      void g.handle?.kill();
    }
    void this.jobs.get(m.jobId)?.omp?.kill();
    this.precopies.dropJob(m.jobId);
    return message("ack", {});
  }

  /**
   * Runs a granule to its end: a fresh start, or (with `restore`) a snapshot taken on another
   * host. A granule that leaves as a snapshot is shipped to its target instead of being reported
   * as ended.
   */
  private async run(g: RunningGranule, job: HostJob, restore?: Restore) {
    const { spec, router } = job;
    const pumps = this.outputPumps(g);
    let outcome: GranuleOutcome;
    try {
      if (!restore) g.lifecycle.apply({ type: "LOAD" });
      const runnable = await this.runnable(spec);
      if (g.stopReason !== undefined) throw new Error(`stopped before start: ${g.stopReason}`);
      if (spec.kind === "mpi" && !router) throw new Error(`no MPI router for job ${spec.jobId}`);
      const handle = runGranule(
        {
          module: runnable.module,
          moduleHash: runnable.hash,
          args: [spec.module.name, ...spec.args],
          env: spec.env,
          name: `${spec.jobId}/${g.granule}`,
          identity: { jobId: spec.jobId, granuleId: `rank-${g.granule}` },
          ...(restore ? { restore: restore.snapshot, transferList: restore.transfer } : {}),
          ...(restore?.staged ? { staged: restore.staged } : {}),
          ...(router ? { providers: [mpiProviderUrl().href], providerData: router.rankData(g.granule) } : {}),
        },
        {
          onStdout: (b) => pumps.stdout.write(b),
          onStderr: (b) => pumps.stderr.write(b),
          ...(router
            ? { onProviderMessage: (msg: unknown) => router.handleProviderMessage(g.granule, msg) }
            : {}),
        },
      );
      g.handle = handle;
      g.setLaunched(handle);
      // A migration decided while the granule was still loading takes effect at its first barrier.
      if (g.moving) handle.requestSnapshot({ delta: g.moving.to !== "" && g.precopied === g.moving.planId });
      if (restore && router) {
        void this.whenRestored(g, job, handle, restore);
      } else {
        handle.started.then(
          () => g.lifecycle.apply({ type: "STARTED" }),
          () => undefined,
        );
      }
      outcome = await handle.done;
    } catch (err) {
      outcome = { kind: "failed", reason: "bad-launch", message: (err as Error).message };
    }
    router?.rankExited(g.granule, outcome);
    await Promise.all([pumps.stdout.close(), pumps.stderr.close()]);
    if (outcome.kind === "suspended") {
      await this.ship(g, job, outcome.snapshot);
      return;
    }
    await this.endGranule(g, outcome);
  }

  private outputPumps(g: RunningGranule): Record<"stdout" | "stderr", OutputPump> {
    return {
      stdout: new OutputPump((data) => this.publishOutput(g, "stdout", data)),
      stderr: new OutputPump((data) => this.publishOutput(g, "stderr", data)),
    };
  }

  /** A granule's end, whatever ended it: lifecycle, trace, then the planner is told. */
  private async endGranule(g: RunningGranule, outcome: GranuleOutcome): Promise<void> {
    if (outcome.kind === "exited") {
      if (!g.lifecycle.apply({ type: "EXIT", code: outcome.code })) {
        // It exited before it was seen starting (a very short program): started resolves first.
        g.lifecycle.apply({ type: "STARTED" });
        g.lifecycle.apply({ type: "EXIT", code: outcome.code });
      }
    } else {
      const reason =
        g.stopReason !== undefined && outcome.kind === "failed" && outcome.reason === "killed"
          ? `stopped: ${g.stopReason}`
          : outcome.message;
      g.lifecycle.apply({ type: "FAIL", reason });
    }
    await this.forget(g);
    g.trace.end(
      outcome.kind === "exited"
        ? { exitCode: outcome.code }
        : { outcome: outcome.kind === "trapped" ? "trapped" : "failed", reason: outcome.message },
    );
    await this.reportEnd(g, outcome);
  }

  /**
   * An OpenMP job: one run over a shared memory whose threads are the job's granules. Thread 0
   * runs main; team threads come and go with parallel regions; the planner may add vCPUs
   * (scale_up), which the next fork whose size the program left to the runtime uses.
   */
  private async runOpenMp(job: HostJob, granules: RunningGranule[]): Promise<void> {
    const { spec } = job;
    const main = granules[0];
    if (!main) return;
    // Threads share stdout and stderr; their output is the job's main thread's.
    const pumps = this.outputPumps(main);
    let outcome: GranuleOutcome;
    let started: (h: OpenMpJobHandle | undefined) => void = () => {};
    job.ompStarted = new Promise((resolve) => {
      started = resolve;
    });
    try {
      for (const g of granules) g.lifecycle.apply({ type: "LOAD" });
      const bytes = await this.moduleBytes(spec.module.hash);
      const handle = startOpenMpJob({
        module: bytes,
        threads: granules.length,
        args: [spec.module.name, ...spec.args],
        env: spec.env,
        name: spec.jobId,
        onStdout: (b) => pumps.stdout.write(b),
        onStderr: (b) => pumps.stderr.write(b),
        onThreadsChanged: (e) =>
          void this.publisher
            .publish(
              subjects.jobEvent(spec.jobId, "job"),
              message("job_event", {
                jobId: spec.jobId,
                event: "threads-changed",
                at: e.at,
                detail: `${e.from} -> ${e.to} threads from this parallel region on (host ${this.opts.name})`,
              }),
            )
            .catch(() => undefined),
      });
      job.omp = handle;
      started(handle);
      for (const g of granules) g.lifecycle.apply({ type: "STARTED" });
      outcome = await handle.done;
    } catch (err) {
      outcome = { kind: "failed", reason: "bad-launch", message: (err as Error).message };
    }
    started(undefined);
    job.omp = undefined;
    await Promise.all([pumps.stdout.close(), pumps.stderr.close()]);
    // Every thread granule of the job (including those added by scale-ups) ends with the job.
    for (const g of [...this.granules.values()].filter((t) => t.jobId === spec.jobId)) {
      await this.endGranule(g, outcome);
    }
  }

  /** The planner's elastic policy gives a running OpenMP job more vCPUs on this host. */
  private async onScaleUp(m: MessageOf<"scale_up">): Promise<Message> {
    const job = this.jobs.get(m.jobId);
    const omp = await job?.ompStarted;
    if (!job || !omp) throw new RejectedError(`no running OpenMP job ${m.jobId} here`);
    const threads = [...this.granules.values()].filter((g) => g.jobId === m.jobId).length;
    if (m.threads <= threads) throw new RejectedError(`job ${m.jobId} already has ${threads} threads`);
    const added = m.threads - threads;
    if (this.granules.size + added > this.opts.slots) {
      throw new RejectedError(
        `host ${this.opts.name} has ${this.opts.slots - this.granules.size} free slots, not ${added}`,
      );
    }
    const granules = Array.from({ length: added }, (_, i) => this.addGranule(m.jobId, threads + i));
    for (const g of granules) g.lifecycle.apply({ type: "LOAD" });
    await omp.scaleTo(m.threads);
    for (const g of granules) g.lifecycle.apply({ type: "STARTED" });
    this.opts.log.info(`job ${m.jobId}: ${threads} -> ${m.threads} threads (${m.reason})`);
    return message("ack", {});
  }

  private readonly bytesByHash = new Map<string, Promise<Uint8Array>>();
  private moduleBytes(hash: string): Promise<Uint8Array> {
    let bytes = this.bytesByHash.get(hash);
    if (!bytes) {
      const store = this.modules;
      if (!store) throw new Error("host is not started");
      bytes = store.get(hash);
      this.bytesByHash.set(hash, bytes);
      bytes.catch(() => this.bytesByHash.delete(hash));
    }
    return bytes;
  }

  /** Drops a granule that left this host; the job's record goes with its last granule, unless a migration still needs it. */
  private async forget(g: RunningGranule): Promise<void> {
    await g.events.push(async () => {});
    g.lifecycle.stop();
    this.granules.delete(`${g.jobId}/${g.granule}`);
    const job = this.jobs.get(g.jobId);
    if (job && !job.plan && ![...this.granules.values()].some((other) => other.jobId === g.jobId)) {
      job.router?.close();
      this.jobs.delete(g.jobId);
    }
  }

  private runnable(spec: JobSpec): Promise<Runnable> {
    const key = `${spec.kind === "mpi" ? "instrumented" : "plain"}:${spec.module.hash}`;
    let runnable = this.runnables.get(key);
    if (!runnable) {
      runnable = (async () => {
        const bytes = await this.moduleBytes(spec.module.hash);
        if (spec.kind !== "mpi") {
          const compiled = await this.cache.compile(bytes);
          return { module: compiled.module, hash: compiled.hash };
        }
        // Ranks run instrumented from their first instruction, so any barrier can be a snapshot.
        const instrumented = await instrumentOffThread(bytes);
        const compiled = await this.cache.compile(instrumented.bytes);
        const refusal = mpiRefusal(checkMpiImports(compiled.module));
        if (refusal) throw new Error(refusal);
        return { module: compiled.module, hash: instrumented.hash };
      })();
      this.runnables.set(key, runnable);
      runnable.catch(() => this.runnables.delete(key));
    }
    return runnable;
  }

  // ---- migration (docs/snapshots.md has the sequence) ----

  /** Source host, before the plan: pre-copy the moving granules to their targets while they run. */
  private async onMigrationPrecopy(m: MessageOf<"migration_precopy">): Promise<Message> {
    const job = this.jobs.get(m.jobId);
    if (!job) throw new RejectedError(`job ${m.jobId} has no granules on ${this.opts.name}`);
    const sent = await Promise.allSettled(
      m.moves.map(async (mv) => {
        const g = this.granules.get(`${m.jobId}/${mv.granule}`);
        if (!g || g.lifecycle.done)
          throw new RejectedError(`granule ${mv.granule} of job ${m.jobId} is not running here`);
        // A granule still loading its module is copied once it runs (sendPrecopy bounds the wait).
        await sendPrecopy(this.opts.bus, g.launched, mv.to, {
          jobId: m.jobId,
          planId: m.planId,
          granule: mv.granule,
          kind: job.spec.kind,
          module: job.spec.module,
        });
        g.precopied = m.planId;
      }),
    );
    const failed = sent.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return message("ack", {});
  }

  /**
   * Target host: keep a pre-copy for the snapshot to come, and answer once the module is ready
   * too (fetched, instrumented, compiled): the planner holds the job only after that, so the
   * restore in the pause does not wait for it.
   */
  private async onSnapshotPrecopy(m: MessageOf<"snapshot_precopy">): Promise<Message> {
    const answer = this.precopies.keep(m);
    const spec: JobSpec = { jobId: m.jobId, kind: m.kind, module: m.module, args: [], env: {} };
    const runnable = await this.runnable(spec);
    this.precopies.stage(m.jobId, m.granule, runnable.module, runnable.hash);
    return answer;
  }

  /** Every host of the job: snapshot the ranks that leave from here; hold the rest at the next barrier. */
  private onMigrationPlan(m: MessageOf<"migration_plan">): Message {
    const job = this.jobs.get(m.jobId);
    const router = job?.router;
    if (!job || !router) {
      // Only a target: fetch, instrument and compile the module now, while the ranks reach
      // their barrier, so that restoring does not wait for it.
      const spec: JobSpec = { jobId: m.jobId, kind: m.kind, module: m.module, args: [], env: {} };
      this.runnable(spec).catch((err: Error) => this.opts.log.warn(`preparing ${m.jobId}: ${err.message}`));
      return message("ack", {});
    }
    if (job.plan)
      throw new RejectedError(`job ${m.jobId} already has migration ${job.plan.planId} in flight here`);
    const leaving = m.moves.filter((mv) => mv.from === this.opts.name);
    for (const mv of leaving) {
      const g = this.granules.get(`${m.jobId}/${mv.granule}`);
      if (!g || g.lifecycle.done)
        throw new RejectedError(`granule ${mv.granule} of job ${m.jobId} is not running here`);
    }
    for (const mv of leaving) {
      const g = this.granules.get(`${m.jobId}/${mv.granule}`) as RunningGranule;
      g.moving = { planId: m.planId, to: mv.to, placement: m.placement, trace: captureContext() };
      // A move to no host is a freeze: the snapshot goes to the bucket.
      g.lifecycle.apply(mv.to === "" ? { type: "FREEZE" } : { type: "MIGRATE", to: mv.to });
      // After a pre-copy for this plan, the snapshot need only hold the pages changed since.
      g.handle?.requestSnapshot({ delta: mv.to !== "" && g.precopied === m.planId });
    }
    if (leaving.length === 0) router.holdBarrier();
    const plan = { planId: m.planId, placement: m.placement, ready: Promise.resolve() };
    plan.ready = (async () => {
      await router.whenHeld();
      for (const g of this.granules.values()) {
        if (g.jobId === m.jobId && !g.moving && g.lifecycle.state === "running")
          g.lifecycle.apply({ type: "CONTROL_POINT" });
      }
      const frozen = m.placement.every((h) => h === "");
      if (!frozen) router.updatePlacement(m.placement);
      await this.tellPlanner(message("job_held", { jobId: m.jobId, planId: m.planId, host: this.opts.name }));
    })();
    plan.ready.catch((err: Error) =>
      this.failMpiJob(m.jobId, `migration ${m.planId} on ${this.opts.name}: ${err.message}`),
    );
    job.plan = plan;
    return message("ack", {});
  }

  /** Source host: the granule left its barrier as a snapshot; send it to its target. */
  private async ship(g: RunningGranule, job: HostJob, snapshot: GranuleSnapshot): Promise<void> {
    const moving = g.moving;
    try {
      if (!moving) throw new Error("suspended without a migration to carry out");
      g.lifecycle.apply({ type: "CONTROL_POINT" });
      g.lifecycle.apply({ type: "SNAPSHOT_TAKEN" });
      const attrs = { [ATTR.jobId]: g.jobId, [ATTR.granule]: g.granule, [ATTR.sourceHost]: this.opts.name };
      const bytes = inContext(moving.trace, () =>
        withSpan(SPAN.migrationSnapshot, attrs, (span) => {
          const encoded = encodeSnapshot(snapshot);
          span.setAttributes({ [ATTR.snapshotBytes]: encoded.length });
          return encoded;
        }),
      );
      const persisted = new TextEncoder().encode(JSON.stringify(g.lifecycle.persisted()));
      await g.events.push(async () => {});
      if (moving.to === "") {
        await this.freezeInto(g, moving.planId, bytes, persisted, snapshot.capturedAt);
        g.trace.end({ outcome: "migrated" });
        await this.forget(g);
        return;
      }
      const transfer = () =>
        this.opts.bus.request(
          subjects.host(moving.to),
          message("snapshot_transfer", {
            ...job.spec,
            args: [...job.spec.args],
            env: { ...job.spec.env },
            planId: moving.planId,
            granule: g.granule,
            placement: [...moving.placement],
            lifecycle: persisted,
            snapshot: bytes,
          }),
          ["granny.v1.ack"],
          { timeoutMs: 120_000 },
        );
      await inContext(moving.trace, () =>
        withSpan(
          SPAN.migrationTransfer,
          { ...attrs, [ATTR.targetHost]: moving.to, [ATTR.bytes]: bytes.length },
          transfer,
        ),
      );
      g.trace.end({ outcome: "migrated" });
      await this.forget(g);
    } catch (err) {
      const reason = `migration of granule ${g.granule} failed: ${(err as Error).message}`;
      g.lifecycle.apply({ type: "FAIL", reason });
      await this.forget(g);
      g.trace.end({ outcome: "failed", reason });
      await this.reportEnd(g, { kind: "failed", reason: "bad-launch", message: reason });
    }
  }

  /** Source host of a freeze: the snapshot goes to the bucket, where it outlives this host. */
  private async freezeInto(
    g: RunningGranule,
    planId: string,
    bytes: Uint8Array,
    lifecycle: Uint8Array,
    capturedAt: number,
  ): Promise<void> {
    const store = await this.snapshots();
    await store.put(SnapshotStore.nameOf(g.jobId, g.granule, "snapshot"), bytes);
    await store.put(SnapshotStore.nameOf(g.jobId, g.granule, "lifecycle"), lifecycle);
    await this.tellPlanner(
      message("granule_moved", {
        jobId: g.jobId,
        planId,
        granule: g.granule,
        host: "",
        snapshotBytes: bytes.length,
        pauseMs: Date.now() - capturedAt,
      }),
    );
  }

  private snapshotStore: Promise<SnapshotStore> | undefined;
  private snapshots(): Promise<SnapshotStore> {
    this.snapshotStore ??= SnapshotStore.open(this.opts.bus);
    return this.snapshotStore;
  }

  /** Target host: check the snapshot, join the job's routes, restore the granule parked at its barrier. */
  private async onSnapshotTransfer(m: MessageOf<"snapshot_transfer">): Promise<Message> {
    // Runs in the transfer's trace context (from the message headers): the restore joins the migration's trace.
    await withSpan(
      SPAN.migrationRestore,
      { [ATTR.jobId]: m.jobId, [ATTR.granule]: m.granule, [ATTR.targetHost]: this.opts.name },
      () => this.restoreGranule(m, m.planId, m.granule, m.placement, m.snapshot, m.lifecycle),
    );
    return message("ack", {});
  }

  /** A frozen job comes back: each granule of it placed here is restored from the bucket. */
  private async onThaw(m: MessageOf<"granules_thaw">): Promise<Message> {
    if (this.granules.size + m.granules.length > this.opts.slots) {
      throw new RejectedError(`host ${this.opts.name} has no room for ${m.granules.length} granules`);
    }
    const store = await this.snapshots();
    const parts = await Promise.all(
      m.granules.map(async (g) => ({
        granule: g,
        snapshot: await store.get(SnapshotStore.nameOf(m.jobId, g, "snapshot")),
        lifecycle: await store.get(SnapshotStore.nameOf(m.jobId, g, "lifecycle")),
      })),
    );
    for (const p of parts)
      await this.restoreGranule(m, m.planId, p.granule, m.placement, p.snapshot, p.lifecycle);
    return message("ack", {});
  }

  private async restoreGranule(
    spec: JobSpec,
    planId: string,
    granule: number,
    placement: readonly string[],
    snapshotBytes: Uint8Array,
    lifecycleBytes: Uint8Array,
  ): Promise<void> {
    if (this.granules.size >= this.opts.slots)
      throw new RejectedError(`host ${this.opts.name} has no free slot`);
    if (this.granules.has(`${spec.jobId}/${granule}`)) {
      throw new RejectedError(`granule ${spec.jobId}/${granule} already runs here`);
    }
    const runnable = await this.runnable(spec);
    let snapshot: GranuleSnapshot;
    let transfer: ArrayBuffer[];
    let staged: StagedRestore | undefined;
    let persisted: unknown;
    try {
      ({ snapshot, transfer, staged } = await this.precopies.complete(
        spec.jobId,
        granule,
        decodeSnapshot(snapshotBytes, { expectModuleHash: runnable.hash }),
      ));
      persisted = JSON.parse(new TextDecoder().decode(lifecycleBytes));
    } catch (err) {
      const reason = `snapshot of granule ${granule} refused on ${this.opts.name}: ${(err as Error).message}`;
      void this.reportEnd(
        { jobId: spec.jobId, granule },
        { kind: "failed", reason: "bad-launch", message: reason },
      );
      throw new RejectedError(reason);
    }
    let job = this.jobs.get(spec.jobId);
    if (!job) {
      job = this.addJob(spec, placement);
    } else if (job.plan?.planId === planId) {
      // This host has ranks of the job too: restore only once its routes follow the new placement.
      await job.plan.ready;
    }
    const g = this.addGranule(spec.jobId, granule, persisted);
    g.lifecycle.apply({ type: "RESTORE", host: this.opts.name });
    void this.run(g, job, { snapshot, bytes: snapshotBytes.length, planId, transfer, staged });
  }

  private async whenRestored(
    g: RunningGranule,
    job: HostJob,
    handle: GranuleHandle,
    restore: Restore,
  ): Promise<void> {
    try {
      await handle.restored;
      await job.router?.whenHeld();
      g.lifecycle.apply({ type: "RESTORED" });
      await this.tellPlanner(
        message("granule_moved", {
          jobId: g.jobId,
          planId: restore.planId,
          granule: g.granule,
          host: this.opts.name,
          snapshotBytes: restore.bytes,
          pauseMs: Date.now() - restore.snapshot.capturedAt,
        }),
      );
    } catch (err) {
      this.opts.log.warn(`restore of ${g.jobId}/${g.granule}: ${(err as Error).message}`);
    }
  }

  /** Every host of the job: routes follow the new placement; the parked ranks run on. */
  private onBarrierRelease(m: MessageOf<"barrier_release">): Message {
    const job = this.jobs.get(m.jobId);
    const router = job?.router;
    if (!job || !router) return message("ack", {});
    if (m.placement.every((h) => h === "")) {
      // Frozen: no rank of the job runs anywhere now.
      router.close();
      this.jobs.delete(m.jobId);
      return message("ack", {});
    }
    router.updatePlacement(m.placement);
    router.releaseBarrier((rank, msg) => this.granules.get(`${m.jobId}/${rank}`)?.handle?.postToGranule(msg));
    for (const g of this.granules.values()) {
      if (g.jobId === m.jobId && g.lifecycle.state === "atBarrier") g.lifecycle.apply({ type: "RELEASE" });
    }
    job.plan = undefined;
    if (router.localRanks.length === 0 && ![...this.granules.values()].some((g) => g.jobId === m.jobId)) {
      router.close();
      this.jobs.delete(m.jobId);
    }
    return message("ack", {});
  }

  private failMpiJob(jobId: string, reason: string): void {
    this.opts.log.error(reason);
    this.jobs.get(jobId)?.router?.fail({ code: 16, message: `MPI_ERR_OTHER: ${reason}` });
    for (const g of this.granules.values()) {
      if (g.jobId !== jobId) continue;
      g.stopReason = reason;
      void g.handle?.kill();
    }
  }

  private async reportEnd(g: { jobId: string; granule: number }, outcome: GranuleOutcome): Promise<void> {
    const end = message("granule_ended", {
      jobId: g.jobId,
      granule: g.granule,
      host: this.opts.name,
      outcome: outcome.kind === "exited" ? "exited" : outcome.kind === "trapped" ? "trapped" : "failed",
      ...(outcome.kind === "exited" ? { exitCode: outcome.code } : { message: outcome.message }),
    });
    // The planner must hear of every end, or a job would wait forever: retry until it answers.
    for (let attempt = 0; attempt < 60; attempt++) {
      try {
        await this.opts.bus.request(subjects.planner, end, ["granny.v1.ack"], { timeoutMs: 2000 });
        return;
      } catch (err) {
        // A host that is leaving has told the planner so (host_leave), which ends its granules
        // there; its connection may already be closed under this request.
        if (this.stopping) return;
        if (attempt === 0)
          this.opts.log.warn(`reporting the end of ${g.jobId}/${g.granule}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    this.opts.log.error(`gave up reporting the end of ${g.jobId}/${g.granule}`);
  }

  private publishTransition(
    g: RunningGranule,
    from: GranuleState,
    to: GranuleState,
    event: string,
    failure: string | null,
  ) {
    g.trace.transition(from, to, event);
    const msg = message("lifecycle", {
      jobId: g.jobId,
      granule: g.granule,
      host: this.opts.name,
      from,
      to,
      event,
      at: Date.now(),
      ...(to === "failed" && failure ? { detail: failure } : {}),
    });
    void g.events.push(() =>
      this.publisher
        .publish(subjects.jobEvent(g.jobId, g.granule), msg)
        .catch((err: Error) => this.opts.log.warn(`lifecycle event lost: ${err.message}`)),
    );
  }

  private publishOutput(g: RunningGranule, stream: "stdout" | "stderr", data: Uint8Array): Promise<void> {
    return g.events.push(() =>
      this.publisher
        .publish(
          subjects.jobOutput(g.jobId, g.granule),
          message("job_output", { jobId: g.jobId, granule: g.granule, stream, data }),
        )
        .catch((err: Error) => this.opts.log.warn(`output of ${g.jobId}/${g.granule} lost: ${err.message}`)),
    );
  }
}

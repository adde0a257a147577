// The host actor: one per VM. It registers its vCPU slots with the planner and heartbeats,
// starts the granules the planner places here (each in its own worker thread), publishes every
// lifecycle transition and the granules' output to the jobs stream, and reports each granule's
// end to the planner. Nothing a granule does can take the host down.
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
  subjects,
} from "../bus/mod.js";
import { type GaugeSample, GranuleTrace, metrics } from "../observability/mod.js";
import {
  type CompiledModule,
  checkMpiImports,
  type GranuleHandle,
  type GranuleOutcome,
  ModuleCache,
  MpiRouter,
  mpiProviderUrl,
  mpiRefusal,
  runGranule,
} from "../wasm-host/mod.js";
import { GranuleLifecycle } from "./granule.js";
import type { Logger } from "./log.js";
import { OutputPump } from "./output-pump.js";

export const HOST_ACCEPTS = ["granny.v1.granules_start", "granny.v1.job_stop"] as const;

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

interface RunningGranule {
  readonly jobId: string;
  readonly granule: number;
  readonly lifecycle: GranuleLifecycle;
  readonly trace: GranuleTrace;
  /** Lifecycle events and output, published in order. */
  readonly events: SerialQueue;
  handle?: GranuleHandle;
  stopReason?: string;
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
  /** One MPI router per MPI job with ranks on this host. */
  private readonly routers = new Map<string, MpiRouter>();
  private readonly earlyEnvelopes = new Map<string, Uint8Array[]>();
  private readonly publisher: DurablePublisher;
  private readonly compiled = new Map<string, Promise<CompiledModule>>();
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
    await this.register();
    const every = this.opts.heartbeatMs ?? 1000;
    this.heartbeat = setInterval(() => void this.beat(), every);
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
    await Promise.all([...this.granules.values()].map((g) => g.handle?.kill()));
  }

  private handle(msg: Message & { type: (typeof HOST_ACCEPTS)[number] }): Message | Promise<Message> {
    return match(msg)
      .with({ type: "granny.v1.granules_start" }, (m) => this.onStart(m))
      .with({ type: "granny.v1.job_stop" }, (m) => this.onStop(m))
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
    if (m.kind === "mpi") this.createRouter(m);
    for (const granule of m.granules) {
      const record: RunningGranule = {
        jobId: m.jobId,
        granule,
        events: new SerialQueue(),
        trace: new GranuleTrace({ jobId: m.jobId, granule, host: this.opts.name }),
        lifecycle: new GranuleLifecycle(
          { jobId: m.jobId, granule, host: this.opts.name },
          {
            onTransition: (t) =>
              this.publishTransition(record, t.from, t.to, t.event.type, t.context.failure),
            onRefused: (err) => this.opts.log.warn(`${m.jobId}/${granule}: ${err.message}`),
          },
        ),
      };
      this.granules.set(`${m.jobId}/${granule}`, record);
      void this.run(record, m);
    }
    return message("ack", {});
  }

  /** The job's MPI router on this host: local ranks share memory, remote ones go over NATS. */
  private createRouter(m: MessageOf<"granules_start">): void {
    if (this.routers.has(m.jobId)) return;
    const router = new MpiRouter({
      jobId: m.jobId,
      hostName: this.opts.name,
      placement: m.placement,
      // One connection and one subject per destination host keep envelopes in order.
      remoteSend: (host, envelope) => {
        this.opts.bus.publish(
          subjects.mpi(host),
          message("mpi_envelope", { jobId: m.jobId, fromHost: this.opts.name, data: envelope }),
        );
      },
      onAbort: (failure) => {
        this.opts.log.warn(`MPI job ${m.jobId} aborted: ${failure.message}`);
        setTimeout(() => {
          for (const g of this.granules.values()) if (g.jobId === m.jobId) void g.handle?.kill();
        }, MPI_ABORT_GRACE_MS).unref();
      },
    });
    this.routers.set(m.jobId, router);
    for (const envelope of this.earlyEnvelopes.get(m.jobId) ?? []) router.deliverFromRemote(envelope);
    this.earlyEnvelopes.delete(m.jobId);
  }

  private onEnvelope(m: MessageOf<"mpi_envelope">): undefined {
    const router = this.routers.get(m.jobId);
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
    return message("ack", {});
  }

  private async run(g: RunningGranule, m: MessageOf<"granules_start">): Promise<void> {
    const pumps = {
      stdout: new OutputPump((data) => this.publishOutput(g, "stdout", data)),
      stderr: new OutputPump((data) => this.publishOutput(g, "stderr", data)),
    };
    let outcome: GranuleOutcome;
    try {
      g.lifecycle.apply({ type: "LOAD" });
      const compiled = await this.module(m.module.hash);
      if (g.stopReason !== undefined) throw new Error(`stopped before start: ${g.stopReason}`);
      const router = this.routers.get(m.jobId);
      if (m.kind === "mpi") {
        const refusal = mpiRefusal(checkMpiImports(compiled.module));
        if (refusal) throw new Error(refusal);
        if (!router) throw new Error(`no MPI router for job ${m.jobId}`);
      }
      const handle = runGranule(
        {
          module: compiled.module,
          args: [m.module.name, ...m.args],
          env: m.env,
          name: `${m.jobId}/${g.granule}`,
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
      handle.started.then(
        () => g.lifecycle.apply({ type: "STARTED" }),
        () => undefined,
      );
      outcome = await handle.done;
    } catch (err) {
      outcome = { kind: "failed", reason: "bad-launch", message: (err as Error).message };
    }
    const router = this.routers.get(g.jobId);
    router?.rankExited(g.granule, outcome);
    await Promise.all([pumps.stdout.close(), pumps.stderr.close()]);
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
    await g.events.push(async () => {});
    this.granules.delete(`${g.jobId}/${g.granule}`);
    if (router && ![...this.granules.values()].some((other) => other.jobId === g.jobId)) {
      router.close();
      this.routers.delete(g.jobId);
    }
    g.trace.end(
      outcome.kind === "exited"
        ? { exitCode: outcome.code }
        : { outcome: outcome.kind === "trapped" ? "trapped" : "failed", reason: outcome.message },
    );
    g.lifecycle.stop();
    await this.reportEnd(g, outcome);
  }

  private module(hash: string): Promise<CompiledModule> {
    let compiled = this.compiled.get(hash);
    if (!compiled) {
      const store = this.modules;
      if (!store) throw new Error("host is not started");
      compiled = store.get(hash).then((bytes) => this.cache.compile(bytes));
      this.compiled.set(hash, compiled);
      compiled.catch(() => this.compiled.delete(hash));
    }
    return compiled;
  }

  private async reportEnd(g: RunningGranule, outcome: GranuleOutcome): Promise<void> {
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

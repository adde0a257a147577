// The planner actor: owns the cluster view, admits jobs in FIFO order, places their granules
// through a policy, notices hosts that stop heartbeating, and turns granule ends into job
// results. One active planner per cluster; it talks to everything over the bus.
import { match } from "ts-pattern";
import {
  type Bus,
  DurablePublisher,
  ensureJobsStream,
  type Message,
  type MessageOf,
  message,
  RejectedError,
  subjects,
} from "../bus/mod.js";
import {
  ATTR,
  type GaugeSample,
  inContext,
  metrics,
  SPAN,
  type SpanHandle,
  startSpan,
  withSpan,
} from "../observability/mod.js";
import { crossVmLinks, explainDecision, type Policy, policyByName } from "../policies/mod.js";
import {
  ClusterState,
  type GranuleEnd,
  granulesByHost,
  type JobRecord,
  type MigrationInFlight,
} from "./cluster-state.js";
import type { Logger } from "./log.js";
import { hostsOfPlan, planFreeze, planMigration, planThaw } from "./migration.js";

export const PLANNER_ACCEPTS = [
  "granny.v1.host_register",
  "granny.v1.host_heartbeat",
  "granny.v1.host_leave",
  "granny.v1.job_submit",
  "granny.v1.job_kill",
  "granny.v1.status_request",
  "granny.v1.granule_ended",
  "granny.v1.migrate_request",
  "granny.v1.granule_moved",
  "granny.v1.job_held",
  "granny.v1.freeze_request",
  "granny.v1.thaw_request",
  "granny.v1.evict_request",
] as const;

/**
 * How long the planner waits for a migration's pre-copy (a source host copying its moving
 * granules' memory to their targets while they run) before it holds the job without one.
 */
const PRECOPY_TIMEOUT_MS = 30_000;

export interface PlannerOptions {
  readonly bus: Bus;
  readonly log: Logger;
  /** Placement policy name (see policies/); default bin-pack. */
  readonly policy?: string;
  /** How often hosts heartbeat; a host is gone after `missedHeartbeats` of them. */
  readonly heartbeatMs?: number;
  readonly missedHeartbeats?: number;
}

export class Planner {
  readonly state = new ClusterState();
  private readonly policy: Policy;
  private readonly events: DurablePublisher;
  private readonly heartbeatMs: number;
  private readonly deadAfterMs: number;
  private monitor: NodeJS.Timeout | undefined;
  /** Scheduling passes run one at a time so that two never place into the same free slots. */
  private scheduling: Promise<void> = Promise.resolve();

  constructor(private readonly opts: PlannerOptions) {
    this.policy = policyByName(opts.policy ?? "bin-pack");
    this.events = new DurablePublisher(opts.bus);
    this.heartbeatMs = opts.heartbeatMs ?? 1000;
    this.deadAfterMs = this.heartbeatMs * (opts.missedHeartbeats ?? 3);
  }

  private unobserve: (() => void) | undefined;

  async start(): Promise<void> {
    this.unobserve = metrics.observe(() => this.gauges());
    await ensureJobsStream(this.opts.bus);
    this.opts.bus.serve(subjects.planner, PLANNER_ACCEPTS, (msg) => this.handle(msg), {
      onError: (err) => this.opts.log.warn(`refused a message: ${err.message}`),
    });
    await this.opts.bus.flush();
    this.monitor = setInterval(() => this.checkHosts(Date.now()), Math.max(50, this.heartbeatMs / 2));
    this.opts.log.info(`planner ready (policy ${this.policy.name}, heartbeat ${this.heartbeatMs} ms)`);
  }

  async stop(): Promise<void> {
    clearInterval(this.monitor);
    this.unobserve?.();
    await this.scheduling;
  }

  private handle(
    msg: Message & { type: (typeof PLANNER_ACCEPTS)[number] },
  ): Promise<Message | undefined> | Message | undefined {
    return match(msg)
      .with({ type: "granny.v1.host_register" }, (m) => this.onRegister(m))
      .with({ type: "granny.v1.host_heartbeat" }, (m) => this.onHeartbeat(m))
      .with({ type: "granny.v1.host_leave" }, (m) =>
        this.onHostGone(m.host, `host ${m.host} left the cluster`),
      )
      .with({ type: "granny.v1.job_submit" }, (m) => this.admit(m))
      .with({ type: "granny.v1.job_kill" }, (m) => this.onKill(m))
      .with({ type: "granny.v1.status_request" }, () => message("cluster_status", this.state.statusMessage()))
      .with({ type: "granny.v1.granule_ended" }, (m) => this.onGranuleEnded(m))
      .with({ type: "granny.v1.migrate_request" }, (m) => this.onMigrateRequest(m))
      .with({ type: "granny.v1.granule_moved" }, (m) => this.onGranuleMoved(m))
      .with({ type: "granny.v1.job_held" }, (m) => this.onJobHeld(m))
      .with({ type: "granny.v1.freeze_request" }, (m) => this.onFreezeRequest(m))
      .with({ type: "granny.v1.thaw_request" }, (m) => this.onThawRequest(m))
      .with({ type: "granny.v1.evict_request" }, (m) => this.onEvictRequest(m))
      .exhaustive();
  }

  private onRegister(m: MessageOf<"host_register">): Message {
    if (m.slots < 1) throw new RejectedError(`host ${m.host} offers ${m.slots} slots; it needs at least 1`);
    const known = this.state.hosts.get(m.host);
    if (known?.alive) this.failGranulesOn(m.host, `host ${m.host} restarted`);
    this.state.upsertHost(m.host, m.slots, m.spot ?? false, Date.now());
    this.opts.log.info(`host ${m.host} registered with ${m.slots} slots`);
    this.schedule();
    return message("ack", {});
  }

  private onHeartbeat(m: MessageOf<"host_heartbeat">): Message {
    const host = this.state.hosts.get(m.host);
    // A host we do not know (or declared gone) must register again: the planner may have restarted.
    if (!host?.alive) throw new RejectedError(`host ${m.host} is not registered; register again`);
    host.lastSeen = Date.now();
    host.granuleStates.clear();
    for (const g of m.granules) host.granuleStates.set(`${g.jobId}/${g.granule}`, g.state);
    return message("ack", {});
  }

  private gauges(): GaugeSample {
    const view = this.state.view();
    let slots = 0;
    let used = 0;
    for (const h of view.hosts) {
      slots += h.slots;
      for (const n of h.used.values()) used += n;
    }
    return {
      vcpusUsed: used,
      vcpusIdle: slots - used,
      crossVmLinks: view.jobs.reduce((sum, j) => sum + crossVmLinks(j.placement), 0),
      queueLength: this.state.queue.length,
    };
  }

  private admit(m: MessageOf<"job_submit">): Promise<Message> {
    const span = startSpan(SPAN.job, {
      attributes: { [ATTR.jobId]: m.jobId, [ATTR.jobKind]: m.kind, [ATTR.jobSize]: m.size },
    });
    return inContext(span, () => withSpan(SPAN.jobAdmit, () => this.onSubmit(m, span))).catch(
      (err: unknown) => {
        span.fail(err);
        span.end();
        throw err;
      },
    );
  }

  private async onSubmit(m: MessageOf<"job_submit">, span: SpanHandle): Promise<Message> {
    if (this.state.jobs.has(m.jobId)) throw new RejectedError(`job ${m.jobId} already exists`);
    if (m.size < 1) throw new RejectedError(`a job needs at least 1 granule, not ${m.size}`);
    const capacity = this.state.capacity();
    const largestHost = Math.max(
      0,
      ...[...this.state.hosts.values()].filter((h) => h.alive).map((h) => h.slots),
    );
    if (capacity === 0)
      throw new RejectedError("no hosts are registered: start one with `granny host --slots N`");
    if (m.size > capacity) {
      throw new RejectedError(`job needs ${m.size} slots but the whole cluster has ${capacity}`);
    }
    if (m.kind === "omp" && m.size > largestHost) {
      throw new RejectedError(
        `an OpenMP job runs on one host; ${m.size} threads exceed the largest host (${largestHost})`,
      );
    }
    const job: JobRecord = {
      submit: m,
      state: "queued",
      placement: [],
      ended: new Map(),
      submittedAt: Date.now(),
      migrations: 0,
      span,
    };
    this.state.jobs.set(m.jobId, job);
    this.state.queue.push(m.jobId);
    await this.publishJobEvent(m.jobId, "submitted", {
      detail: `${m.kind} job of ${m.size} granules (${m.module.name})`,
    });
    await this.schedule();
    // Another scheduling pass (a granule's end, a heartbeat) may have placed it meanwhile: ask
    // the job, not this pass, or "queued" would follow its "placed".
    const queued = job.state === "queued";
    if (queued)
      await this.publishJobEvent(m.jobId, "queued", {
        detail: `position ${this.state.queue.indexOf(m.jobId) + 1}`,
      });
    return message("job_accepted", { jobId: m.jobId, queued });
  }

  private async onKill(m: MessageOf<"job_kill">): Promise<Message> {
    const job = this.state.jobs.get(m.jobId);
    if (!job) throw new RejectedError(`no job ${m.jobId}`);
    if (job.state === "queued") {
      this.state.queue.splice(this.state.queue.indexOf(m.jobId), 1);
      await this.finishJob(job, { state: "failed", error: `killed while queued: ${m.reason}` });
    } else if (job.state === "running") {
      await this.finishJob(job, { state: "failed", error: `killed: ${m.reason}` });
    }
    return message("ack", {});
  }

  private async onGranuleEnded(m: MessageOf<"granule_ended">): Promise<Message> {
    const job = this.state.jobs.get(m.jobId);
    // Ends of granules of a job that is already over (stopped after a failure) change nothing.
    if (job?.state !== "running" || job.ended.has(m.granule)) return message("ack", {});
    await this.recordEnd(job, m.granule, {
      outcome: m.outcome,
      host: m.host,
      ...(m.exitCode !== undefined ? { exitCode: m.exitCode } : {}),
      ...(m.message !== undefined ? { message: m.message } : {}),
    });
    return message("ack", {});
  }

  /** An operator's `granny migrate`: planned now, carried out at the job's next barrier. */
  private async onMigrateRequest(m: MessageOf<"migrate_request">): Promise<Message> {
    const job = this.state.jobs.get(m.jobId);
    if (!job) throw new RejectedError(`no job ${m.jobId}`);
    const plan = planMigration(
      this.state,
      job,
      [{ granule: m.granule, to: m.to }],
      "requested by an operator",
    );
    await this.startMigration(job, plan);
    return message("ack", {});
  }

  private async startMigration(job: JobRecord, plan: MigrationInFlight): Promise<void> {
    const jobId = job.submit.jobId;
    job.migration = plan;
    const moves = plan.moves.map((mv) => `${mv.granule}:${mv.from}->${mv.to}`).join(" ");
    // A trace of its own, complete at the release, linked to the job's (which ends with the job).
    plan.span = startSpan(SPAN.migration, {
      root: true,
      links: [job.span],
      attributes: {
        [ATTR.jobId]: jobId,
        [ATTR.planId]: plan.planId,
        [ATTR.moves]: moves,
        [ATTR.reason]: plan.reason,
      },
    });
    const span = plan.span;
    this.opts.log.info(`job ${jobId}: migration ${plan.planId} planned (${moves}; ${plan.reason})`);
    await this.publishJobEvent(jobId, "migration-planned", {
      detail: `${plan.planId} ${moves}; ${plan.reason}`,
    });
    await this.precopy(job, plan, span);
    const msg = message("migration_plan", {
      jobId,
      planId: plan.planId,
      moves: [...plan.moves],
      placement: [...plan.placement],
      reason: plan.reason,
      kind: job.submit.kind,
      module: job.submit.module,
    });
    const hosts = hostsOfPlan(job, plan);
    const answers = await inContext(span, () =>
      Promise.allSettled(
        hosts.map((host) =>
          this.opts.bus.request(subjects.host(host), msg, ["granny.v1.ack"], { timeoutMs: 10_000 }),
        ),
      ),
    );
    const refusal = answers.findIndex((a) => a.status === "rejected");
    if (refusal >= 0) {
      // Call the plan off everywhere (a release with the old placement), and tell the requester why.
      job.migration = undefined;
      const cancel = message("barrier_release", { jobId, planId: plan.planId, placement: job.placement });
      await Promise.allSettled(
        hosts.map((host) =>
          this.opts.bus.request(subjects.host(host), cancel, ["granny.v1.ack"], { timeoutMs: 5_000 }),
        ),
      );
      const reason = (answers[refusal] as PromiseRejectedResult).reason as Error;
      span.fail(reason);
      span.end();
      await this.publishJobEvent(jobId, "migration-cancelled", {
        detail: `${plan.planId}: ${reason.message}`,
      });
      throw new RejectedError(`host ${hosts[refusal]} refused migration ${plan.planId}: ${reason.message}`);
    }
  }

  /**
   * Live migration's pre-copy, before any rank is held: each source host copies its moving
   * granules' memory to their targets while they run, so that the snapshot at the barrier only
   * carries what changed since. A pre-copy that fails or times out costs only pause time: the
   * plan goes on and the snapshot then carries the whole memory.
   */
  private async precopy(job: JobRecord, plan: MigrationInFlight, span: SpanHandle): Promise<void> {
    const jobId = job.submit.jobId;
    const bySource = new Map<string, { granule: number; to: string }[]>();
    for (const mv of plan.moves) {
      if (mv.to === "" || mv.from === "" || mv.from === mv.to) continue;
      bySource.set(mv.from, [...(bySource.get(mv.from) ?? []), { granule: mv.granule, to: mv.to }]);
    }
    if (bySource.size === 0) return;
    const started = Date.now();
    const answers = await inContext(span, () =>
      Promise.allSettled(
        [...bySource].map(([host, moves]) =>
          this.opts.bus.request(
            subjects.host(host),
            message("migration_precopy", { jobId, planId: plan.planId, moves }),
            ["granny.v1.ack"],
            { timeoutMs: PRECOPY_TIMEOUT_MS },
          ),
        ),
      ),
    );
    const failures = answers.flatMap((a) => (a.status === "rejected" ? [(a.reason as Error).message] : []));
    if (failures.length > 0) {
      this.opts.log.warn(
        `job ${jobId}: pre-copy of ${plan.planId} failed, snapshots will carry all memory: ${failures.join("; ")}`,
      );
      await this.publishJobEvent(jobId, "migration-precopy-failed", {
        detail: `${plan.planId}: ${failures.join("; ")}`,
      });
      return;
    }
    await this.publishJobEvent(jobId, "migration-precopied", {
      detail: `${plan.planId} memory with its targets after ${Date.now() - started} ms`,
    });
  }

  /** A moved granule is restored and parked at its barrier on its new host. */
  private async onGranuleMoved(m: MessageOf<"granule_moved">): Promise<Message> {
    const job = this.state.jobs.get(m.jobId);
    const plan = job?.migration;
    if (job?.state !== "running" || !plan || plan.planId !== m.planId) return message("ack", {});
    plan.pending.delete(m.granule);
    this.opts.log.debug(`job ${m.jobId}: granule ${m.granule} restored on ${m.host} (${plan.planId})`);
    plan.maxPauseMs = Math.max(plan.maxPauseMs, m.pauseMs);
    plan.snapshotBytes += m.snapshotBytes;
    await this.releaseIfReady(job, plan);
    return message("ack", {});
  }

  /** A host of the job has every rank parked at the held barrier and its routes on the new placement. */
  private async onJobHeld(m: MessageOf<"job_held">): Promise<Message> {
    const job = this.state.jobs.get(m.jobId);
    const plan = job?.migration;
    if (job?.state !== "running" || !plan || plan.planId !== m.planId) return message("ack", {});
    plan.pendingHeld.delete(m.host);
    this.opts.log.debug(`job ${m.jobId}: held on ${m.host} (${plan.planId})`);
    await this.releaseIfReady(job, plan);
    return message("ack", {});
  }

  /**
   * Opens the held barrier once every moved granule is restored and parked and every host has
   * the new routes: no rank may run before all routes agree (docs/snapshots.md).
   */
  private async releaseIfReady(job: JobRecord, plan: MigrationInFlight): Promise<void> {
    if (plan.pending.size > 0 || plan.pendingHeld.size > 0 || job.migration !== plan) return;
    const jobId = job.submit.jobId;
    const hosts = hostsOfPlan(job, plan);
    job.migration = undefined;
    if (plan.kind === "freeze") {
      job.state = "frozen";
      job.placement = [];
    } else {
      job.placement = [...plan.placement];
      job.migrations++;
    }
    plan.span?.end({ [ATTR.pauseMs]: plan.maxPauseMs, [ATTR.snapshotBytes]: plan.snapshotBytes });
    if (plan.kind === "migrate") metrics.recordMigration({ pauseMs: plan.maxPauseMs, reason: plan.origin });
    const release = message("barrier_release", {
      jobId,
      planId: plan.planId,
      placement: [...plan.placement],
    });
    await Promise.all(
      hosts.map((host) =>
        this.opts.bus
          .request(subjects.host(host), release, ["granny.v1.ack"], { timeoutMs: 10_000 })
          .catch((err: Error) =>
            this.opts.log.warn(`barrier release of ${jobId} on ${host}: ${err.message}`),
          ),
      ),
    );
    const done = { migrate: "migrated", freeze: "frozen", thaw: "thawed" }[plan.kind];
    this.opts.log.info(`job ${jobId}: ${plan.planId} done (${done}), pause ${plan.maxPauseMs.toFixed(1)} ms`);
    await this.publishJobEvent(jobId, done, {
      ...(plan.kind === "freeze" ? {} : { placement: job.placement }),
      detail: `${plan.planId}: ${plan.reason}; pause ${plan.maxPauseMs.toFixed(1)} ms; ${plan.snapshotBytes} snapshot bytes`,
    });
    this.schedule();
  }

  /** An operator's `granny freeze`: every rank into the snapshot bucket at the next barrier. */
  private async onFreezeRequest(m: MessageOf<"freeze_request">): Promise<Message> {
    const job = this.state.jobs.get(m.jobId);
    if (!job) throw new RejectedError(`no job ${m.jobId}`);
    await this.startMigration(job, planFreeze(job, "frozen by an operator"));
    return message("ack", {});
  }

  /** An operator's `granny thaw`: place the frozen job again and restore every rank there. */
  private async onThawRequest(m: MessageOf<"thaw_request">): Promise<Message> {
    const job = this.state.jobs.get(m.jobId);
    if (!job) throw new RejectedError(`no job ${m.jobId}`);
    if (job.state !== "frozen") throw new RejectedError(`job ${m.jobId} is ${job.state}, not frozen`);
    const { jobId, kind, size, module, args, env } = job.submit;
    const placement = this.policy.place(this.state.view(), { jobId, kind, size });
    if (!placement)
      throw new RejectedError(`no room for the ${size} ranks of job ${jobId} now; try again later`);
    const plan = planThaw(placement, "thawed by an operator");
    job.state = "running";
    job.placement = [...placement];
    job.migration = plan;
    await this.publishJobEvent(jobId, "thaw-planned", { placement: job.placement, detail: plan.planId });
    const byHost = granulesByHost(placement);
    const answers = await Promise.allSettled(
      [...byHost].map(([host, granules]) =>
        this.opts.bus.request(
          subjects.host(host),
          message("granules_thaw", {
            jobId,
            planId: plan.planId,
            kind,
            module,
            args,
            env,
            granules,
            placement: [...placement],
          }),
          ["granny.v1.ack"],
          { timeoutMs: 10_000 },
        ),
      ),
    );
    const refused = answers.find((a): a is PromiseRejectedResult => a.status === "rejected");
    if (refused) {
      await this.finishJob(job, {
        state: "failed",
        error: `thaw ${plan.planId} failed: ${(refused.reason as Error).message}`,
      });
    }
    return message("ack", {});
  }

  /**
   * A host will go away after a grace period (a spot VM's notice, or `granny evict`): nothing new
   * goes there, and its MPI ranks move at their next barrier, or their job freezes when there is
   * nowhere to go. What is still there when the grace ends is lost, and its jobs fail.
   */
  private async onEvictRequest(m: MessageOf<"evict_request">): Promise<Message> {
    const host = this.state.hosts.get(m.host);
    if (!host?.alive) throw new RejectedError(`no live host ${m.host}`);
    if (host.evictAt !== undefined) return message("ack", {});
    host.evictAt = Date.now() + m.graceMs;
    this.opts.log.warn(`host ${m.host} will be evicted in ${m.graceMs} ms`);
    let decisions = this.policy.onEvictionNotice(this.state.view(), [m.host]);
    // Policies that do not evacuate (bin-pack, batch) leave it to the spot policy: losing work
    // that could have moved is never the better choice.
    if (decisions.length === 0)
      decisions = policyByName("spot").onEvictionNotice(this.state.view(), [m.host]);
    for (const decision of decisions) {
      const job = this.state.jobs.get(decision.jobId);
      if (!job) continue;
      try {
        const plan =
          decision.type === "freeze"
            ? planFreeze(
                job,
                `host ${m.host} under eviction notice, nowhere to move: ${decision.reason}`,
                "spot",
              )
            : planMigration(
                this.state,
                job,
                decision.moves.map((mv) => ({ granule: mv.granule, to: mv.to })),
                `host ${m.host} under eviction notice: ${explainDecision(decision)}`,
                "spot",
              );
        await this.startMigration(job, plan);
      } catch (err) {
        this.opts.log.warn(`evacuating job ${decision.jobId} from ${m.host}: ${(err as Error).message}`);
      }
    }
    setTimeout(() => void this.evicted(m.host), m.graceMs).unref();
    return message("ack", {});
  }

  private async evicted(name: string): Promise<void> {
    const reason = `host ${name} was evicted before its granules could leave`;
    await this.failGranulesOn(name, reason);
    this.opts.log.info(`host ${name}: eviction grace over`);
  }

  private async recordEnd(job: JobRecord, granule: number, end: GranuleEnd): Promise<void> {
    job.ended.set(granule, end);
    const failure = ClusterState.failureOf(job);
    if (failure) {
      await this.finishJob(job, failure);
      return;
    }
    const outcome = ClusterState.outcome(job);
    if (outcome) await this.finishJob(job, outcome);
  }

  /** Ends a job: records the result, stops granules still running elsewhere, frees slots, schedules. */
  private async finishJob(
    job: JobRecord,
    result: { state: "finished" | "failed"; exitCode?: number; error?: string },
  ) {
    if (job.state === "finished" || job.state === "failed") return;
    const wasRunning = job.state === "running";
    job.state = result.state;
    if (result.state === "failed") job.span.fail(new Error(result.error ?? "failed"));
    job.span.end({
      [ATTR.outcome]: result.state,
      ...(result.exitCode !== undefined ? { [ATTR.exitCode]: result.exitCode } : {}),
    });
    if (result.exitCode !== undefined) job.exitCode = result.exitCode;
    if (result.error !== undefined) job.error = result.error;
    if (wasRunning) {
      // Hosts with live granules, and targets of a migration in flight (a restore may be under way).
      const stillRunning = new Set(ClusterState.heldSlots(job).map(([h]) => h));
      job.migration?.span?.fail(new Error(`job ${result.state} during the migration`));
      job.migration?.span?.end();
      job.migration = undefined;
      for (const host of stillRunning) {
        this.opts.bus
          .request(
            subjects.host(host),
            message("job_stop", { jobId: job.submit.jobId, reason: result.error ?? "job ended" }),
            ["granny.v1.ack"],
          )
          .catch((err: Error) =>
            this.opts.log.warn(`could not stop job ${job.submit.jobId} on ${host}: ${err.message}`),
          );
      }
    }
    this.opts.log.info(
      `job ${job.submit.jobId} ${result.state}${result.exitCode !== undefined ? ` with exit code ${result.exitCode}` : ""}${result.error ? `: ${result.error}` : ""}`,
    );
    await this.publishJobEvent(job.submit.jobId, result.state, {
      ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
      ...(result.error !== undefined ? { detail: result.error } : {}),
    });
    this.schedule();
  }

  /** Places queued jobs, head first; stops at the first that does not fit (FIFO, no overtaking). */
  private schedule(): Promise<string[]> {
    const pass = this.scheduling.then(async () => {
      const placed: string[] = [];
      while (this.state.queue.length > 0) {
        const jobId = this.state.queue[0] as string;
        const job = this.state.jobs.get(jobId);
        if (!job) {
          this.state.queue.shift();
          continue;
        }
        const placement = this.policy.place(this.state.view(), {
          jobId,
          kind: job.submit.kind,
          size: job.submit.size,
        });
        if (!placement) break;
        this.state.queue.shift();
        job.placement = [...placement];
        job.state = "running";
        placed.push(jobId);
        await this.publishJobEvent(jobId, "placed", { placement: job.placement });
        await inContext(job.span, () =>
          withSpan(
            SPAN.jobPlace,
            {
              [ATTR.policy]: this.policy.name,
              [ATTR.placement]: job.placement,
              [ATTR.crossVmLinks]: crossVmLinks(job.placement),
            },
            () => this.startGranules(job),
          ),
        );
      }
      await this.rebalance();
      if (this.state.queue.length === 0) await this.scaleUpIdle();
      return placed;
    });
    this.scheduling = pass.then(
      () => undefined,
      (err: Error) => this.opts.log.error(`scheduling failed: ${err.message}`),
    );
    return pass.catch(() => []);
  }

  /**
   * Asks the policy whether running MPI jobs should move ranks (compaction: fewer cross-VM links
   * once slots freed up). Each plan takes effect at that job's next barrier.
   */
  private async rebalance(): Promise<void> {
    const candidates = [...this.state.jobs.values()]
      .filter((j) => j.state === "running" && j.submit.kind === "mpi" && !j.migration)
      .map((j) => j.submit.jobId);
    if (candidates.length === 0) return;
    for (const decision of this.policy.atBarrier(this.state.view(), candidates)) {
      const job = this.state.jobs.get(decision.jobId);
      if (!job || job.migration) continue;
      try {
        const plan = planMigration(
          this.state,
          job,
          decision.moves.map((mv) => ({ granule: mv.granule, to: mv.to })),
          `${this.policy.name} policy: ${explainDecision(decision)}`,
          this.policy.name,
        );
        await this.startMigration(job, plan);
      } catch (err) {
        this.opts.log.warn(
          `policy migration of ${decision.jobId} not carried out: ${(err as Error).message}`,
        );
      }
    }
  }

  /**
   * vCPUs that the queue cannot use: the policy may give them to running OpenMP jobs on the same
   * host (elastic), effective at each job's next parallel region.
   */
  private async scaleUpIdle(): Promise<void> {
    const view = this.state.view();
    const idle = view.hosts
      .filter((h) => h.evicting !== true && h.slots > [...h.used.values()].reduce((a, b) => a + b, 0))
      .map((h) => h.name);
    if (idle.length === 0) return;
    for (const decision of this.policy.onVcpusFreed(view, idle)) {
      const job = this.state.jobs.get(decision.jobId);
      if (job?.state !== "running" || job.submit.kind !== "omp") continue;
      try {
        await this.opts.bus.request(
          subjects.host(decision.host),
          message("scale_up", {
            jobId: decision.jobId,
            threads: decision.toThreads,
            reason: decision.reason,
          }),
          ["granny.v1.ack"],
          { timeoutMs: 10_000 },
        );
        job.placement = Array.from({ length: decision.toThreads }, () => decision.host);
        await this.publishJobEvent(decision.jobId, "scaled", {
          placement: job.placement,
          detail: `${decision.fromThreads} -> ${decision.toThreads} threads: ${decision.reason}`,
        });
      } catch (err) {
        this.opts.log.warn(`scaling up ${decision.jobId}: ${(err as Error).message}`);
      }
    }
  }

  private async startGranules(job: JobRecord): Promise<void> {
    const byHost = granulesByHost(job.placement);
    const { jobId, kind, module, args, env } = job.submit;
    await Promise.all(
      [...byHost].map(async ([host, granules]) => {
        try {
          await this.opts.bus.request(
            subjects.host(host),
            message("granules_start", { jobId, kind, module, args, env, granules, placement: job.placement }),
            ["granny.v1.ack"],
            { timeoutMs: 10_000 },
          );
        } catch (err) {
          const reason = `host ${host} could not start granules ${granules.join(",")}: ${(err as Error).message}`;
          for (const g of granules) {
            if (job.state === "running" && !job.ended.has(g)) {
              await this.recordEnd(job, g, { outcome: "failed", host, message: reason });
            }
          }
        }
      }),
    );
  }

  private checkHosts(now: number): void {
    for (const host of this.state.hosts.values()) {
      if (host.alive && now - host.lastSeen > this.deadAfterMs) {
        void this.onHostGone(
          host.name,
          `host ${host.name} stopped responding (no heartbeat for ${now - host.lastSeen} ms)`,
        );
      }
    }
  }

  /** A host left or vanished: its granules are lost, their jobs fail, the rest is rescheduled. */
  private async onHostGone(name: string, reason: string): Promise<Message> {
    const host = this.state.hosts.get(name);
    if (!host?.alive) return message("ack", {});
    host.alive = false;
    // A clean leave is routine; a silent host is worth a warning.
    if (reason.endsWith("left the cluster")) this.opts.log.info(reason);
    else this.opts.log.warn(reason);
    await this.failGranulesOn(name, reason);
    this.schedule();
    return message("ack", {});
  }

  private async failGranulesOn(hostName: string, reason: string): Promise<void> {
    for (const job of this.state.jobs.values()) {
      if (job.state !== "running") continue;
      const lost = job.placement.flatMap((h, g) => (h === hostName && !job.ended.has(g) ? [g] : []));
      for (const g of lost) {
        if (job.state !== "running") break;
        await this.recordEnd(job, g, { outcome: "lost", host: hostName, message: reason });
      }
    }
  }

  private async publishJobEvent(
    jobId: string,
    event: string,
    extra: { detail?: string; exitCode?: number; placement?: string[] } = {},
  ): Promise<void> {
    try {
      await this.events.publish(
        subjects.jobEvent(jobId, "job"),
        message("job_event", { jobId, event, at: Date.now(), ...extra }),
      );
    } catch (err) {
      this.opts.log.warn(`could not publish ${event} of job ${jobId}: ${(err as Error).message}`);
    }
  }
}

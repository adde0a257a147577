// The discrete-event simulator: replays a scenario's jobs (all queued at the start, admitted
// FIFO with head-of-line blocking, as in the paper) on a simulated cluster under one policy,
// applying that policy's decisions exactly as the live planner would.

import type {
  ClusterView,
  Decision,
  Freeze,
  MigrationPlan,
  Placement,
  PlacementRequest,
  Policy,
  ScaleUp,
} from "../types.js";
import { queuedJob, SimCluster, type SimJob } from "./cluster.js";
import { EventQueue } from "./event-queue.js";
import { mpiSlowdown, ompTimeFactor, PERF_MODEL } from "./perf-model.js";
import type { Scenario } from "./presets.js";
import { Rng, seedFor } from "./rng.js";

type SimEvent =
  | { readonly kind: "finish"; readonly job: SimJob; readonly version: number }
  | { readonly kind: "notice" }
  | { readonly kind: "evict"; readonly hosts: readonly string[] };

export interface Sample {
  readonly t: number;
  readonly usedVcpus: number;
  readonly capacity: number;
  readonly crossVmLinks: number;
  readonly queued: number;
}

export interface JobOutcome {
  readonly id: string;
  readonly kind: string;
  readonly size: number;
  readonly firstStart: number;
  readonly finish: number;
  readonly jct: number;
  readonly migrations: number;
  readonly restarts: number;
  readonly freezes: number;
}

export interface SimRun {
  readonly policy: string;
  readonly makespan: number;
  readonly jobs: readonly JobOutcome[];
  readonly samples: readonly Sample[];
  /** ∫ idle vCPUs dt and ∫ capacity dt over [0, makespan]. */
  readonly idleVcpuSeconds: number;
  readonly capacitySeconds: number;
  /** ∫ cross-VM links dt over [0, makespan], the paper's fragmentation measure. */
  readonly linkSeconds: number;
  readonly migrations: number;
  readonly scaleUps: number;
  readonly freezes: number;
  readonly restarts: number;
  /** vCPU-seconds held without progress: killed attempts and migration or restore pauses. */
  readonly lostWorkVcpuS: number;
  readonly decisions: number;
}

/** What a policy was asked and what it answered; lets a test replay the same calls elsewhere. */
export type DecisionRecord =
  | {
      readonly call: "place";
      readonly view: ClusterView;
      readonly request: PlacementRequest;
      readonly result: Placement;
    }
  | {
      readonly call: "atBarrier";
      readonly view: ClusterView;
      readonly jobIds: readonly string[];
      readonly result: readonly Decision[];
    }
  | {
      readonly call: "onVcpusFreed";
      readonly view: ClusterView;
      readonly hosts: readonly string[];
      readonly result: readonly Decision[];
    }
  | {
      readonly call: "onEvictionNotice";
      readonly view: ClusterView;
      readonly hosts: readonly string[];
      readonly result: readonly Decision[];
    };

export interface SimOptions {
  /** Called with a frozen copy of the view before each decision is applied (slow: tests only). */
  readonly record?: (record: DecisionRecord) => void;
}

/** A deep, immutable copy of the view, as the planner would hold it at that instant. */
export function snapshotView(view: ClusterView): ClusterView {
  return {
    hosts: view.hosts.map((h) => ({
      name: h.name,
      slots: h.slots,
      used: new Map(h.used),
      evicting: h.evicting === true,
    })),
    jobs: view.jobs.map((j) => ({ id: j.id, kind: j.kind, placement: [...j.placement] })),
  };
}

export function simulate(scenario: Scenario, policy: Policy, options: SimOptions = {}): SimRun {
  return new Simulation(scenario, policy, options).run();
}

class Simulation {
  private readonly cluster = new SimCluster();
  private readonly events = new EventQueue<SimEvent>();
  private readonly queue: SimJob[] = [];
  private readonly justFrozen: SimJob[] = [];
  private readonly all: SimJob[];
  private readonly samples: Sample[] = [];
  private readonly rng: Rng;
  private now = 0;
  private done = 0;
  private idleVcpuSeconds = 0;
  private capacitySeconds = 0;
  private linkSeconds = 0;
  private migrations = 0;
  private scaleUps = 0;
  private freezes = 0;
  private restarts = 0;
  private lostWorkVcpuS = 0;
  private decisions = 0;
  private replacements = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly policy: Policy,
    private readonly options: SimOptions,
  ) {
    this.rng = new Rng(seedFor(`${scenario.preset}/evictions`, scenario.seed));
    const width = String(scenario.hosts).length;
    for (let i = 0; i < scenario.hosts; i++)
      this.cluster.addHost(`vm-${String(i).padStart(width, "0")}`, scenario.slotsPerHost);
    this.all = scenario.jobs.map(queuedJob);
    this.queue.push(...this.all);
  }

  run(): SimRun {
    const evictions = this.scenario.evictions;
    if (evictions !== undefined) this.events.push(evictions.intervalS, { kind: "notice" });
    this.react(this.cluster.hosts.map((h) => h.name));
    for (;;) {
      const next = this.events.pop();
      if (next === undefined) break;
      if (next.event.kind === "finish" && next.event.version !== next.event.job.version) continue;
      this.advance(next.time);
      this.handle(next.event);
      if (this.done === this.all.length) break;
    }
    if (this.done < this.all.length) {
      const stuck = this.queue[0];
      throw new Error(
        `${this.policy.name}: ${this.all.length - this.done} job(s) never finished` +
          (stuck === undefined ? "" : `; ${stuck.id} (${stuck.spec.size} granules) could not be placed`),
      );
    }
    return this.result();
  }

  private handle(event: SimEvent): void {
    switch (event.kind) {
      case "finish": {
        const job = event.job;
        const hosts = [...new Set(job.placement)];
        this.progress(job);
        this.cluster.release(job);
        job.state = "done";
        job.finishedAt = this.now;
        this.done++;
        this.react(hosts);
        return;
      }
      case "notice":
        this.notice();
        return;
      case "evict":
        this.evict(event.hosts);
        return;
    }
  }

  /** After any change: admit from the queue, then let the policy migrate and scale up. */
  private react(changedHosts: readonly string[]): void {
    this.admit();
    if (this.cluster.fragmented.size > 0) {
      // Fragmented jobs reach a barrier within seconds; asking for all of them at once is the
      // same as asking one at a time, since each plan sees the slots taken by the previous one.
      // They come in the order they became fragmented: deterministic, and no sort per event.
      const ids = Array.from(this.cluster.fragmented, (job) => job.id);
      const plans = this.ask("atBarrier", ids, () => this.policy.atBarrier(this.cluster, ids));
      for (const plan of plans) this.apply(plan);
      this.requeueFrozen();
    }
    const withFree = changedHosts.filter((name) => this.cluster.hostByName.has(name));
    if (withFree.length > 0) {
      const ups = this.ask("onVcpusFreed", withFree, () => this.policy.onVcpusFreed(this.cluster, withFree));
      for (const up of ups) this.apply(up);
    }
    this.sample();
  }

  private admit(): void {
    for (;;) {
      const job = this.queue[0];
      if (job === undefined) return;
      const request: PlacementRequest = { jobId: job.id, kind: job.kind, size: job.spec.size };
      const view = this.options.record === undefined ? undefined : snapshotView(this.cluster);
      const placement = this.policy.place(this.cluster, request);
      this.decisions++;
      if (view !== undefined) this.options.record?.({ call: "place", view, request, result: placement });
      if (placement === null) return;
      if (placement.length !== job.spec.size)
        throw new Error(`${this.policy.name} placed ${placement.length} of ${job.spec.size} granules`);
      this.queue.shift();
      this.start(job, placement);
    }
  }

  private ask<T extends Decision>(
    call: "atBarrier" | "onVcpusFreed" | "onEvictionNotice",
    args: readonly string[],
    decide: () => readonly T[],
  ): readonly T[] {
    const view = this.options.record === undefined ? undefined : snapshotView(this.cluster);
    const result = decide();
    this.decisions++;
    if (view !== undefined) {
      if (call === "atBarrier") this.options.record?.({ call, view, jobIds: args, result });
      else this.options.record?.({ call, view, hosts: args, result });
    }
    return result;
  }

  private start(job: SimJob, placement: readonly string[]): void {
    this.cluster.occupy(job, placement);
    if (job.state === "frozen") {
      job.resumeAt = this.now + PERF_MODEL.migrationPauseS;
      this.lostWorkVcpuS += job.spec.size * PERF_MODEL.migrationPauseS;
    } else {
      job.attemptStart = this.now;
      job.resumeAt = this.now;
      job.remaining = 1;
    }
    job.firstStart ??= this.now;
    job.state = "running";
    job.lastUpdate = this.now;
    this.schedule(job);
  }

  private apply(decision: Decision): void {
    const job = this.cluster.jobById.get(decision.jobId);
    if (job === undefined)
      throw new Error(`${this.policy.name} decided about ${decision.jobId}, which is not running`);
    this.progress(job);
    switch (decision.type) {
      case "migrate":
        this.migrate(job, decision);
        break;
      case "scaleUp":
        this.scaleUp(job, decision);
        return;
      case "freeze":
        this.freeze(job, decision);
        return;
    }
    this.schedule(job);
  }

  private migrate(job: SimJob, plan: MigrationPlan): void {
    for (const move of plan.moves) this.cluster.moveGranule(job, move.granule, move.from, move.to);
    this.cluster.relink(job);
    job.resumeAt = Math.max(job.resumeAt, this.now) + PERF_MODEL.migrationPauseS;
    this.lostWorkVcpuS += job.placement.length * PERF_MODEL.migrationPauseS;
    job.migrations++;
    this.migrations++;
  }

  private scaleUp(job: SimJob, up: ScaleUp): void {
    if (job.placement.length !== up.fromThreads)
      throw new Error(`${job.id} has ${job.placement.length} threads, not ${up.fromThreads}`);
    this.cluster.addThreads(job, up.host, up.toThreads - up.fromThreads);
    this.scaleUps++;
    this.schedule(job);
  }

  private freeze(job: SimJob, _freeze: Freeze): void {
    this.cluster.release(job);
    job.state = "frozen";
    job.freezes++;
    job.version++;
    this.freezes++;
    this.justFrozen.push(job);
  }

  /** Frozen jobs go back to the head of the queue, in the order the policy froze them. */
  private requeueFrozen(): void {
    if (this.justFrozen.length > 0) this.queue.unshift(...this.justFrozen.splice(0));
  }

  private notice(): void {
    const evictions = this.scenario.evictions;
    if (evictions === undefined || this.done === this.all.length) return;
    const standing = this.cluster.hosts.filter((h) => !h.evicting);
    const count = Math.round(evictions.fraction * this.cluster.hosts.length);
    const chosen = this.rng.sample(standing, count).map((h) => h.name);
    for (const name of chosen) this.cluster.markEvicting(name);
    const decisions = this.ask("onEvictionNotice", chosen, () =>
      this.policy.onEvictionNotice(this.cluster, chosen),
    );
    for (const decision of decisions) this.apply(decision);
    this.requeueFrozen();
    this.events.push(this.now + evictions.graceS, { kind: "evict", hosts: chosen });
    this.events.push(this.now + evictions.intervalS, { kind: "notice" });
    this.react([]);
  }

  private evict(names: readonly string[]): void {
    const killed = new Set<SimJob>();
    for (const name of names) {
      for (const jobId of this.cluster.host(name).used.keys()) {
        const job = this.cluster.jobById.get(jobId);
        if (job !== undefined) killed.add(job);
      }
    }
    // A job that loses a VM without warning handled loses its whole attempt and reruns first.
    for (const job of killed) {
      this.progress(job);
      this.lostWorkVcpuS += job.placement.length * (this.now - job.attemptStart);
      this.cluster.release(job);
      job.state = "queued";
      job.remaining = 1;
      job.restarts++;
      job.version++;
      this.restarts++;
    }
    this.queue.unshift(...killed);
    const fresh: string[] = [];
    for (const name of names) {
      this.replacements++;
      const replacement = `${name.split("~")[0]}~${this.replacements}`;
      this.cluster.replaceHost(name, replacement);
      fresh.push(replacement);
    }
    this.react(fresh);
  }

  /** Bring a job's remaining work up to now at its current rate. */
  private progress(job: SimJob): void {
    const from = Math.max(job.lastUpdate, job.resumeAt);
    if (this.now > from)
      job.remaining = Math.max(0, job.remaining - (this.now - from) / this.secondsPerUnit(job));
    job.lastUpdate = this.now;
  }

  private secondsPerUnit(job: SimJob): number {
    if (job.kind === "omp") return job.spec.work * ompTimeFactor(job.placement.length);
    return job.spec.work * mpiSlowdown(job.placement.length, job.links);
  }

  private schedule(job: SimJob): void {
    job.version++;
    const finish = Math.max(this.now, job.resumeAt) + job.remaining * this.secondsPerUnit(job);
    this.events.push(finish, { kind: "finish", job, version: job.version });
  }

  private advance(t: number): void {
    const dt = t - this.now;
    if (dt > 0) {
      this.capacitySeconds += this.cluster.capacity * dt;
      this.idleVcpuSeconds += (this.cluster.capacity - this.cluster.usedSlots) * dt;
      this.linkSeconds += this.cluster.links * dt;
    }
    this.now = t;
  }

  private sample(): void {
    const sample: Sample = {
      t: this.now,
      usedVcpus: this.cluster.usedSlots,
      capacity: this.cluster.capacity,
      crossVmLinks: this.cluster.links,
      queued: this.queue.length,
    };
    // Several reactions at one instant: keep the last state only.
    if (this.samples.at(-1)?.t === this.now) this.samples[this.samples.length - 1] = sample;
    else this.samples.push(sample);
  }

  private result(): SimRun {
    const jobs: JobOutcome[] = this.all.map((job) => ({
      id: job.id,
      kind: job.kind,
      size: job.spec.size,
      firstStart: job.firstStart ?? 0,
      finish: job.finishedAt ?? this.now,
      jct: job.finishedAt ?? this.now,
      migrations: job.migrations,
      restarts: job.restarts,
      freezes: job.freezes,
    }));
    return {
      policy: this.policy.name,
      makespan: this.now,
      jobs,
      samples: this.samples,
      idleVcpuSeconds: this.idleVcpuSeconds,
      capacitySeconds: this.capacitySeconds,
      linkSeconds: this.linkSeconds,
      migrations: this.migrations,
      scaleUps: this.scaleUps,
      freezes: this.freezes,
      restarts: this.restarts,
      lostWorkVcpuS: this.lostWorkVcpuS,
      decisions: this.decisions,
    };
  }
}

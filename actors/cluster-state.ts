// The planner's view of the cluster: hosts and their slots, jobs and their placement, the FIFO
// queue. Plain data and pure updates, so the planner's bus code stays thin and this part can be
// tested and fed to policies directly.
import type { GranuleState, MessageOf } from "../bus/mod.js";
import type { SpanHandle } from "../observability/mod.js";
import { type ClusterView, crossVmLinks, type HostView, type JobView } from "../policies/mod.js";

export type JobKind = MessageOf<"job_submit">["kind"];
export type JobState = MessageOf<"cluster_status">["jobs"][number]["state"];
export type GranuleOutcome = MessageOf<"granule_ended">["outcome"];

export interface HostRecord {
  readonly name: string;
  readonly slots: number;
  readonly spot: boolean;
  lastSeen: number;
  alive: boolean;
  /** Under eviction notice: takes no new work; its granules leave before `evictAt`. */
  evictAt?: number;
  /** Last states the host reported, by "job/granule". */
  readonly granuleStates: Map<string, GranuleState>;
}

export interface GranuleEnd {
  readonly outcome: GranuleOutcome;
  readonly exitCode?: number;
  readonly message?: string;
  readonly host: string;
}

/** A migration in flight: decided by the planner, waiting for the job's next barrier. */
export interface MigrationInFlight {
  readonly planId: string;
  readonly moves: readonly { granule: number; from: string; to: string }[];
  /** Host of every granule once the plan is done. */
  readonly placement: readonly string[];
  readonly reason: string;
  /** Moves to other hosts, a freeze into the snapshot bucket, or a thaw out of it. */
  readonly kind: "migrate" | "freeze" | "thaw";
  /** Who asked: "operator" or the policy's name (a metric label, unlike the free-text reason). */
  readonly origin: string;
  /** Granules not yet restored on their target. */
  readonly pending: Set<number>;
  /** Hosts of the job that have not yet reported every rank held and the new routes in place. */
  readonly pendingHeld: Set<string>;
  readonly decidedAt: number;
  maxPauseMs: number;
  snapshotBytes: number;
  /** The migration's own trace, ended at the barrier release. */
  span?: SpanHandle;
}

export interface JobRecord {
  readonly submit: MessageOf<"job_submit">;
  state: JobState;
  /** Host of each granule; empty while queued. */
  placement: string[];
  readonly ended: Map<number, GranuleEnd>;
  readonly submittedAt: number;
  migration?: MigrationInFlight;
  /** Migrations completed, for status and events. */
  migrations: number;
  /** The job's trace: from submit to its end. */
  readonly span: SpanHandle;
  exitCode?: number;
  error?: string;
}

/** Granule indices per host of a placement (index = granule), in granule order. */
export function granulesByHost(placement: readonly string[]): Map<string, number[]> {
  const byHost = new Map<string, number[]>();
  placement.forEach((host, granule) => {
    const list = byHost.get(host);
    if (list) list.push(granule);
    else byHost.set(host, [granule]);
  });
  return byHost;
}

export class ClusterState {
  readonly hosts = new Map<string, HostRecord>();
  readonly jobs = new Map<string, JobRecord>();
  /** Job ids waiting for room, first come first served. */
  readonly queue: string[] = [];

  upsertHost(name: string, slots: number, spot: boolean, now: number): HostRecord {
    const existing = this.hosts.get(name);
    if (existing?.alive && existing.slots === slots) {
      existing.lastSeen = now;
      return existing;
    }
    const record: HostRecord = { name, slots, spot, lastSeen: now, alive: true, granuleStates: new Map() };
    this.hosts.set(name, record);
    return record;
  }

  /** Slots in use on a host: granules of running jobs placed there that have not ended. */
  usedSlots(host: string): number {
    let used = 0;
    for (const job of this.jobs.values()) {
      if (job.state !== "running") continue;
      for (const [h] of ClusterState.heldSlots(job)) if (h === host) used++;
    }
    return used;
  }

  /**
   * The (host, granule) slots a running job holds: where its live granules are, plus, while a
   * migration is in flight, the targets reserved for the moving ones (both ends are busy then).
   */
  static heldSlots(job: JobRecord): [string, number][] {
    const held: [string, number][] = [];
    job.placement.forEach((h, g) => {
      if (!job.ended.has(g)) held.push([h, g]);
    });
    for (const move of job.migration?.moves ?? [])
      if (move.to && !job.ended.has(move.granule)) held.push([move.to, move.granule]);
    return held;
  }

  /** The view policies decide on: live hosts only, and the slots each running job holds there. */
  view(): ClusterView {
    const used = new Map<string, Map<string, number>>();
    const jobs: JobView[] = [];
    for (const job of this.jobs.values()) {
      if (job.state !== "running") continue;
      jobs.push({ id: job.submit.jobId, kind: job.submit.kind, placement: job.placement });
      for (const [h] of ClusterState.heldSlots(job)) {
        const perJob = used.get(h) ?? new Map<string, number>();
        perJob.set(job.submit.jobId, (perJob.get(job.submit.jobId) ?? 0) + 1);
        used.set(h, perJob);
      }
    }
    const hosts: HostView[] = [...this.hosts.values()]
      .filter((h) => h.alive)
      .map((h) => ({
        name: h.name,
        slots: h.slots,
        used: used.get(h.name) ?? new Map(),
        ...(h.evictAt !== undefined ? { evicting: true } : {}),
      }));
    return { hosts, jobs };
  }

  /** Total slots of live hosts: a job larger than this can never run and is refused at submit. */
  capacity(): number {
    let slots = 0;
    for (const h of this.hosts.values()) if (h.alive) slots += h.slots;
    return slots;
  }

  /** The job's result once every granule has ended, else undefined. */
  static outcome(
    job: JobRecord,
  ): { state: "finished" | "failed"; exitCode?: number; error?: string } | undefined {
    // An OpenMP job may have grown (elastic scale-up): its placement says how many threads it has.
    if (job.ended.size < Math.max(job.submit.size, job.placement.length)) return undefined;
    return (
      ClusterState.failureOf(job) ?? {
        state: "finished",
        exitCode: [...job.ended.values()].find((e) => e.exitCode !== 0)?.exitCode ?? 0,
      }
    );
  }

  /** The first granule failure of a job (trap, crash, lost host), which fails the whole job. */
  static failureOf(job: JobRecord): { state: "failed"; error: string } | undefined {
    const failures = [...job.ended.entries()]
      .filter(([, e]) => e.outcome !== "exited")
      .sort(([a], [b]) => a - b);
    const first = failures[0];
    if (!first) return undefined;
    const [granule, end] = first;
    return {
      state: "failed",
      error: `granule ${granule} on ${end.host} ${end.outcome}: ${end.message ?? "no message"}`,
    };
  }

  statusMessage(): Omit<MessageOf<"cluster_status">, "type"> {
    return {
      hosts: [...this.hosts.values()].map((h) => ({
        name: h.name,
        slots: h.slots,
        used: h.alive ? this.usedSlots(h.name) : 0,
        spot: h.spot,
        alive: h.alive,
      })),
      jobs: [...this.jobs.values()].map((j) => ({
        id: j.submit.jobId,
        kind: j.submit.kind,
        state: j.state,
        size: j.submit.size,
        placement: j.placement.map((host, granule) => ({ granule, host })),
        crossVmLinks: j.placement.length ? crossVmLinks(j.placement) : 0,
        submittedAt: j.submittedAt,
        ...(j.exitCode !== undefined ? { exitCode: j.exitCode } : {}),
        ...(j.error !== undefined ? { error: j.error } : {}),
      })),
      queue: [...this.queue],
    };
  }
}

// Deciding a migration plan from an operator's request (or, later, a policy's decision): which
// granules move where, the placement afterwards, and why. Pure functions over the planner's
// state, so the rules are tested without a bus.
import { randomBytes } from "node:crypto";
import { RejectedError } from "../bus/mod.js";
import { crossVmLinks } from "../policies/mod.js";
import type { ClusterState, JobRecord, MigrationInFlight } from "./cluster-state.js";

export interface MoveRequest {
  readonly granule: number;
  readonly to: string;
}

/** Checks a requested set of moves against the cluster and turns it into a plan, or refuses why. */
export function planMigration(
  state: ClusterState,
  job: JobRecord,
  moves: readonly MoveRequest[],
  why: string,
  origin = "operator",
): MigrationInFlight {
  const jobId = job.submit.jobId;
  if (job.state !== "running") throw new RejectedError(`job ${jobId} is ${job.state}, not running`);
  if (job.submit.kind !== "mpi") {
    throw new RejectedError(`job ${jobId} is a ${job.submit.kind} job; only MPI ranks migrate (at barriers)`);
  }
  if (job.migration)
    throw new RejectedError(`job ${jobId} already has migration ${job.migration.planId} in flight`);
  const placement = [...job.placement];
  const extra = new Map<string, number>();
  for (const { granule, to } of moves) {
    const from = job.placement[granule];
    if (from === undefined)
      throw new RejectedError(`job ${jobId} has no granule ${granule} (size ${job.submit.size})`);
    if (job.ended.has(granule))
      throw new RejectedError(`granule ${granule} of job ${jobId} has already ended`);
    const target = state.hosts.get(to);
    if (!target?.alive) throw new RejectedError(`no live host ${to}`);
    if (target.evictAt !== undefined) throw new RejectedError(`host ${to} is under eviction notice`);
    if (from === to) throw new RejectedError(`granule ${granule} of job ${jobId} already runs on ${to}`);
    extra.set(to, (extra.get(to) ?? 0) + 1);
    const free = target.slots - state.usedSlots(to) - (extra.get(to) ?? 0);
    if (free < 0) throw new RejectedError(`host ${to} has no free slot for granule ${granule}`);
    placement[granule] = to;
  }
  const before = crossVmLinks(job.placement);
  const after = crossVmLinks(placement);
  return {
    planId: `plan-${randomBytes(4).toString("hex")}`,
    moves: moves.map(({ granule, to }) => ({ granule, from: job.placement[granule] as string, to })),
    placement,
    reason: `${why}; cross-VM links ${before} -> ${after}`,
    kind: "migrate",
    origin,
    pending: new Set(moves.map((m) => m.granule)),
    pendingHeld: new Set(job.placement.filter((_h, g) => !job.ended.has(g))),
    decidedAt: Date.now(),
    maxPauseMs: 0,
    snapshotBytes: 0,
  };
}

/** Every granule of an MPI job into the snapshot bucket at its next barrier; its slots are freed after. */
export function planFreeze(job: JobRecord, why: string, origin = "operator"): MigrationInFlight {
  const jobId = job.submit.jobId;
  if (job.state !== "running") throw new RejectedError(`job ${jobId} is ${job.state}, not running`);
  if (job.submit.kind !== "mpi") {
    throw new RejectedError(`job ${jobId} is a ${job.submit.kind} job; only MPI jobs freeze (at barriers)`);
  }
  if (job.migration)
    throw new RejectedError(`job ${jobId} already has migration ${job.migration.planId} in flight`);
  const live = job.placement.flatMap((from, granule) =>
    job.ended.has(granule) ? [] : [{ granule, from, to: "" }],
  );
  if (live.length < job.placement.length)
    throw new RejectedError(`job ${jobId} has ranks that already ended`);
  return {
    planId: `freeze-${randomBytes(4).toString("hex")}`,
    moves: live,
    placement: job.placement.map(() => ""),
    reason: why,
    kind: "freeze",
    origin,
    pending: new Set(live.map((m) => m.granule)),
    pendingHeld: new Set(job.placement),
    decidedAt: Date.now(),
    maxPauseMs: 0,
    snapshotBytes: 0,
  };
}

/** A frozen job back on hosts: every granule restored from the bucket under `placement`. */
export function planThaw(placement: readonly string[], why: string): MigrationInFlight {
  return {
    planId: `thaw-${randomBytes(4).toString("hex")}`,
    moves: placement.map((to, granule) => ({ granule, from: "", to })),
    placement: [...placement],
    reason: why,
    kind: "thaw",
    origin: "operator",
    pending: new Set(placement.map((_h, g) => g)),
    pendingHeld: new Set(),
    decidedAt: Date.now(),
    maxPauseMs: 0,
    snapshotBytes: 0,
  };
}

/** Hosts that must hear about a plan: every host of the job now, and every target. */
export function hostsOfPlan(job: JobRecord, plan: MigrationInFlight): string[] {
  return [...new Set([...job.placement, ...plan.placement])].filter((h) => h !== "");
}

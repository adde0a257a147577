// The cluster view and the decisions that policies compute from it. Policies are pure functions
// of these values: the live planner and the simulator both build a ClusterView and call them.

import type { FreeSlots } from "./free-slots.js";

/** Granules with process semantics (MPI ranks) or thread semantics (OpenMP threads). */
export type JobKind = "mpi" | "omp" | "wasi";

export interface HostView {
  readonly name: string;
  readonly slots: number;
  /** Granules placed on this host, by job id: how many slots each job holds here. */
  readonly used: ReadonlyMap<string, number>;
  /** A spot host under eviction notice takes no new work. */
  readonly evicting?: boolean;
}

export interface JobView {
  readonly id: string;
  readonly kind: JobKind;
  /** Granule index -> host name, for granules that are placed. */
  readonly placement: readonly string[];
  /** Most threads an OpenMP job may be scaled up to; defaults to its host's slots. */
  readonly maxThreads?: number;
}

export interface ClusterView {
  readonly hosts: readonly HostView[];
  readonly jobs: readonly JobView[];
  /**
   * The same jobs keyed by id. Optional: a caller that keeps such a map anyway (the simulator)
   * passes it so that decisions stay O(touched jobs) instead of O(all jobs).
   */
  readonly jobById?: ReadonlyMap<string, JobView>;
  /** The same hosts keyed by name, for the same reason. */
  readonly hostByName?: ReadonlyMap<string, HostView>;
  /**
   * A free-slot index the caller keeps in step with `hosts` (same order, same free counts, hosts
   * under notice unusable). Optional: without it each decision builds one, O(hosts). Policies
   * leave it as they found it.
   */
  readonly freeSlots?: FreeSlots;
}

export interface PlacementRequest {
  readonly jobId: string;
  readonly kind: JobKind;
  /** Number of granules (ranks, or threads for an OpenMP job, which must share one host). */
  readonly size: number;
}

/** Where each granule goes (index -> host), or null when the job does not fit now. */
export type Placement = readonly string[] | null;

/** One granule leaving one host for another at a control point. */
export interface GranuleMove {
  readonly granule: number;
  readonly from: string;
  readonly to: string;
}

/** Why a migration was decided, so that an operator reading the event can check it. */
export interface MigrationReason {
  readonly kind: "compaction" | "eviction";
  readonly crossVmLinksBefore: number;
  readonly crossVmLinksAfter: number;
  readonly detail: string;
}

export interface MigrationPlan {
  readonly type: "migrate";
  readonly jobId: string;
  readonly moves: readonly GranuleMove[];
  readonly reason: MigrationReason;
}

/** Give an OpenMP job more threads on its own host, effective at its next fork. */
export interface ScaleUp {
  readonly type: "scaleUp";
  readonly jobId: string;
  readonly host: string;
  readonly fromThreads: number;
  readonly toThreads: number;
  readonly reason: string;
}

/** Snapshot every granule of a job and release its vCPUs; it is placed again later. */
export interface Freeze {
  readonly type: "freeze";
  readonly jobId: string;
  readonly reason: string;
}

export type EvictionDecision = MigrationPlan | Freeze;
export type Decision = MigrationPlan | ScaleUp | Freeze;

export const POLICY_NAMES = ["bin-pack", "batch", "compact", "elastic", "spot"] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export interface Policy {
  readonly name: PolicyName;
  readonly description: string;
  /** Place a new (or frozen, now resumed) job, or null when it must wait. */
  place(view: ClusterView, request: PlacementRequest): Placement;
  /**
   * The given MPI jobs have all their ranks at a barrier: which of them should move ranks.
   * Plans are computed in order, each seeing the slots taken by the ones before it.
   */
  atBarrier(view: ClusterView, jobIds: readonly string[]): readonly MigrationPlan[];
  /** vCPUs became free on these hosts and the queue cannot use them: scale OpenMP jobs up. */
  onVcpusFreed(view: ClusterView, hosts: readonly string[]): readonly ScaleUp[];
  /** These hosts will be evicted after a grace period: evacuate (migrate or freeze) their jobs. */
  onEvictionNotice(view: ClusterView, hosts: readonly string[]): readonly EvictionDecision[];
}

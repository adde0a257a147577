// The names users see in Jaeger and Prometheus: span names, span attribute keys and metric names.
// They are part of the public surface (docs/observability.md lists them), so they live in one
// place and the actors refer to them by constant, never by a string typed at the call site.

/** Span names. Each says which actor opens it and what it covers. */
export const SPAN = {
  /** planner: from job_submit to the job's end (root of the job's trace). */
  job: "job",
  /** planner: admission checks and queueing of a submitted job. */
  jobAdmit: "job.admit",
  /** planner: one placement of a job by the policy, and the granules_start requests it sends. */
  jobPlace: "job.place",
  /** host: one granule, from granules_start to its end (exit, trap, kill). */
  granuleRun: "granule.run",
  /** host: one granule waiting at a control point (MPI barrier, OpenMP fork/join). */
  granuleBarrier: "granule.barrier",
  /** planner: one migration, from the decision to the barrier's release (root of its own trace). */
  migration: "migration",
  /** source host: a running granule's memory copied and sent to its target ahead of the barrier. */
  migrationPrecopy: "migration.precopy",
  /** source host: capturing a granule's snapshot at the barrier. */
  migrationSnapshot: "migration.snapshot",
  /** source host: sending the snapshot to the target host. */
  migrationTransfer: "migration.transfer",
  /** target host: restoring the snapshot into a fresh instance. */
  migrationRestore: "migration.restore",
} as const;
export type SpanName = (typeof SPAN)[keyof typeof SPAN];

/** Span attribute keys, namespaced so that Jaeger's tag search finds them (`granny.job.id=...`). */
export const ATTR = {
  jobId: "granny.job.id",
  jobKind: "granny.job.kind",
  jobSize: "granny.job.size",
  granule: "granny.granule",
  host: "granny.host",
  sourceHost: "granny.migration.source",
  targetHost: "granny.migration.target",
  planId: "granny.migration.plan",
  moves: "granny.migration.moves",
  pauseMs: "granny.migration.pause_ms",
  snapshotBytes: "granny.snapshot.bytes",
  state: "granny.state",
  policy: "granny.policy",
  placement: "granny.placement",
  crossVmLinks: "granny.cross_vm_links",
  queued: "granny.queued",
  exitCode: "granny.exit_code",
  outcome: "granny.outcome",
  reason: "granny.reason",
  bytes: "granny.bytes",
} as const;

/**
 * Metric names (OpenTelemetry style). The Prometheus endpoint shows them with dots as
 * underscores, counters with `_total`, and the unit appended (see docs/observability.md).
 */
export const METRIC = {
  vcpus: "granny.vcpus",
  crossVmLinks: "granny.cross_vm_links",
  granules: "granny.granules",
  queueLength: "granny.queue.length",
  migrations: "granny.migrations",
  migrationPause: "granny.migration.pause",
  busMessages: "granny.bus.messages",
  busBytes: "granny.bus.bytes",
} as const;

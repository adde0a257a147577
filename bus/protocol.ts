// The typed message protocol. Every message on the bus is a CBOR map whose `type` names the
// message and its version, `granny.v<version>.<name>` (the nats.io micro convention). Schemas
// here are the single source of truth: the TypeScript types are inferred from them, and the
// decoder validates every incoming map against them.
import * as s from "./schema.js";

export const PROTOCOL_VERSION = 1;
export const TYPE_PREFIX = "granny";

export const GRANULE_STATES = [
  "created",
  "loading",
  "running",
  "atBarrier",
  "snapshotting",
  "migrating",
  "restoring",
  "frozen",
  "finished",
  "failed",
] as const;
export type GranuleState = (typeof GRANULE_STATES)[number];

export const JOB_KINDS = ["wasi", "mpi", "omp"] as const;
export const JOB_STATES = ["queued", "running", "frozen", "finished", "failed"] as const;
export const GRANULE_OUTCOMES = ["exited", "trapped", "failed", "lost"] as const;

const moduleRef = s.object({
  /** SHA-256 of the module bytes, hex; the key in the module Object Store bucket. */
  hash: s.string(),
  name: s.string(),
  size: s.int(),
});

/** What a host needs to load a job's module (a target prepares it ahead of a restore). */
const jobModule = { kind: s.oneOf(JOB_KINDS), module: moduleRef } as const;
/** What a host needs to run any granule of a job. */
const jobRun = { ...jobModule, args: s.array(s.string()), env: s.record(s.string()) } as const;

const granuleRef = s.object({ jobId: s.string(), granule: s.int(), state: s.oneOf(GRANULE_STATES) });

const jobStatus = s.object({
  id: s.string(),
  kind: s.oneOf(JOB_KINDS),
  state: s.oneOf(JOB_STATES),
  size: s.int(),
  placement: s.array(s.object({ granule: s.int(), host: s.string() })),
  crossVmLinks: s.number(),
  submittedAt: s.number(),
  exitCode: s.optional(s.int()),
  error: s.optional(s.string()),
});

/** Message name -> schema of its fields (besides `type`). */
const definitions = {
  /** A failure answer to a request; `code` is one of ErrorCode. */
  error: s.object({ code: s.string(), description: s.string() }),
  ack: s.object({}),

  host_register: s.object({ host: s.string(), slots: s.int(), spot: s.optional(s.bool()) }),
  host_heartbeat: s.object({ host: s.string(), slots: s.int(), granules: s.array(granuleRef) }),
  host_leave: s.object({ host: s.string() }),

  job_submit: s.object({
    jobId: s.string(),
    ...jobRun,
    size: s.int(),
  }),
  job_accepted: s.object({ jobId: s.string(), queued: s.bool() }),
  job_kill: s.object({ jobId: s.string(), reason: s.string() }),

  status_request: s.object({}),
  cluster_status: s.object({
    hosts: s.array(
      s.object({
        name: s.string(),
        slots: s.int(),
        used: s.int(),
        spot: s.optional(s.bool()),
        alive: s.bool(),
      }),
    ),
    jobs: s.array(jobStatus),
    queue: s.array(s.string()),
  }),

  /** Planner -> host: start these granules of a job. `placement[i]` is granule i's host. */
  granules_start: s.object({
    jobId: s.string(),
    ...jobRun,
    granules: s.array(s.int()),
    placement: s.array(s.string()),
  }),
  /** Planner -> host: stop every granule of a job (it failed elsewhere, or was killed). */
  job_stop: s.object({ jobId: s.string(), reason: s.string() }),
  /** Planner -> host: an OpenMP job may use `threads` vCPUs from its next parallel region on. */
  scale_up: s.object({ jobId: s.string(), threads: s.int(), reason: s.string() }),
  /** Host -> planner: a granule ended. */
  granule_ended: s.object({
    jobId: s.string(),
    granule: s.int(),
    host: s.string(),
    outcome: s.oneOf(GRANULE_OUTCOMES),
    exitCode: s.optional(s.int()),
    message: s.optional(s.string()),
  }),

  /** A granule's lifecycle transition, published on the events stream. */
  lifecycle: s.object({
    jobId: s.string(),
    granule: s.int(),
    host: s.string(),
    from: s.oneOf(GRANULE_STATES),
    to: s.oneOf(GRANULE_STATES),
    event: s.string(),
    at: s.number(),
    detail: s.optional(s.string()),
  }),
  /** A job-level event (submitted, queued, placed, finished, failed, ...), on the events stream. */
  job_event: s.object({
    jobId: s.string(),
    event: s.string(),
    at: s.number(),
    detail: s.optional(s.string()),
    exitCode: s.optional(s.int()),
    placement: s.optional(s.array(s.string())),
  }),
  /** A chunk of a granule's stdout or stderr, on the output stream. */
  job_output: s.object({
    jobId: s.string(),
    granule: s.int(),
    stream: s.oneOf(["stdout", "stderr"] as const),
    data: s.bytes(),
  }),

  /** Host -> host: MPI messages of one job, opaque to the bus. */
  mpi_envelope: s.object({ jobId: s.string(), fromHost: s.string(), data: s.bytes() }),

  /** Operator -> planner: move one granule at its next control point. */
  migrate_request: s.object({ jobId: s.string(), granule: s.int(), to: s.string() }),
  /** Operator or spot host -> planner: this host will go away; move its granules before the grace ends. */
  evict_request: s.object({ host: s.string(), graceMs: s.int() }),
  /** Operator -> planner: freeze a whole job at its next barrier (snapshots kept, slots freed). */
  freeze_request: s.object({ jobId: s.string() }),
  /** Operator -> planner: place a frozen job again and resume it from its snapshots. */
  thaw_request: s.object({ jobId: s.string() }),

  /**
   * Planner -> a source host, before the plan: copy the memory of these granules, while they
   * run, to their targets (live migration's pre-copy), so that the snapshot at the barrier only
   * carries what changed since. Answered once every pre-copy is with its target.
   */
  migration_precopy: s.object({
    jobId: s.string(),
    planId: s.string(),
    moves: s.array(s.object({ granule: s.int(), to: s.string() })),
  }),
  /** Source host -> target host: a running granule's memory (encodePrecopy), kept for its snapshot. */
  snapshot_precopy: s.object({
    jobId: s.string(),
    planId: s.string(),
    granule: s.int(),
    /** The job's module: the target prepares it now, ahead of the restore. */
    ...jobModule,
    precopy: s.bytes(),
  }),
  /**
   * Planner -> every host of a job: at the job's next barrier, hold every rank, snapshot the
   * moving ones and send them to their targets (or to the snapshot bucket when `to` is "").
   */
  migration_plan: s.object({
    jobId: s.string(),
    planId: s.string(),
    moves: s.array(s.object({ granule: s.int(), from: s.string(), to: s.string() })),
    /** Host of every granule once the plan is done. */
    placement: s.array(s.string()),
    reason: s.string(),
    /** The job's module: a target new to the job prepares it while the ranks reach the barrier. */
    ...jobModule,
  }),
  /** Source host -> target host: a granule's snapshot and what is needed to run it there. */
  snapshot_transfer: s.object({
    jobId: s.string(),
    planId: s.string(),
    granule: s.int(),
    ...jobRun,
    placement: s.array(s.string()),
    /** The granule lifecycle machine's persisted state, so the target continues the same machine. */
    lifecycle: s.bytes(),
    snapshot: s.bytes(),
  }),
  /**
   * Host -> planner: every rank of the job on this host is parked at the held barrier (or left
   * as a snapshot) and the host's routes follow the plan's placement.
   */
  job_held: s.object({ jobId: s.string(), planId: s.string(), host: s.string() }),
  /**
   * Planner -> host: restore these granules of a frozen job from the snapshot bucket, parked at
   * the barrier they were frozen in, under the new placement.
   */
  granules_thaw: s.object({
    jobId: s.string(),
    planId: s.string(),
    ...jobRun,
    granules: s.array(s.int()),
    placement: s.array(s.string()),
  }),
  /** Host -> planner: a moved granule is restored here (or frozen into the bucket), waiting at its barrier. */
  granule_moved: s.object({
    jobId: s.string(),
    planId: s.string(),
    granule: s.int(),
    host: s.string(),
    /** Bytes of the snapshot, and milliseconds from the barrier to restored. */
    snapshotBytes: s.int(),
    pauseMs: s.number(),
  }),
  /** Planner -> every host of a job: the plan is done; routes follow `placement`; the barrier opens. */
  barrier_release: s.object({ jobId: s.string(), planId: s.string(), placement: s.array(s.string()) }),
} as const;

type Definitions = typeof definitions;
export type MessageName = keyof Definitions;
export type TypeName<N extends MessageName = MessageName> =
  `${typeof TYPE_PREFIX}.v${typeof PROTOCOL_VERSION}.${N}`;

export type MessageOf<N extends MessageName> = { type: TypeName<N> } & s.Infer<Definitions[N]>;
export type Message = { [N in MessageName]: MessageOf<N> }[MessageName];
/** The message whose `type` is T. */
export type MessageByType<T extends Message["type"]> = Extract<Message, { type: T }>;

export function typeName<N extends MessageName>(name: N): TypeName<N> {
  return `${TYPE_PREFIX}.v${PROTOCOL_VERSION}.${name}`;
}

/** Builds a message of the given name; the compiler checks its fields. */
export function message<N extends MessageName>(name: N, fields: s.Infer<Definitions[N]>): MessageOf<N> {
  return { type: typeName(name), ...fields } as MessageOf<N>;
}

export function isMessageName(name: string): name is MessageName {
  return Object.hasOwn(definitions, name);
}

export function schemaOf(name: MessageName): s.Schema<unknown> {
  return definitions[name];
}

export const MESSAGE_NAMES = Object.keys(definitions) as MessageName[];

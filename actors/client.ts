// What a user's command does against a running cluster: submit a job (its module goes to the
// module store, by content hash), wait for it while streaming its output, read the cluster's
// status and follow lifecycle events. Waiting replays the jobs stream from the job's start, so a
// client that connects late still sees all of the output, in order.
import { randomBytes } from "node:crypto";
import {
  type Bus,
  checkToken,
  type Message,
  type MessageOf,
  ModuleStore,
  message,
  replay,
  subjects,
} from "../bus/mod.js";
import { checkMpiImports, isOpenMpModule, mpiRefusal } from "../wasm-host/mod.js";
import type { JobKind } from "./cluster-state.js";

export interface SubmitOptions {
  readonly module: Uint8Array;
  readonly name: string;
  readonly size: number;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Default: detected from the module's imports. */
  readonly kind?: JobKind;
  readonly jobId?: string;
}

export function newJobId(): string {
  return `job-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}

/** MPI programs import from the "mpi" namespace; OpenMP ones call the __kmpc_* runtime. */
export function detectKind(module: WebAssembly.Module): JobKind {
  const imports = WebAssembly.Module.imports(module);
  if (imports.some((i) => i.module === "mpi")) return "mpi";
  if (isOpenMpModule(module)) return "omp";
  return "wasi";
}

export async function submitJob(bus: Bus, opts: SubmitOptions): Promise<{ jobId: string; queued: boolean }> {
  let compiled: WebAssembly.Module;
  try {
    compiled = new WebAssembly.Module(opts.module);
  } catch (err) {
    throw new Error(`${opts.name} is not a valid WebAssembly module: ${(err as Error).message}`);
  }
  const kind = opts.kind ?? detectKind(compiled);
  if (kind === "mpi") {
    // Refuse now, with the list, rather than fail on every host later.
    const refusal = mpiRefusal(checkMpiImports(compiled));
    if (refusal) throw new Error(`${opts.name}: ${refusal}`);
  }
  const jobId = checkToken("job id", opts.jobId ?? newJobId());
  const store = await ModuleStore.open(bus);
  const hash = await store.put(opts.module);
  const reply = await bus.request(
    subjects.planner,
    message("job_submit", {
      jobId,
      kind,
      size: opts.size,
      module: { hash, name: opts.name, size: opts.module.length },
      args: [...(opts.args ?? [])],
      env: { ...(opts.env ?? {}) },
    }),
    ["granny.v1.job_accepted"],
    { timeoutMs: 30_000 },
  );
  return { jobId: reply.jobId, queued: reply.queued };
}

export interface JobResult {
  readonly state: "finished" | "failed";
  readonly exitCode: number;
  readonly error?: string;
}

export interface WaitOptions {
  readonly onOutput?: (granule: number, stream: "stdout" | "stderr", data: Uint8Array) => void;
  readonly onEvent?: (event: MessageOf<"job_event"> | MessageOf<"lifecycle">) => void;
  readonly signal?: AbortSignal;
}

/** Exit status of a job that failed (trap, lost host, killed): like a shell's for a crashed command. */
export const FAILED_JOB_EXIT_CODE = 1;

/** Follows a job from its first event to its end, replaying what already happened. */
export async function waitJob(bus: Bus, jobId: string, opts: WaitOptions = {}): Promise<JobResult> {
  let result: JobResult | undefined;
  const isEnd = (m: Message) =>
    m.type === "granny.v1.job_event" && (m.event === "finished" || m.event === "failed");
  await replay(
    bus,
    subjects.job(jobId),
    ["granny.v1.job_output", "granny.v1.job_event", "granny.v1.lifecycle"],
    (m) => {
      if (m.type === "granny.v1.job_output") {
        opts.onOutput?.(m.granule, m.stream, m.data);
        return;
      }
      opts.onEvent?.(m);
      if (m.type === "granny.v1.job_event" && isEnd(m)) {
        result =
          m.event === "finished"
            ? { state: "finished", exitCode: m.exitCode ?? 0 }
            : { state: "failed", exitCode: FAILED_JOB_EXIT_CODE, error: m.detail ?? "job failed" };
      }
    },
    { follow: true, until: isEnd, ...(opts.signal ? { signal: opts.signal } : {}) },
  );
  if (!result) throw new Error(`stopped following job ${jobId} before it ended`);
  return result;
}

export async function clusterStatus(bus: Bus): Promise<Omit<MessageOf<"cluster_status">, "type">> {
  const { type: _type, ...status } = await bus.request(subjects.planner, message("status_request", {}), [
    "granny.v1.cluster_status",
  ]);
  return status;
}

/**
 * Asks the planner to move a granule (an MPI rank) to another host. Answered once the plan is
 * out: after the pre-copy of the rank's memory to the target (up to half a minute for a rank
 * that makes no MPI call), the move happens at the rank's next barrier.
 */
export async function migrateGranule(bus: Bus, jobId: string, granule: number, to: string): Promise<void> {
  await bus.request(subjects.planner, message("migrate_request", { jobId, granule, to }), ["granny.v1.ack"], {
    timeoutMs: 60_000,
  });
}

/** Freezes an MPI job at its next barrier: snapshots to the bucket, slots freed. */
export async function freezeJob(bus: Bus, jobId: string): Promise<void> {
  await bus.request(subjects.planner, message("freeze_request", { jobId }), ["granny.v1.ack"], {
    timeoutMs: 15_000,
  });
}

/** Places a frozen job again and resumes it from its snapshots. */
export async function thawJob(bus: Bus, jobId: string): Promise<void> {
  await bus.request(subjects.planner, message("thaw_request", { jobId }), ["granny.v1.ack"], {
    timeoutMs: 30_000,
  });
}

/** Tells the planner a host goes away after `graceMs`: its ranks move, or their jobs freeze, before then. */
export async function evictHost(bus: Bus, host: string, graceMs: number): Promise<void> {
  await bus.request(subjects.planner, message("evict_request", { host, graceMs }), ["granny.v1.ack"], {
    timeoutMs: 60_000,
  });
}

export async function killJob(bus: Bus, jobId: string, reason: string): Promise<void> {
  await bus.request(subjects.planner, message("job_kill", { jobId, reason }), ["granny.v1.ack"]);
}

export type JobEventMessage = MessageOf<"job_event"> | MessageOf<"lifecycle">;

/**
 * Follows a job's events (replayed, then live) until one matches; throws if the job ends
 * first. An end event that matches is returned like any other.
 */
export async function awaitJobEvent(
  bus: Bus,
  jobId: string,
  matches: (e: JobEventMessage) => boolean,
  what = "the awaited event",
): Promise<JobEventMessage> {
  const abort = new AbortController();
  let hit: JobEventMessage | undefined;
  await followEvents(bus, { jobId, follow: true, signal: abort.signal }, (e) => {
    if (hit) return;
    if (matches(e)) hit = e;
    if (hit || (e.type === "granny.v1.job_event" && (e.event === "finished" || e.event === "failed")))
      abort.abort();
  });
  if (!hit) throw new Error(`job ${jobId} ended before ${what}`);
  return hit;
}

/** The n-th job-level event of a kind ("migrated", "frozen", ...). */
export async function awaitNthJobEvent(
  bus: Bus,
  jobId: string,
  event: string,
  n = 1,
): Promise<MessageOf<"job_event">> {
  let seen = 0;
  const e = await awaitJobEvent(
    bus,
    jobId,
    (x) => x.type === "granny.v1.job_event" && x.event === event && ++seen === n,
    `its ${event} #${n}`,
  );
  return e as MessageOf<"job_event">;
}

/** Lifecycle and job events, of one job or of all, replayed from the start of the stream. */
export async function followEvents(
  bus: Bus,
  opts: { jobId?: string; follow?: boolean; signal?: AbortSignal },
  onEvent: (event: MessageOf<"job_event"> | MessageOf<"lifecycle">) => void,
): Promise<void> {
  const filter = opts.jobId ? subjects.jobEvents(opts.jobId) : subjects.allEvents;
  await replay(bus, filter, ["granny.v1.job_event", "granny.v1.lifecycle"], onEvent, {
    follow: opts.follow ?? false,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

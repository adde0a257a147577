// The OpenMP environment variables granny honours, read from the job's environment:
// OMP_NUM_THREADS (first value of a list), OMP_SCHEDULE, OMP_STACKSIZE and OMP_THREAD_LIMIT,
// plus GRANNY_OMP_REDUCTION (atomic or critical) to choose the reduction method.

import { Sched } from "./schedule.js";

export interface OmpSettings {
  readonly fixedThreads: number | null;
  readonly runtimeSchedule: { readonly kind: number; readonly chunk: number };
  readonly stackBytes: number;
  readonly threadLimit: number | null;
  readonly reduction: "atomic" | "critical";
}

export class OmpEnvError extends Error {
  override readonly name = "OmpEnvError";
}

/**
 * A team thread's stack when OMP_STACKSIZE is not set: libomp's default on 64-bit machines. It
 * was 2 MiB, and a team stack has no guard: a thread with a 3 MiB local array ran over the next
 * thread's memory (a hang or a silent wrong result) where libomp's threads ran correctly.
 */
const DEFAULT_STACK = 4 << 20;

function positiveInt(name: string, text: string): number {
  const n = Number(text.trim());
  if (!Number.isInteger(n) || n < 1) throw new OmpEnvError(`${name}=${text} is not a positive integer`);
  return n;
}

export function ompSettings(env: Readonly<Record<string, string>>): OmpSettings {
  const threads = env.OMP_NUM_THREADS;
  const fixedThreads =
    threads === undefined || threads.trim() === ""
      ? null
      : positiveInt("OMP_NUM_THREADS", threads.split(",")[0] ?? "");
  const limit = env.OMP_THREAD_LIMIT;
  const reduction = env.GRANNY_OMP_REDUCTION ?? "atomic";
  if (reduction !== "atomic" && reduction !== "critical") {
    throw new OmpEnvError(`GRANNY_OMP_REDUCTION=${reduction}: use atomic or critical`);
  }
  return {
    fixedThreads,
    runtimeSchedule: parseSchedule(env.OMP_SCHEDULE),
    stackBytes: parseStackSize(env.OMP_STACKSIZE),
    threadLimit: limit === undefined ? null : positiveInt("OMP_THREAD_LIMIT", limit),
    reduction,
  };
}

function parseSchedule(text: string | undefined): { kind: number; chunk: number } {
  if (text === undefined || text.trim() === "") return { kind: Sched.static, chunk: 0 };
  const [rawKind = "", rawChunk] = text.trim().toLowerCase().split(",");
  const kindName = rawKind.replace(/^(monotonic|nonmonotonic):/, "").trim();
  const chunk = rawChunk === undefined ? 0 : positiveInt("OMP_SCHEDULE chunk", rawChunk);
  switch (kindName) {
    case "static":
      return { kind: chunk > 0 ? Sched.staticChunked : Sched.static, chunk };
    // libomp reports (and uses) a chunk of 1 when dynamic or guided is given none.
    case "dynamic":
      return { kind: Sched.dynamicChunked, chunk: Math.max(chunk, 1) };
    case "guided":
      return { kind: Sched.guidedChunked, chunk: Math.max(chunk, 1) };
    case "auto":
      return { kind: Sched.static, chunk: 0 };
    default:
      throw new OmpEnvError(`OMP_SCHEDULE=${text}: unknown schedule kind ${kindName}`);
  }
}

function parseStackSize(text: string | undefined): number {
  if (text === undefined || text.trim() === "") return DEFAULT_STACK;
  const m = /^\s*(\d+)\s*([bkmg]?)\s*$/i.exec(text);
  if (m === null) throw new OmpEnvError(`OMP_STACKSIZE=${text} is not a size (e.g. 4M)`);
  const unit = (m[2] ?? "k").toLowerCase();
  const scale = unit === "b" ? 1 : unit === "m" ? 1 << 20 : unit === "g" ? 1 << 30 : 1024;
  return Math.max(64 << 10, Number(m[1]) * scale);
}

// What the job runner hands each thread granule (providerData) and what the threads tell it
// (ctx.postToHost). Both cross a worker boundary, so they are plain data, checked on arrival.

export type ThreadRole = "main" | "team";

export interface OmpThreadData {
  readonly kind: "granny.omp.thread.v1";
  readonly role: ThreadRole;
  /** Team threads: position in the pool (0-based); the thread's gtid is poolIndex + 1. */
  readonly poolIndex: number;
  /** The control block (layout.ts). */
  readonly control: SharedArrayBuffer;
  /** Stack of a team thread, bytes. */
  readonly stackBytes: number;
  /** Iterations to spin before sleeping when waiting (small when threads outnumber cores). */
  readonly spin: number;
  /**
   * Milliseconds a team thread keeps spinning for the next fork (or a barrier) before it sleeps;
   * 0 when threads outnumber cores. Waking a sleeping worker takes tens of microseconds here,
   * paid at every region that follows serial work longer than the spin (libomp spins 200 ms).
   */
  readonly waitSpinMs: number;
  /** Reduction method to offer ("atomic" falls back to "critical" where clang allows no atomics). */
  readonly reduction: "atomic" | "critical";
  /** The run-sched-var for schedule(runtime), from OMP_SCHEDULE. */
  readonly runtimeSchedule: { readonly kind: number; readonly chunk: number };
  /** nthreads-var fixed by OMP_NUM_THREADS (the program then keeps it), or null. */
  readonly fixedThreads: number | null;
  /** Host wall clock (ms, performance.timeOrigin + now()) when the job started: omp_get_wtime's zero. */
  readonly clockBase: number;
}

export type OmpThreadMessage =
  /** The main thread needs `count` team threads (pool indexes 0..count-1) for the next region. */
  | { readonly type: "granny.omp.need-threads.v1"; readonly count: number }
  /** A fork used a different default thread count than the previous one (elastic change). */
  | { readonly type: "granny.omp.threads-changed.v1"; readonly from: number; readonly to: number }
  /** Team thread poolIndex waits for forks. */
  | { readonly type: "granny.omp.ready.v1"; readonly poolIndex: number }
  /** One write to stdout (fd 1) or stderr (fd 2), numbered across all threads of the job. */
  | {
      readonly type: "granny.omp.output.v1";
      readonly fd: 1 | 2;
      readonly seq: number;
      readonly bytes: Uint8Array;
    };

export function isOmpThreadData(value: unknown): value is OmpThreadData {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.kind === "granny.omp.thread.v1" &&
    (v.role === "main" || v.role === "team") &&
    Number.isInteger(v.poolIndex) &&
    v.control instanceof SharedArrayBuffer &&
    Number.isInteger(v.stackBytes) &&
    Number.isInteger(v.spin) &&
    typeof v.clockBase === "number"
  );
}

export function isOmpThreadMessage(value: unknown): value is OmpThreadMessage {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  switch (v.type) {
    case "granny.omp.need-threads.v1":
      return Number.isInteger(v.count);
    case "granny.omp.threads-changed.v1":
      return Number.isInteger(v.from) && Number.isInteger(v.to);
    case "granny.omp.ready.v1":
      return Number.isInteger(v.poolIndex);
    case "granny.omp.output.v1":
      return (v.fd === 1 || v.fd === 2) && Number.isInteger(v.seq) && v.bytes instanceof Uint8Array;
    default:
      return false;
  }
}

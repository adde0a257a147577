// Schedule kinds as libomp numbers them (kmp.h, enum sched_type), and how the runtime reduces
// each to the three it implements: static (blocked or chunked round-robin), dynamic and guided.

export const Sched = {
  staticChunked: 33,
  static: 34,
  dynamicChunked: 35,
  guidedChunked: 36,
  runtime: 37,
  auto: 38,
  trapezoidal: 39,
  staticGreedy: 40,
  staticBalanced: 41,
  guidedIterative: 42,
  guidedAnalytical: 43,
  staticSteal: 44,
  staticBalancedChunked: 45,
  guidedSimd: 46,
  runtimeSimd: 47,
  orderedLower: 64,
  orderedUpper: 72,
  distributeStaticChunked: 91,
  distributeStatic: 92,
  nomergeLower: 160,
  nomergeUpper: 200,
} as const;

const MODIFIERS = (1 << 29) | (1 << 30);

export type LoopKind = "static" | "static-chunked" | "dynamic" | "guided";

export interface PlainSchedule {
  readonly kind: LoopKind;
  readonly ordered: boolean;
}

export class UnsupportedScheduleError extends Error {
  override readonly name = "UnsupportedScheduleError";
}

/**
 * Maps a schedule number from the program to what to run.
 * @param runtime the run-sched-var, already a plain schedule number (33..36)
 */
export function plainSchedule(raw: number, runtime: number): PlainSchedule {
  let s = raw & ~MODIFIERS;
  let ordered = false;
  if (s >= Sched.nomergeLower && s < Sched.nomergeUpper) s -= Sched.nomergeLower - 32;
  if (s > Sched.orderedLower && s < Sched.orderedUpper) {
    ordered = true;
    s -= Sched.orderedLower - 32;
  }
  if (s === Sched.runtime || s === Sched.runtimeSimd) s = runtime;
  switch (s) {
    case Sched.static:
    case Sched.auto:
    case Sched.staticGreedy:
    case Sched.staticBalanced:
      return { kind: "static", ordered };
    case Sched.staticChunked:
    case Sched.staticBalancedChunked:
      return { kind: "static-chunked", ordered };
    case Sched.dynamicChunked:
    case Sched.staticSteal:
      return { kind: "dynamic", ordered };
    case Sched.guidedChunked:
    case Sched.guidedIterative:
    case Sched.guidedAnalytical:
    case Sched.guidedSimd:
    case Sched.trapezoidal:
      return { kind: "guided", ordered };
    default:
      throw new UnsupportedScheduleError(
        `OpenMP schedule kind ${raw} is not supported by granny (distribute and teams schedules are not)`,
      );
  }
}

/** omp_sched_t (omp.h) to a plain schedule number, for omp_set_schedule and OMP_SCHEDULE. */
export function schedFromOmpKind(kind: number, chunk: number): number {
  switch (kind & 0x7fffffff) {
    case 1:
      return chunk > 0 ? Sched.staticChunked : Sched.static;
    case 2:
      return Sched.dynamicChunked;
    case 3:
      return Sched.guidedChunked;
    default:
      return Sched.static;
  }
}

/** A plain schedule number back to omp_sched_t, for omp_get_schedule. */
export function ompKindFromSched(sched: number): number {
  switch (sched) {
    case Sched.dynamicChunked:
      return 2;
    case Sched.guidedChunked:
      return 3;
    default:
      return 1;
  }
}

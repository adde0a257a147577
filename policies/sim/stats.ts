// The comparison numbers of one run: job completion time percentiles, makespan, idle vCPUs,
// fragmentation and the cost of management actions.

import type { SimRun } from "./simulator.js";

export interface RunSummary {
  readonly medianJct: number;
  readonly p90Jct: number;
  readonly p99Jct: number;
  readonly makespan: number;
  /** Idle vCPU-seconds as a percentage of all vCPU-seconds up to the makespan. */
  readonly idleVcpuPct: number;
  /** Cross-VM links integrated over time (link-seconds), the paper's fragmentation measure. */
  readonly crossVmLinks: number;
  /** crossVmLinks divided by the makespan: the links present on average. */
  readonly meanCrossVmLinks: number;
  readonly migrations: number;
  readonly scaleUps: number;
  readonly freezes: number;
  readonly restarts: number;
  readonly lostWorkVcpuS: number;
}

/** Nearest-rank percentile of sorted values (p in [0, 100]). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

const round = (x: number, digits = 1): number => Number(x.toFixed(digits));

export function summarise(run: SimRun): RunSummary {
  const jcts = run.jobs.map((job) => job.jct).sort((a, b) => a - b);
  return {
    medianJct: round(percentile(jcts, 50)),
    p90Jct: round(percentile(jcts, 90)),
    p99Jct: round(percentile(jcts, 99)),
    makespan: round(run.makespan),
    idleVcpuPct: round(run.capacitySeconds === 0 ? 0 : (100 * run.idleVcpuSeconds) / run.capacitySeconds),
    crossVmLinks: Math.round(run.linkSeconds),
    meanCrossVmLinks: round(run.makespan === 0 ? 0 : run.linkSeconds / run.makespan),
    migrations: run.migrations,
    scaleUps: run.scaleUps,
    freezes: run.freezes,
    restarts: run.restarts,
    lostWorkVcpuS: Math.round(run.lostWorkVcpuS),
  };
}

// How fast a job progresses in the simulator, calibrated from the paper's micro-benchmarks
// (../shared/PAPER-RESULTS.md); docs/policies.md shows the fits.

import { maxLinks } from "../links.js";

export const PERF_MODEL = {
  /**
   * MPI slowdown per unit of link fraction: run time = work · (1 + linkSlowdown · f), f = links /
   * (N(N−1)/2). LAMMPS (network-heavy input) runs 1.73x faster on one VM than split 4+4 over
   * two, where 16 of 28 rank pairs cross: 0.73 / (16/28) = 1.28.
   */
  linkSlowdown: 0.73 / (16 / 28),
  /**
   * OpenMP Amdahl serial fraction: run time at t threads = work₁ · (s + (1 − s)/t). s = 0.083
   * reproduces the elastic scale-up speed-ups at 50% of the run: 1.67x from 1 thread (paper
   * 1.67x), 1.46x from 2 (1.44x), 1.22x from 4 (1.28x), 1.00x from 8 (1.02x).
   */
  ompSerialFraction: 0.083,
  /**
   * Seconds a job makes no progress for each migration, freeze-resume or restore: waiting for
   * the next barrier, snapshot, transfer, restore. The all-to-all migration benchmark puts the
   * cost at a few percent of a short run; 5 s is that order for jobs of minutes.
   */
  migrationPauseS: 5,
} as const;

/** Seconds an MPI job with the given links needs per unit of work (1 = all ranks on one VM). */
export function mpiSlowdown(size: number, links: number): number {
  const pairs = maxLinks(size);
  return pairs === 0 ? 1 : 1 + PERF_MODEL.linkSlowdown * (links / pairs);
}

/** Run time of an OpenMP job at `threads`, relative to one thread. */
export function ompTimeFactor(threads: number): number {
  const s = PERF_MODEL.ompSerialFraction;
  return s + (1 - s) / Math.max(1, threads);
}

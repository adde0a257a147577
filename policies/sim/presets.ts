// The paper's three cluster experiments as presets: cluster shape, workload, the policies they
// compare and, for spot, the eviction schedule. Workload run times are calibrated so that the
// batch baseline's makespan at 1x lands near the paper's (docs/policies.md).

import type { JobKind, PolicyName } from "../types.js";
import { ompTimeFactor } from "./perf-model.js";
import { Rng, seedFor } from "./rng.js";

export const PRESET_NAMES = ["compaction", "elastic", "spot"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface JobSpec {
  readonly id: string;
  readonly kind: JobKind;
  readonly size: number;
  /**
   * Work in seconds: for MPI, the run time with all ranks on one VM; for OpenMP, the run time on
   * one thread (so `size` threads need work · ompTimeFactor(size)).
   */
  readonly work: number;
}

export interface EvictionSchedule {
  readonly intervalS: number;
  readonly fraction: number;
  readonly graceS: number;
}

export interface Scenario {
  readonly preset: PresetName;
  readonly scale: number;
  readonly seed: number;
  readonly hosts: number;
  readonly slotsPerHost: number;
  readonly jobs: readonly JobSpec[];
  readonly policies: readonly PolicyName[];
  readonly evictions?: EvictionSchedule;
}

interface PresetShape {
  readonly hosts: number;
  readonly jobs: number;
  readonly kind: JobKind;
  readonly sizes: readonly [number, number];
  /** Run time range in seconds, at the job's own size (see JobSpec.work for the reference). */
  readonly runTimeS: readonly [number, number];
  readonly policies: readonly PolicyName[];
  readonly evictions?: EvictionSchedule;
}

const SHAPES: Readonly<Record<PresetName, PresetShape>> = {
  compaction: {
    hosts: 32,
    jobs: 100,
    kind: "mpi",
    sizes: [4, 15],
    runTimeS: [200, 650],
    policies: ["compact", "bin-pack", "batch"],
  },
  elastic: {
    hosts: 32,
    jobs: 200,
    kind: "omp",
    sizes: [1, 7],
    runTimeS: [55, 165],
    policies: ["elastic", "bin-pack", "batch"],
  },
  spot: {
    hosts: 32,
    jobs: 100,
    kind: "mpi",
    sizes: [4, 15],
    runTimeS: [55, 160],
    policies: ["spot", "bin-pack", "batch"],
    evictions: { intervalS: 60, fraction: 0.25, graceS: 60 },
  },
};

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

export interface ScenarioOptions {
  readonly scale?: number;
  readonly seed?: number;
  /** Spot only: the fraction of VMs told of their eviction at each interval, instead of 1/4. */
  readonly evictFraction?: number;
}

export function scenarioFor(preset: PresetName, options: ScenarioOptions = {}): Scenario {
  const scale = options.scale ?? 1;
  const seed = options.seed ?? 1;
  const fraction = options.evictFraction;
  if (fraction !== undefined && !(fraction >= 0 && fraction <= 1)) {
    throw new RangeError(`evict fraction must be in [0, 1], got ${fraction}`);
  }
  if (!Number.isInteger(scale) || scale < 1)
    throw new RangeError(`scale must be a positive integer, got ${scale}`);
  const shape = SHAPES[preset];
  const rng = new Rng(seedFor(preset, seed));
  const count = shape.jobs * scale;
  const width = String(count).length;
  const jobs: JobSpec[] = [];
  for (let i = 0; i < count; i++) {
    const size = rng.int(shape.sizes[0], shape.sizes[1]);
    const runTime = rng.uniform(shape.runTimeS[0], shape.runTimeS[1]);
    // An OpenMP job's run time is drawn at its requested threads; store one-thread work.
    const work = shape.kind === "omp" ? runTime / ompTimeFactor(size) : runTime;
    jobs.push({ id: `job-${String(i + 1).padStart(width, "0")}`, kind: shape.kind, size, work });
  }
  return {
    preset,
    scale,
    seed,
    hosts: shape.hosts * scale,
    slotsPerHost: 8,
    jobs,
    policies: shape.policies,
    ...(shape.evictions === undefined
      ? {}
      : { evictions: { ...shape.evictions, fraction: fraction ?? shape.evictions.fraction } }),
  };
}

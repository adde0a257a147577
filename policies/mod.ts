// The public entry of policies/: the scheduling policies, the decisions they make and the
// simulator that evaluates them. Nothing here imports from another room: policies are pure.

export { batch } from "./batch.js";
export { binPack } from "./bin-pack.js";
export { COMPACTION_BUFFER, compact } from "./compact.js";
export { consolidate, fewestLinks } from "./consolidate.js";
export { elastic } from "./elastic.js";
export { explainDecision } from "./explain.js";
export { FreeSlots } from "./free-slots.js";
export { countsByHost, crossVmLinks, linksFromCounts, maxLinks } from "./links.js";
export { isPolicyName, policyByName, UnknownPolicyError } from "./registry.js";
export { simMain } from "./sim/cli.js";
export {
  type Comparison,
  compare,
  comparisonOf,
  formatComparisonTable,
  type PresetRun,
  type RunOptions,
  runPreset,
} from "./sim/compare.js";
export { mpiSlowdown, ompTimeFactor, PERF_MODEL } from "./sim/perf-model.js";
export {
  type EvictionSchedule,
  isPresetName,
  type JobSpec,
  PRESET_NAMES,
  type PresetName,
  type Scenario,
  type ScenarioOptions,
  scenarioFor,
} from "./sim/presets.js";
export { downsample, type WrittenReport, writeReport } from "./sim/report.js";
export { Rng, seedFor } from "./sim/rng.js";
export {
  type DecisionRecord,
  type JobOutcome,
  type Sample,
  type SimOptions,
  type SimRun,
  simulate,
  snapshotView,
} from "./sim/simulator.js";
export { percentile, type RunSummary, summarise } from "./sim/stats.js";
export { spot } from "./spot.js";
export * from "./types.js";

// The one public entry of the wasm-host room: run WebAssembly granules in worker threads with our
// own WASI, compile modules once by content hash, and plug host calls in as import providers;
// capture granules at control points as snapshots and restore them (snapshot/).
// Other rooms import only from here; it re-exports the sub-rooms' entries (mpi/, toolchain/)
// and snapshot/ too. Sub-rooms themselves import the files they need directly, never this entry (no cycles).

export { errorFromOutcome, GranuleFailedError, GranuleTrapError, InvalidModuleError } from "./errors.js";
export {
  type GranuleCallbacks,
  type GranuleHandle,
  type GranuleRestored,
  type GranuleStarted,
  prewarmGranuleWorkers,
  runGranule,
  stageRestore,
} from "./granule-runner.js";
export type {
  ControlPointContext,
  ImportContext,
  ImportProvider,
  LaunchInfo,
  ProviderImports,
  WarmUpReport,
} from "./imports.js";
export type { GranuleLaunch, GranuleResourceLimits, StagedRestore } from "./launch.js";
export { type CompiledModule, ModuleCache, moduleHash } from "./module-cache.js";
// The sub-rooms' own entries, so that the rest of the project needs only this one.
export * from "./mpi/mod.js";
export * from "./omp/mod.js";
export * from "./omp-toolchain/mod.js";
export type { FailureReason, GranuleOutcome } from "./outcome.js";
export * from "./snapshot/mod.js";
export * from "./toolchain/mod.js";
export {
  createWasiState,
  parseWasiState,
  sharedNowNs,
  WASI_NAMESPACE,
  WasiExit,
  type WasiState,
  WasiStateError,
} from "./wasi/mod.js";
export { endWarmUps, type WarmUpPlan, warmUpReports } from "./worker-pool.js";
export { compiledModuleUrl } from "./worker-url.js";

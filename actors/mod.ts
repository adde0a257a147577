// The actors room's public surface: the planner and host actors, the granule lifecycle, the
// client operations behind the `granny` command, and the local cluster launcher.
export {
  awaitJobEvent,
  awaitNthJobEvent,
  clusterStatus,
  detectKind,
  evictHost,
  FAILED_JOB_EXIT_CODE,
  followEvents,
  freezeJob,
  type JobEventMessage,
  type JobResult,
  killJob,
  migrateGranule,
  newJobId,
  type SubmitOptions,
  submitJob,
  thawJob,
  type WaitOptions,
  waitJob,
} from "./client.js";
export { ClusterState, type JobKind } from "./cluster-state.js";
export { GranuleLifecycle, type Transition, TransitionRefusedError } from "./granule.js";
export {
  GRANULE_MACHINE_VERSION,
  type GranuleContext,
  type GranuleEvent,
  granuleMachine,
  type ManagementRequest,
} from "./granule-machine.js";
export { HOST_ACCEPTS, HostActor, type HostOptions } from "./host.js";
export { LocalCluster, type LocalClusterOptions } from "./local-cluster.js";
export { createLogger, type Logger } from "./log.js";
export { PLANNER_ACCEPTS, Planner, type PlannerOptions } from "./planner.js";

// The public entry of the OpenMP sub-room: run an OpenMP program (built with compileOpenMp /
// granny cc -fopenmp) as a job of thread granules over one shared memory on this host.
//
//   const control = new OpenMpJobControl();
//   const outcome = await runOpenMpJob({ module: bytes, threads: 2, args: ["app"], env,
//                                        onStdout, onStderr, control,
//                                        onThreadsChanged: (e) => publishLifecycleEvent(e) });
//   // elsewhere, when vCPUs on this host are idle:  await control.scaleTo(4);

export { OpenMpJobControl } from "./control.js";
export { isOpenMpModule } from "./detect.js";
export { OmpEnvError } from "./env.js";
export {
  type OpenMpJobHandle,
  type OpenMpJobOptions,
  runOpenMpJob,
  startOpenMpJob,
  type ThreadsChangedEvent,
} from "./job.js";
export { NotAnOpenMpModuleError } from "./memory-import.js";
export { ompProviderUrl } from "./provider-url.js";
export { GRANNY_OMP_NAMESPACE, OMP_FUNCTIONS, OMP_NAMESPACE, type OmpFunctionName } from "./supported.js";
export { ompWarmUpPlan } from "./warm-up-plan.js";

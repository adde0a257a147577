// The public entry of the MPI sub-room: what the host actor needs to run MPI ranks as granules.
//
//   const router = new MpiRouter({ jobId, hostName, placement, remoteSend, onAbort });
//   for (const rank of router.localRanks) {
//     const h = runGranule({ module, args, providers: [mpiProviderUrl().href],
//                            providerData: router.rankData(rank) },
//                          { onStdout, onStderr, onProviderMessage: (m) => router.handleProviderMessage(rank, m) });
//     h.done.then((outcome) => router.rankExited(rank, outcome));
//   }
//   // envelopes from this job's routers on other hosts:  router.deliverFromRemote(bytes)

export { BARRIER_IMPORT } from "./barrier.js";
export { MpiError } from "./errors.js";
export { type LocalMpiJobOptions, type LocalMpiJobResult, runLocalMpiJob } from "./local-job.js";
// Migration at barriers (docs/snapshots.md).
export { isMpiRelease, MPI_CONTROL_POINT, type MpiRelease, type SavedRank } from "./migration.js";
export type { MpiRankData } from "./protocol.js";
export { MPI_NAMESPACE } from "./provider-names.js";
export { mpiProviderUrl } from "./provider-url.js";
export { type MpiJobFailure, MpiRouter, type MpiRouterOptions } from "./router.js";
export type { MpiState } from "./state.js";
export { IMPLEMENTED_MPI_FUNCTIONS, RUNTIME_IMPORTS } from "./supported.js";
// Pooled workers run a two-rank exercise before any launch (warm-up.ts).
export { mpiWarmUpPlan } from "./warm-up-plan.js";

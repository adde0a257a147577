// The public entry of the snapshot sub-room: instrument modules for control points, encode and
// decode snapshots (capture and restore themselves are runGranule's: handle.requestSnapshot(),
// a "suspended" outcome, launch.restore). docs/snapshots.md explains the format and the MPI side.
//
// Migrating MPI rank R of job J from host S to host T (T may be new to J):
//  1. planner -> S: snapshot R.          S: handle(R).requestSnapshot()
//  2. every host h of J:                 await router(h).whenHeld(); report "held" to the planner
//     S: handle(R).done -> { kind: "suspended", snapshot }; router(S).rankExited(R, outcome);
//        bytes = encodeSnapshot(snapshot) -> T (or the Object Store for a freeze)
//  3. planner -> every host of J and T:  new placement P'
//     every host h of J: router(h).updatePlacement(P'); T without a router: new MpiRouter({... P'})
//  4. T: s = decodeSnapshot(bytes, { expectModuleHash }); runGranule({ module, moduleHash,
//        restore: s, providers: [mpiProviderUrl().href], providerData: router(T).rankData(R) });
//        await router(T).whenHeld(); report "restored" to the planner
//  5. planner -> every host of J: release.
//     every host h: router(h).releaseBarrier((rank, msg) => handle(rank).postToGranule(msg))
// No release anywhere before every host has the new placement and the restored rank is parked.
export {
  InstrumentationError,
  SnapshotCorruptError,
  SnapshotError,
  SnapshotModuleMismatchError,
  SnapshotVersionError,
} from "./errors.js";
export {
  type DecodeSnapshotOptions,
  decodePrecopy,
  decodeSnapshot,
  encodePrecopy,
  encodeSnapshot,
  encodeSnapshotParts,
  PRECOPY_FORMAT,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  snapshotTransferList,
} from "./format.js";
export {
  CONTROL_POINT_IMPORTS,
  GLOBAL_EXPORT_PREFIX,
  type InstrumentedModule,
  type InstrumentOptions,
  instrumentForControlPoints,
} from "./instrument.js";
export { applyMemoryDelta, imageDigest, storedBytes } from "./memory-image.js";
export type {
  GlobalValue,
  GranuleSnapshot,
  MemoryChunk,
  MemoryImage,
  Precopy,
  SnapshotIdentity,
  StackCapture,
} from "./types.js";

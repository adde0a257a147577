// The public entry of the snapshot sub-room (see docs/snapshots.md for the whole protocol).
export {
  InstrumentationError,
  SnapshotCorruptError,
  SnapshotError,
  SnapshotModuleMismatchError,
  SnapshotVersionError,
} from "./errors.js";
export {
  type DecodeSnapshotOptions,
  decodeSnapshot,
  encodeSnapshot,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
} from "./format.js";
export {
  CONTROL_POINT_IMPORTS,
  GLOBAL_EXPORT_PREFIX,
  type InstrumentedModule,
  type InstrumentOptions,
  instrumentForControlPoints,
} from "./instrument.js";
export { imageDigest, storedBytes } from "./memory-image.js";
export type {
  GlobalValue,
  GranuleSnapshot,
  MemoryChunk,
  MemoryImage,
  SnapshotIdentity,
  StackCapture,
} from "./types.js";

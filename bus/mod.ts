// The bus room's public surface: the NATS connection, subjects, the typed CBOR protocol, the
// durable stream and stores, and the nats-server launcher. Other rooms import only this file.

export type { ConnectOptions, Delivery, Handler, RequestOptions, ServeOptions } from "./bus.js";
export { Bus, connectBus, DEFAULT_NATS_URL, natsUrlFromEnv } from "./bus.js";
export { CHUNK_HEADERS, chunkSizeFor, planChunks, Reassembler } from "./chunking.js";
export { decode, encode } from "./codec.js";
export {
  BusError,
  ErrorCode,
  errorFromWire,
  IntegrityError,
  MalformedMessageError,
  NoRespondersError,
  RejectedError,
  RequestTimeoutError,
  UnexpectedMessageError,
  UnknownMessageTypeError,
  UnsupportedVersionError,
} from "./errors.js";
export type { ReplayOptions } from "./jetstream.js";
export {
  DurablePublisher,
  ensureJobsStream,
  ModuleStore,
  replay,
  SnapshotStore,
  sha256Hex,
} from "./jetstream.js";
export type { GranuleState, Message, MessageByType, MessageName, MessageOf, TypeName } from "./protocol.js";
export {
  GRANULE_OUTCOMES,
  GRANULE_STATES,
  JOB_KINDS,
  JOB_STATES,
  MESSAGE_NAMES,
  message,
  PROTOCOL_VERSION,
  typeName,
} from "./protocol.js";
export type { NatsServerOptions } from "./server.js";
export { NatsCluster, NatsServer, NatsServerError } from "./server.js";
export { buckets, checkToken, JOBS_STREAM, subjects } from "./subjects.js";
export { extractTraceContext, injectTraceContext } from "./trace-context.js";

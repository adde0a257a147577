// One error class per kind of bus failure. Each carries a stable `code` so that it can cross the
// wire in an `error` message and come back as the same class (errorFromWire).

export const ErrorCode = {
  Malformed: "malformed",
  UnknownType: "unknown_type",
  UnsupportedVersion: "unsupported_version",
  Unexpected: "unexpected_message",
  Timeout: "timeout",
  NoResponders: "no_responders",
  Integrity: "integrity",
  Rejected: "rejected",
  Internal: "internal",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class BusError extends Error {
  override name = "BusError";
  readonly code: ErrorCode = ErrorCode.Internal;
}

/** Not CBOR, not a map, no `type`, or fields that do not match the schema. */
export class MalformedMessageError extends BusError {
  override name = "MalformedMessageError";
  override readonly code = ErrorCode.Malformed;
}

/** A well-formed message whose type this program does not know. */
export class UnknownMessageTypeError extends BusError {
  override name = "UnknownMessageTypeError";
  override readonly code = ErrorCode.UnknownType;
}

/** A known message name at a protocol version this program does not speak. */
export class UnsupportedVersionError extends BusError {
  override name = "UnsupportedVersionError";
  override readonly code = ErrorCode.UnsupportedVersion;
}

/** A valid message sent to a receiver that does not handle that type. */
export class UnexpectedMessageError extends BusError {
  override name = "UnexpectedMessageError";
  override readonly code = ErrorCode.Unexpected;
}

export class RequestTimeoutError extends BusError {
  override name = "RequestTimeoutError";
  override readonly code = ErrorCode.Timeout;
}

export class NoRespondersError extends BusError {
  override name = "NoRespondersError";
  override readonly code = ErrorCode.NoResponders;
}

/** A reassembled payload whose hash or length does not match what the sender announced. */
export class IntegrityError extends BusError {
  override name = "IntegrityError";
  override readonly code = ErrorCode.Integrity;
}

/** The receiver understood the request and refused it (a job that cannot run, a bad argument). */
export class RejectedError extends BusError {
  override name = "RejectedError";
  override readonly code = ErrorCode.Rejected;
}

const byCode: Record<ErrorCode, new (message: string) => BusError> = {
  malformed: MalformedMessageError,
  unknown_type: UnknownMessageTypeError,
  unsupported_version: UnsupportedVersionError,
  unexpected_message: UnexpectedMessageError,
  timeout: RequestTimeoutError,
  no_responders: NoRespondersError,
  integrity: IntegrityError,
  rejected: RejectedError,
  internal: BusError,
};

/** Turns an `error` reply back into the class its sender threw. */
export function errorFromWire(code: string, description: string): BusError {
  const ctor = (byCode as Record<string, (new (message: string) => BusError) | undefined>)[code] ?? BusError;
  return new ctor(description);
}

/** The wire code of any thrown value: our errors keep theirs, anything else is internal. */
export function codeOf(err: unknown): ErrorCode {
  return err instanceof BusError ? err.code : ErrorCode.Internal;
}

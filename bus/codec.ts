// CBOR encoding of protocol messages. Plain standard CBOR (no cbor-x record extension, no typed
// array tags), so a decoder in any language reads our messages: maps with text keys, byte
// strings for binary data. Decoding validates the map against the message's schema.
import { Decoder, Encoder } from "cbor-x";
import {
  MalformedMessageError,
  UnexpectedMessageError,
  UnknownMessageTypeError,
  UnsupportedVersionError,
} from "./errors.js";
import {
  isMessageName,
  type Message,
  type MessageByType,
  PROTOCOL_VERSION,
  schemaOf,
  TYPE_PREFIX,
} from "./protocol.js";
import { SchemaError } from "./schema.js";

const encoder = new Encoder({ useRecords: false, tagUint8Array: false, pack: false, variableMapSize: true });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });

const TYPE_PATTERN = /^([a-z]+)\.v(\d+)\.([a-z_]+)$/;

export function encode(message: Message): Uint8Array {
  return encoder.encode(message);
}

/**
 * Decodes and validates a message. With `accepted`, a valid message of another type is an
 * UnexpectedMessageError, so a receiver only ever sees the types it declared it handles.
 */
export function decode<const T extends Message["type"]>(
  bytes: Uint8Array,
  accepted?: readonly T[],
): MessageByType<T> {
  let value: unknown;
  try {
    value = decoder.decode(bytes);
  } catch (err) {
    throw new MalformedMessageError(`not valid CBOR (${(err as Error).message})`, { cause: err });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new MalformedMessageError("a message must be a CBOR map");
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string") throw new MalformedMessageError("a message must have a text `type`");
  const parts = TYPE_PATTERN.exec(type);
  if (!parts || parts[1] !== TYPE_PREFIX) throw new UnknownMessageTypeError(`unknown message type "${type}"`);
  const [, , version, name = ""] = parts;
  if (!isMessageName(name)) throw new UnknownMessageTypeError(`unknown message type "${type}"`);
  if (Number(version) !== PROTOCOL_VERSION) {
    throw new UnsupportedVersionError(
      `message "${type}" is protocol version ${version}; this program speaks version ${PROTOCOL_VERSION}`,
    );
  }
  if (accepted && !(accepted as readonly string[]).includes(type)) {
    throw new UnexpectedMessageError(
      `this receiver does not handle "${type}" (it handles ${accepted.join(", ")})`,
    );
  }
  try {
    const fields = schemaOf(name).parse(value, "") as object;
    return { type, ...fields } as MessageByType<T>;
  } catch (err) {
    if (err instanceof SchemaError)
      throw new MalformedMessageError(`"${type}": ${err.message}`, { cause: err });
    throw err;
  }
}

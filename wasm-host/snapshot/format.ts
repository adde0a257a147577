// The snapshot document: versioned, self-describing CBOR (plain maps with text keys and byte
// strings, no cbor-x records or typed-array tags, so any CBOR reader can open it):
//
//   { format: "granny.granule-snapshot", version: 1,
//     sha256: bstr (of body), body: bstr (CBOR of the map below) }
//   body = { identity: { jobId, granuleId }, moduleHash: text,
//            memory: { byteLength, chunks: [[offset, bstr], ...],   // zero pages not stored
//                      base?: text },   // v2: a delta over the pre-copy of that id
//            globals: [{ name, type: "i64" | "num", value }],       // i64 as decimal text
//            stack: { dataAddress, dataBytes, entry, entryArgs, controlPoint },
//            wasi: WasiState, provider: any, capturedAt: ms }
//
// decodeSnapshot checks everything before anything runs: a document that is not CBOR, truncated,
// of another format or version, failing its hash, of the wrong shape, or of another module than
// expected is refused with a SnapshotError subclass.

import { createHash } from "node:crypto";
import { Decoder, Encoder } from "cbor-x";
import { concatBytes } from "../bytes.js";
import { parseWasiState } from "../wasi/mod.js";
import { SnapshotCorruptError, SnapshotModuleMismatchError, SnapshotVersionError } from "./errors.js";
import { WASM_PAGE } from "./memory-image.js";
import type { GlobalValue, GranuleSnapshot, MemoryChunk, MemoryImage, Precopy } from "./types.js";

export const SNAPSHOT_FORMAT = "granny.granule-snapshot";
/** Version 2 added memory.base (deltas over a pre-copy); version 1 documents are still read. */
export const SNAPSHOT_VERSION = 2;
const READABLE_VERSIONS: readonly unknown[] = [1, 2];

const encoder = new Encoder({ useRecords: false, tagUint8Array: false, pack: false, variableMapSize: true });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });

/**
 * Writes the document with one copy of the memory: the small fields are encoded by cbor-x, the
 * memory chunks are framed by hand and hashed and copied straight from the snapshot's buffers.
 */
export function encodeSnapshot(snapshot: GranuleSnapshot): Uint8Array {
  return concatBytes(encodeSnapshotParts(snapshot));
}

/**
 * The document as consecutive pieces, without copying the memory: for a chunked transfer that
 * sends pieces as they are. Their concatenation is what encodeSnapshot returns; the pieces that
 * hold memory are views of the snapshot's own buffers.
 */
export function encodeSnapshotParts(snapshot: GranuleSnapshot): Uint8Array[] {
  // Plain Uint8Arrays: cbor-x returns Buffers, whose slice() would not copy, to callers' surprise.
  const small = (value: unknown): Uint8Array => Uint8Array.from(encoder.encode(value));
  const body: Uint8Array[] = [];
  let fields = 0;
  const field = (key: string, ...value: Uint8Array[]): void => {
    body.push(textItem(key), ...value);
    fields++;
  };
  field("identity", small({ jobId: snapshot.identity.jobId, granuleId: snapshot.identity.granuleId }));
  field("moduleHash", textItem(snapshot.moduleHash));
  field("memory", ...memoryParts(snapshot.memory));
  field(
    "globals",
    small(
      snapshot.globals.map((g) =>
        typeof g.value === "bigint"
          ? { name: g.name, type: "i64", value: g.value.toString() }
          : { name: g.name, type: "num", value: g.value },
      ),
    ),
  );
  field(
    "stack",
    small({
      dataAddress: snapshot.stack.dataAddress,
      dataBytes: snapshot.stack.dataBytes,
      entry: snapshot.stack.entry,
      entryArgs: snapshot.stack.entryArgs.map((a) => (typeof a === "bigint" ? a.toString() : a)),
      controlPoint: snapshot.stack.controlPoint,
    }),
  );
  field("wasi", small(snapshot.wasi));
  field("provider", small(snapshot.provider));
  field("capturedAt", small(snapshot.capturedAt));
  body.unshift(mapHead(fields));

  return hashedDocument(SNAPSHOT_FORMAT, SNAPSHOT_VERSION, body);
}

/** { format, version, sha256, body }: the body's pieces are hashed and framed, not copied. */
function hashedDocument(format: string, version: number, body: readonly Uint8Array[]): Uint8Array[] {
  const hash = createHash("sha256");
  let bodyLength = 0;
  for (const piece of body) {
    hash.update(piece);
    bodyLength += piece.byteLength;
  }
  const outer: Uint8Array[] = [
    mapHead(4),
    textItem("format"),
    textItem(format),
    textItem("version"),
    uintItem(version),
    textItem("sha256"),
    head(MAJOR_BYTES, 32),
    hash.digest(),
    textItem("body"),
    head(MAJOR_BYTES, bodyLength),
  ];
  return [...outer, ...body];
}

/** A memory image as a CBOR map, its chunks framed around the caller's buffers. */
function memoryParts(image: MemoryImage): Uint8Array[] {
  const base = image.base;
  const parts: Uint8Array[] = [
    mapHead(base === undefined ? 2 : 3),
    ...(base === undefined ? [] : [textItem("base"), textItem(base)]),
    textItem("byteLength"),
    uintItem(image.byteLength),
    textItem("chunks"),
    head(MAJOR_ARRAY, image.chunks.length),
  ];
  for (const c of image.chunks) {
    parts.push(head(MAJOR_ARRAY, 2), uintItem(c.offset), head(MAJOR_BYTES, c.bytes.byteLength), c.bytes);
  }
  return parts;
}

export const PRECOPY_FORMAT = "granny.memory-precopy";
const PRECOPY_VERSION = 1;

/**
 * A pre-copy as a document of its own, hashed like a snapshot:
 *   { format: "granny.memory-precopy", version: 1, sha256, body: { id, memory } }
 */
export function encodePrecopy(precopy: Precopy): Uint8Array {
  const body = [
    mapHead(2),
    textItem("id"),
    textItem(precopy.id),
    textItem("memory"),
    ...memoryParts(precopy.image),
  ];
  return concatBytes(hashedDocument(PRECOPY_FORMAT, PRECOPY_VERSION, body));
}

export function decodePrecopy(bytes: Uint8Array): Precopy {
  const b = openDocument(bytes, PRECOPY_FORMAT, [PRECOPY_VERSION], "pre-copy");
  return { id: text(b.id, "id"), image: decodeMemory(object(b.memory, "memory")) };
}

const MAJOR_UINT = 0;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;

/** A CBOR item head: major type and length (or value), in the shortest form. */
function head(major: number, n: number): Uint8Array {
  const m = major << 5;
  if (n < 24) return Uint8Array.of(m | n);
  if (n < 0x100) return Uint8Array.of(m | 24, n);
  if (n < 0x10000) return Uint8Array.of(m | 25, n >> 8, n & 0xff);
  if (n < 0x100000000) {
    const b = new Uint8Array(5);
    b[0] = m | 26;
    new DataView(b.buffer).setUint32(1, n);
    return b;
  }
  const b = new Uint8Array(9);
  b[0] = m | 27;
  new DataView(b.buffer).setBigUint64(1, BigInt(n));
  return b;
}

function uintItem(n: number): Uint8Array {
  return head(MAJOR_UINT, n);
}

function mapHead(pairs: number): Uint8Array {
  return head(MAJOR_MAP, pairs);
}

function textItem(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  const h = head(MAJOR_TEXT, bytes.byteLength);
  const out = new Uint8Array(h.byteLength + bytes.byteLength);
  out.set(h);
  out.set(bytes, h.byteLength);
  return out;
}

/**
 * The buffers a decoded snapshot's memory lives in, to pass as launch.transferList when
 * restoring: the worker then takes them without a copy (and the caller's snapshot is spent).
 */
export function snapshotTransferList(snapshot: GranuleSnapshot): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const c of snapshot.memory.chunks)
    if (c.bytes.buffer instanceof ArrayBuffer) buffers.add(c.bytes.buffer);
  return [...buffers];
}

export interface DecodeSnapshotOptions {
  /** sha256 hex of the module the snapshot will be restored into; another module is refused. */
  readonly expectModuleHash: string;
}

/** Opens a hashed document of the given format: checks format, version and hash; returns the body map. */
function openDocument(
  bytes: Uint8Array,
  format: string,
  versions: readonly unknown[],
  what: string,
): Record<string, unknown> {
  const outer = object(decodeCbor(bytes, "document"), "document");
  if (outer.format !== format) {
    throw new SnapshotCorruptError(`not a ${what} (format ${JSON.stringify(outer.format)})`);
  }
  if (!versions.includes(outer.version)) {
    throw new SnapshotVersionError(
      outer.version,
      `${what} format version ${JSON.stringify(outer.version)} is not supported (this runtime reads version ${versions.join(", ")})`,
    );
  }
  const body = bin(outer.body, "body");
  const expected = bin(outer.sha256, "sha256");
  const actual = createHash("sha256").update(body).digest();
  if (expected.length !== 32 || !actual.equals(expected)) {
    throw new SnapshotCorruptError(`the ${what} fails its integrity hash: it was corrupted or truncated`);
  }
  return object(decodeCbor(body, "body"), "body");
}

function decodeMemory(memory: Record<string, unknown>): MemoryImage {
  const byteLength = uint(memory.byteLength, "memory.byteLength");
  if (byteLength % WASM_PAGE !== 0)
    throw new SnapshotCorruptError("memory.byteLength is not a whole number of pages");
  const chunks: MemoryChunk[] = array(memory.chunks, "memory.chunks").map((c, i) => {
    const pair = array(c, `memory.chunks[${i}]`);
    const offset = uint(pair[0], `memory.chunks[${i}] offset`);
    const data = bin(pair[1], `memory.chunks[${i}] bytes`);
    if (offset % WASM_PAGE !== 0 || offset + data.byteLength > byteLength) {
      throw new SnapshotCorruptError(`memory chunk ${i} lies outside the memory or off a page boundary`);
    }
    return { offset, bytes: data };
  });
  return memory.base === undefined
    ? { byteLength, chunks }
    : { byteLength, chunks, base: text(memory.base, "memory.base") };
}

export function decodeSnapshot(bytes: Uint8Array, options: DecodeSnapshotOptions): GranuleSnapshot {
  const b = openDocument(bytes, SNAPSHOT_FORMAT, READABLE_VERSIONS, "granule snapshot");
  const moduleHash = text(b.moduleHash, "moduleHash");
  if (moduleHash !== options.expectModuleHash)
    throw new SnapshotModuleMismatchError(options.expectModuleHash, moduleHash);

  const identity = object(b.identity, "identity");
  const memory = decodeMemory(object(b.memory, "memory"));
  const byteLength = memory.byteLength;
  const globals: GlobalValue[] = array(b.globals, "globals").map((g, i) => {
    const o = object(g, `globals[${i}]`);
    const name = text(o.name, `globals[${i}].name`);
    if (o.type === "i64") {
      const v = text(o.value, `globals[${i}].value`);
      if (!/^-?\d+$/.test(v)) throw new SnapshotCorruptError(`globals[${i}].value is not an integer`);
      return { name, value: BigInt(v) };
    }
    if (o.type !== "num" || typeof o.value !== "number")
      throw new SnapshotCorruptError(`globals[${i}] is malformed`);
    return { name, value: o.value };
  });
  const stack = object(b.stack, "stack");
  const dataAddress = uint(stack.dataAddress, "stack.dataAddress");
  const dataBytes = uint(stack.dataBytes, "stack.dataBytes");
  if (dataAddress + dataBytes > byteLength)
    throw new SnapshotCorruptError("the stack capture lies outside the memory");
  let wasi: GranuleSnapshot["wasi"];
  try {
    wasi = parseWasiState(b.wasi);
  } catch (e) {
    throw new SnapshotCorruptError(`the snapshot's WASI state is invalid: ${(e as Error).message}`);
  }
  return {
    identity: {
      jobId: text(identity.jobId, "identity.jobId"),
      granuleId: text(identity.granuleId, "identity.granuleId"),
    },
    moduleHash,
    memory,
    globals,
    stack: {
      dataAddress,
      dataBytes,
      entry: text(stack.entry, "stack.entry"),
      entryArgs: array(stack.entryArgs, "stack.entryArgs").map((a, i) => {
        if (typeof a === "number") return a;
        if (typeof a === "string" && /^-?\d+$/.test(a)) return BigInt(a);
        throw new SnapshotCorruptError(`stack.entryArgs[${i}] is malformed`);
      }),
      controlPoint: text(stack.controlPoint, "stack.controlPoint"),
    },
    wasi,
    provider: b.provider,
    capturedAt: num(b.capturedAt, "capturedAt"),
  };
}

function decodeCbor(bytes: Uint8Array, what: string): unknown {
  try {
    return decoder.decode(bytes);
  } catch (e) {
    throw new SnapshotCorruptError(
      `the snapshot ${what} is not valid CBOR (truncated or corrupted): ${(e as Error).message}`,
    );
  }
}

function object(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Uint8Array) {
    throw new SnapshotCorruptError(`snapshot field ${what} is not a map`);
  }
  return v as Record<string, unknown>;
}

function array(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new SnapshotCorruptError(`snapshot field ${what} is not an array`);
  return v;
}

function bin(v: unknown, what: string): Uint8Array {
  if (!(v instanceof Uint8Array))
    throw new SnapshotCorruptError(`snapshot field ${what} is not a byte string`);
  // A plain view, not a copy: memory chunks stay in the document's buffer until restored.
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function text(v: unknown, what: string): string {
  if (typeof v !== "string") throw new SnapshotCorruptError(`snapshot field ${what} is not text`);
  return v;
}

function num(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new SnapshotCorruptError(`snapshot field ${what} is not a number`);
  return v;
}

function uint(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    throw new SnapshotCorruptError(`snapshot field ${what} is not a non-negative integer`);
  }
  return v;
}

// The snapshot document: versioned, self-describing CBOR (plain maps with text keys and byte
// strings, no cbor-x records or typed-array tags, so any CBOR reader can open it):
//
//   { format: "granny.granule-snapshot", version: 1,
//     sha256: bstr (of body), body: bstr (CBOR of the map below) }
//   body = { identity: { jobId, granuleId }, moduleHash: text,
//            memory: { byteLength, chunks: [[offset, bstr], ...] },   // zero pages not stored
//            globals: [{ name, type: "i64" | "num", value }],       // i64 as decimal text
//            stack: { dataAddress, dataBytes, entry, entryArgs, controlPoint },
//            wasi: WasiState, provider: any, capturedAt: ms }
//
// decodeSnapshot checks everything before anything runs: a document that is not CBOR, truncated,
// of another format or version, failing its hash, of the wrong shape, or of another module than
// expected is refused with a SnapshotError subclass.

import { createHash } from "node:crypto";
import { Decoder, Encoder } from "cbor-x";
import { parseWasiState } from "../wasi/mod.js";
import { SnapshotCorruptError, SnapshotModuleMismatchError, SnapshotVersionError } from "./errors.js";
import { WASM_PAGE } from "./memory-image.js";
import type { GlobalValue, GranuleSnapshot, MemoryChunk } from "./types.js";

export const SNAPSHOT_FORMAT = "granny.granule-snapshot";
export const SNAPSHOT_VERSION = 1;

const ENCODER_OPTIONS = {
  useRecords: false,
  tagUint8Array: false,
  pack: false,
  variableMapSize: true,
} as const;
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });

export function encodeSnapshot(snapshot: GranuleSnapshot): Uint8Array {
  // A cbor-x Encoder returns views of a buffer it reuses for later encodings: an encoder of its
  // own keeps this snapshot's bytes from being overwritten by anyone else's.
  const encoder = new Encoder(ENCODER_OPTIONS);
  const body = encoder.encode({
    identity: { jobId: snapshot.identity.jobId, granuleId: snapshot.identity.granuleId },
    moduleHash: snapshot.moduleHash,
    memory: {
      byteLength: snapshot.memory.byteLength,
      chunks: snapshot.memory.chunks.map((c) => [c.offset, c.bytes]),
    },
    globals: snapshot.globals.map((g) =>
      typeof g.value === "bigint"
        ? { name: g.name, type: "i64", value: g.value.toString() }
        : { name: g.name, type: "num", value: g.value },
    ),
    stack: {
      dataAddress: snapshot.stack.dataAddress,
      dataBytes: snapshot.stack.dataBytes,
      entry: snapshot.stack.entry,
      entryArgs: snapshot.stack.entryArgs.map((a) => (typeof a === "bigint" ? a.toString() : a)),
      controlPoint: snapshot.stack.controlPoint,
    },
    wasi: snapshot.wasi,
    provider: snapshot.provider,
    capturedAt: snapshot.capturedAt,
  });
  const sha256 = createHash("sha256").update(body).digest();
  const doc = encoder.encode({ format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, sha256, body });
  // A plain Uint8Array over the same bytes: a Buffer's slice() would not copy, to callers' surprise.
  return new Uint8Array(doc.buffer, doc.byteOffset, doc.byteLength);
}

export interface DecodeSnapshotOptions {
  /** sha256 hex of the module the snapshot will be restored into; another module is refused. */
  readonly expectModuleHash: string;
}

export function decodeSnapshot(bytes: Uint8Array, options: DecodeSnapshotOptions): GranuleSnapshot {
  const outer = object(decodeCbor(bytes, "document"), "document");
  if (outer.format !== SNAPSHOT_FORMAT) {
    throw new SnapshotCorruptError(`not a granule snapshot (format ${JSON.stringify(outer.format)})`);
  }
  if (outer.version !== SNAPSHOT_VERSION) {
    throw new SnapshotVersionError(
      outer.version,
      `snapshot format version ${JSON.stringify(outer.version)} is not supported (this runtime reads version ${SNAPSHOT_VERSION})`,
    );
  }
  const body = bin(outer.body, "body");
  const expected = bin(outer.sha256, "sha256");
  const actual = createHash("sha256").update(body).digest();
  if (expected.length !== 32 || !actual.equals(expected)) {
    throw new SnapshotCorruptError("the snapshot fails its integrity hash: it was corrupted or truncated");
  }
  const b = object(decodeCbor(body, "body"), "body");
  const moduleHash = text(b.moduleHash, "moduleHash");
  if (moduleHash !== options.expectModuleHash)
    throw new SnapshotModuleMismatchError(options.expectModuleHash, moduleHash);

  const identity = object(b.identity, "identity");
  const memory = object(b.memory, "memory");
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
    memory: { byteLength, chunks },
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

function bin(v: unknown, what: string): Buffer {
  if (!(v instanceof Uint8Array))
    throw new SnapshotCorruptError(`snapshot field ${what} is not a byte string`);
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
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

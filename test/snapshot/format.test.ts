// The snapshot document refuses what it cannot trust: bytes that are not a snapshot, a truncated
// or corrupted document, another format version, a snapshot of another module; and the runner
// refuses to restore a snapshot into a module it was not taken from, failing the granule cleanly.

import { fileURLToPath } from "node:url";
import { Encoder } from "cbor-x";
import { beforeAll, describe, expect, it } from "vitest";
import {
  decodeSnapshot,
  encodeSnapshot,
  encodeSnapshotParts,
  type GranuleSnapshot,
  imageDigest,
  instrumentForControlPoints,
  runGranule,
  SnapshotCorruptError,
  SnapshotError,
  SnapshotModuleMismatchError,
  SnapshotVersionError,
  storedBytes,
} from "../../wasm-host/mod.js";
import { compiledModuleUrl } from "../../wasm-host/worker-url.js";
import { wasmBytesOf } from "../support/compile-c.js";

const SOURCE = fileURLToPath(new URL("./programs/stack_and_heap.c", import.meta.url));
const provider = compiledModuleUrl(import.meta.url, "./providers/counting-barrier.js").href;

let moduleBytes: Uint8Array;
let hash: string;
let snapshot: GranuleSnapshot;
let encoded: Uint8Array;

beforeAll(async () => {
  const instrumented = await instrumentForControlPoints(await wasmBytesOf(SOURCE));
  moduleBytes = instrumented.bytes;
  hash = instrumented.hash;
  const handle = runGranule(
    {
      module: moduleBytes,
      args: ["stack_and_heap", "4"],
      providers: [provider],
      providerData: { handshake: true },
    },
    {
      onStdout: () => {},
      onStderr: () => {},
      onProviderMessage: (m) => {
        if ((m as { calls?: number }).calls === 2) handle.requestSnapshot();
        handle.postToGranule({ go: true });
      },
    },
  );
  const outcome = await handle.done;
  if (outcome.kind !== "suspended") throw new Error(`expected a suspension, got ${JSON.stringify(outcome)}`);
  snapshot = outcome.snapshot;
  encoded = encodeSnapshot(snapshot);
});

describe("the snapshot document", () => {
  it("round-trips every field and stores only the pages that are not all zero", () => {
    const decoded = decodeSnapshot(encoded, { expectModuleHash: hash });
    expect(decoded.moduleHash).toBe(hash);
    expect(decoded.globals).toEqual(snapshot.globals);
    // At least the shadow-stack pointer (names depend on the module's name section).
    expect(decoded.globals.length).toBeGreaterThan(0);
    expect(decoded.stack).toEqual(snapshot.stack);
    expect(decoded.wasi).toEqual(snapshot.wasi);
    expect(decoded.provider).toEqual({ calls: 2 });
    expect(imageDigest(decoded.memory)).toBe(imageDigest(snapshot.memory));
    expect(storedBytes(decoded.memory)).toBeLessThan(decoded.memory.byteLength);
    expect(encoded.byteLength).toBeLessThan(decoded.memory.byteLength);
  });

  it("writes the same document in pieces, the memory pieces being the snapshot's own bytes", () => {
    const parts = encodeSnapshotParts(snapshot);
    expect(Buffer.concat(parts).equals(Buffer.from(encoded))).toBe(true);
    const chunkBuffers = new Set(snapshot.memory.chunks.map((c) => c.bytes.buffer));
    expect(parts.some((p) => chunkBuffers.has(p.buffer as ArrayBuffer))).toBe(true);
  });

  it("refuses a corrupted snapshot (one flipped byte in the body) with its integrity hash", () => {
    const bad = encoded.slice();
    const at = Math.floor(bad.length * 0.6);
    bad[at] = (bad[at] as number) ^ 0x40;
    expect(() => decodeSnapshot(bad, { expectModuleHash: hash })).toThrow(SnapshotCorruptError);
    expect(() => decodeSnapshot(bad, { expectModuleHash: hash })).toThrow(/integrity hash|not valid CBOR/);
  });

  it("refuses a truncated snapshot", () => {
    for (const cut of [1, 100, encoded.length - 1]) {
      expect(() => decodeSnapshot(encoded.subarray(0, cut), { expectModuleHash: hash })).toThrow(
        SnapshotCorruptError,
      );
    }
  });

  it("refuses bytes that are not a snapshot", () => {
    const encoder = new Encoder({ useRecords: false });
    expect(() => decodeSnapshot(encoder.encode({ hello: 1 }), { expectModuleHash: hash })).toThrow(
      /not a granule snapshot/,
    );
    expect(() => decodeSnapshot(new Uint8Array([0xff, 0x00, 0x13]), { expectModuleHash: hash })).toThrow(
      SnapshotError,
    );
  });

  it("refuses another format version, naming it", () => {
    const encoder = new Encoder({ useRecords: false, tagUint8Array: false });
    const outer = new Encoder({ useRecords: false, mapsAsObjects: true }).decode(encoded) as Record<
      string,
      unknown
    >;
    const v9 = encoder.encode({ ...outer, version: 9 });
    expect(() => decodeSnapshot(v9, { expectModuleHash: hash })).toThrow(SnapshotVersionError);
    expect(() => decodeSnapshot(v9, { expectModuleHash: hash })).toThrow(/version 9 is not supported/);
  });

  it("refuses a snapshot of another module", () => {
    const other = "0".repeat(64);
    expect(() => decodeSnapshot(encoded, { expectModuleHash: other })).toThrow(SnapshotModuleMismatchError);
  });

  it("fails a granule launched to restore a snapshot into another module, before anything runs", async () => {
    const plain = await wasmBytesOf(SOURCE);
    let output = "";
    const handle = runGranule(
      { module: plain, args: ["x"], providers: [provider], restore: snapshot },
      {
        onStdout: (b) => {
          output += new TextDecoder().decode(b);
        },
        onStderr: () => {},
        onProviderMessage: () => {},
      },
    );
    const outcome = await handle.done;
    expect(outcome).toMatchObject({ kind: "failed", reason: "bad-snapshot" });
    expect(outcome.kind === "failed" && outcome.message).toMatch(/snapshot is of module/);
    expect(output).toBe("");
  });

  it("fails a restore of a module that was not instrumented even when the hash is forced to match", async () => {
    const plain = await wasmBytesOf(SOURCE);
    const handle = runGranule(
      { module: plain, moduleHash: hash, args: ["x"], providers: [provider], restore: snapshot },
      { onStdout: () => {}, onStderr: () => {}, onProviderMessage: () => {} },
    );
    const outcome = await handle.done;
    expect(outcome).toMatchObject({ kind: "failed", reason: "bad-snapshot" });
  });
});

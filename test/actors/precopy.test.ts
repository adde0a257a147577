// The target host's keeping of pre-copies: what it refuses (bytes that are not a pre-copy, a
// delta whose pre-copy it does not have, or has under another id) and how it completes a delta
// over the pre-copy it kept, bit for bit. The staged path is covered in test/snapshot/core.test.ts
// and end to end in migration.test.ts.

import { describe, expect, it } from "vitest";
import { PrecopyStore } from "../../actors/precopy.js";
import { message, RejectedError } from "../../bus/mod.js";
import { encodePrecopy, type GranuleSnapshot, imageDigest, type MemoryImage } from "../../wasm-host/mod.js";

const PAGE = 65536;

function page(fill: number): Uint8Array {
  return new Uint8Array(PAGE).fill(fill);
}

function precopyMessage(jobId: string, granule: number, bytes: Uint8Array) {
  return message("snapshot_precopy", {
    jobId,
    planId: "plan-1",
    granule,
    kind: "mpi",
    module: { hash: "ab", name: "a.wasm", size: 10 },
    precopy: bytes,
  });
}

/** A snapshot whose only meaningful part is its memory (the store looks at nothing else). */
function snapshotWith(memory: MemoryImage): GranuleSnapshot {
  return {
    identity: { jobId: "j", granuleId: "rank-1" },
    moduleHash: "ab",
    memory,
    globals: [],
    stack: { dataAddress: 0, dataBytes: 0, entry: "_start", entryArgs: [], controlPoint: "mpi.MPI_Barrier" },
    wasi: {} as GranuleSnapshot["wasi"],
    provider: null,
    capturedAt: 0,
  };
}

describe("the pre-copies a target host keeps", () => {
  it("refuses bytes that are not a pre-copy, naming the granule", () => {
    const store = new PrecopyStore();
    expect(() => store.keep(precopyMessage("j", 1, new Uint8Array([1, 2, 3])))).toThrow(RejectedError);
    expect(() => store.keep(precopyMessage("j", 1, new Uint8Array([1, 2, 3])))).toThrow(
      /pre-copy of granule 1 of job j refused/,
    );
  });

  it("refuses a delta whose pre-copy it does not have, or has under another id", async () => {
    const store = new PrecopyStore();
    const delta = snapshotWith({ byteLength: 2 * PAGE, chunks: [], base: "p-2" });
    await expect(store.complete("j", 1, delta)).rejects.toThrow(/has no pre-copy of the granule/);
    store.keep(
      precopyMessage("j", 1, encodePrecopy({ id: "p-1", image: { byteLength: 2 * PAGE, chunks: [] } })),
    );
    await expect(store.complete("j", 1, delta)).rejects.toThrow(/has pre-copy p-1 instead/);
    store.dropJob("j");
  });

  it("completes a delta over the pre-copy it kept, bit for bit, and gives the pre-copy up", async () => {
    const store = new PrecopyStore();
    const base: MemoryImage = {
      byteLength: 3 * PAGE,
      chunks: [{ offset: 0, bytes: new Uint8Array([...page(1), ...page(2)]) }],
    };
    store.keep(precopyMessage("j", 1, encodePrecopy({ id: "p-1", image: base })));
    // Page 1 changed, page 2 (zero in the pre-copy) was written, memory grew by a page (3).
    const delta: MemoryImage = {
      byteLength: 4 * PAGE,
      chunks: [{ offset: PAGE, bytes: new Uint8Array([...page(7), ...page(8), ...page(9)]) }],
      base: "p-1",
    };
    const { snapshot, transfer } = await store.complete("j", 1, snapshotWith(delta));
    const expected: MemoryImage = {
      byteLength: 4 * PAGE,
      chunks: [{ offset: 0, bytes: new Uint8Array([...page(1), ...page(7), ...page(8), ...page(9)]) }],
    };
    expect(snapshot.memory.base).toBeUndefined();
    expect(imageDigest(snapshot.memory)).toBe(imageDigest(expected));
    expect(transfer.length).toBeGreaterThan(0);
    // Used up: the same delta again finds nothing.
    await expect(store.complete("j", 1, snapshotWith(delta))).rejects.toThrow(/has no pre-copy/);
  });

  it("passes a snapshot of the whole memory through", async () => {
    const store = new PrecopyStore();
    const full = snapshotWith({ byteLength: PAGE, chunks: [{ offset: 0, bytes: page(3) }] });
    const { snapshot, transfer } = await store.complete("j", 1, full);
    expect(snapshot).toBe(full);
    expect(transfer).toEqual([]);
  });
});

// Capture and restore in the runner, without MPI: a program whose control point is a counting
// stand-in for MPI_Barrier is suspended at chosen barriers, its snapshot is encoded, decoded and
// restored into a fresh granule, again and again, and it prints what an uninterrupted run and the
// native build print; each restored memory is checked bit for bit against its snapshot.

import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  applyMemoryDelta,
  decodePrecopy,
  decodeSnapshot,
  encodePrecopy,
  encodeSnapshot,
  type GranuleOutcome,
  type GranuleSnapshot,
  imageDigest,
  instrumentForControlPoints,
  type Precopy,
  runGranule,
  type StagedRestore,
  stageRestore,
  storedBytes,
} from "../../wasm-host/mod.js";
import { compiledModuleUrl } from "../../wasm-host/worker-url.js";
import { compileCNative, runNative, wasmBytesOf } from "../support/compile-c.js";

const PROGRAMS = fileURLToPath(new URL("./programs/", import.meta.url));
const provider = compiledModuleUrl(import.meta.url, "./providers/counting-barrier.js").href;

interface Leg {
  readonly outcome: GranuleOutcome;
  readonly stdout: string;
  readonly barriers: number[];
  readonly restoredDigest: string | undefined;
}

/** Runs (or resumes) the program; asks for a snapshot when the barrier count reaches snapshotAt. */
async function leg(
  module: Uint8Array,
  args: string[],
  snapshotAt: number | undefined,
  restore?: GranuleSnapshot,
): Promise<Leg> {
  let stdout = "";
  const barriers: number[] = [];
  const decoder = new TextDecoder();
  const handle = runGranule(
    {
      module,
      args,
      providers: [provider],
      providerData: { handshake: true },
      identity: { jobId: "core-test", granuleId: "g0" },
      ...(restore === undefined ? {} : { restore, digestAfterRestore: true }),
    },
    {
      onStdout: (b) => {
        stdout += decoder.decode(b, { stream: true });
      },
      onStderr: () => {},
      onProviderMessage: (m) => {
        const msg = m as { kind: string; calls: number };
        if (msg.kind !== "barrier") return;
        barriers.push(msg.calls);
        if (msg.calls === snapshotAt) handle.requestSnapshot();
        handle.postToGranule({ go: true });
      },
    },
  );
  const outcome = await handle.done;
  const restoredDigest = restore === undefined ? undefined : (await handle.restored).memoryDigest;
  return { outcome, stdout, barriers, restoredDigest };
}

describe("capture and restore at a control point", () => {
  it("resumes a program suspended at several barriers with its stack, heap and statics intact", async () => {
    const source = path.join(PROGRAMS, "stack_and_heap.c");
    const original = await wasmBytesOf(source);
    const instrumented = await instrumentForControlPoints(original);
    const args = ["stack_and_heap", "12"];

    const native = await runNative(await compileCNative(source), ["12"]);
    expect(native.code).toBe(0);
    const plain = await leg(instrumented.bytes, args, undefined);
    expect(plain.outcome).toEqual({ kind: "exited", code: 0 });
    expect(plain.stdout).toBe(native.stdout);

    // Suspend at barriers 3, 17, 18 (back to back) and 40; 12 rounds make 48 barriers.
    const stops = [3, 17, 18, 40];
    let output = "";
    let snapshot: GranuleSnapshot | undefined;
    for (const stop of [...stops, undefined]) {
      const run = await leg(instrumented.bytes, args, stop, snapshot);
      output += run.stdout;
      if (snapshot !== undefined) {
        // The restored memory is the snapshot's, bit for bit.
        expect(run.restoredDigest).toBe(imageDigest(snapshot.memory));
        expect(run.barriers[0]).toBe(stopBefore(stops, stop) + 1);
      }
      if (stop === undefined) {
        expect(run.outcome).toEqual({ kind: "exited", code: 0 });
        break;
      }
      expect(run.outcome.kind).toBe("suspended");
      if (run.outcome.kind !== "suspended") return;
      expect(run.barriers.at(-1)).toBe(stop);
      expect(run.outcome.snapshot.provider).toEqual({ calls: stop });
      expect(run.outcome.snapshot.identity).toEqual({ jobId: "core-test", granuleId: "g0" });
      const bytes = encodeSnapshot(run.outcome.snapshot);
      snapshot = decodeSnapshot(bytes, { expectModuleHash: instrumented.hash });
    }
    expect(output).toBe(native.stdout);
  });
});

describe("pre-copy and delta snapshots", () => {
  it("stores only the pages changed since the pre-copy, and restores to the same output", async () => {
    const source = path.join(PROGRAMS, "stack_and_heap.c");
    const instrumented = await instrumentForControlPoints(await wasmBytesOf(source));
    const args = ["stack_and_heap", "12"];
    const native = await runNative(await compileCNative(source), ["12"]);
    const decoder = new TextDecoder();

    // Pre-copy at barrier 5 (the granule runs on), snapshot as a delta at barrier 20.
    let stdout = "";
    let precopy: Precopy | undefined;
    const first = runGranule(
      {
        module: instrumented.bytes,
        args,
        providers: [provider],
        providerData: { handshake: true },
        identity: { jobId: "core-test", granuleId: "g0" },
      },
      {
        onStdout: (b) => {
          stdout += decoder.decode(b, { stream: true });
        },
        onStderr: () => {},
        onProviderMessage: (m) => {
          const msg = m as { kind: string; calls: number };
          if (msg.kind !== "barrier") return;
          if (msg.calls === 5) {
            // Served at the granule's next host call: the barrier after this one.
            void first.precopy().then((p) => {
              precopy = p;
            });
          }
          if (msg.calls === 20) first.requestSnapshot({ delta: true });
          first.postToGranule({ go: true });
        },
      },
    );
    const outcome = await first.done;
    expect(outcome.kind).toBe("suspended");
    if (outcome.kind !== "suspended" || precopy === undefined)
      throw new Error("no suspension or no pre-copy");
    const delta = decodeSnapshot(encodeSnapshot(outcome.snapshot), { expectModuleHash: instrumented.hash });
    const base = decodePrecopy(encodePrecopy(precopy));
    expect(delta.memory.base).toBe(precopy.id);
    // Every page it stores differs from that page of the pre-copy (zeros where it had none).
    const page = 65536;
    const basePage = (at: number): Uint8Array => {
      const c = base.image.chunks.find((k) => k.offset <= at && at < k.offset + k.bytes.byteLength);
      return c === undefined ? new Uint8Array(page) : c.bytes.subarray(at - c.offset, at - c.offset + page);
    };
    let pages = 0;
    for (const c of delta.memory.chunks) {
      for (let at = 0; at < c.bytes.byteLength; at += page, pages++) {
        expect(Buffer.compare(c.bytes.subarray(at, at + page), basePage(c.offset + at))).not.toBe(0);
      }
    }
    expect(pages * page).toBe(storedBytes(delta.memory));

    // A delta alone is refused by the runner: restoring it would run on a memory of zeros.
    const refused = runGranule(
      { module: instrumented.bytes, args, providers: [provider], restore: delta },
      { onStdout: () => {}, onStderr: () => {}, onProviderMessage: () => {} },
    );
    const refusal = await refused.done;
    expect(refusal.kind).toBe("failed");
    expect(refusal.kind === "failed" && refusal.message).toMatch(/pre-copy .* applyMemoryDelta/);

    // Restored into a thread staged with the pre-copy, only the delta is written; bit for bit the
    // same memory as the full snapshot, and the same output.
    const compiled = await WebAssembly.compile(instrumented.bytes);
    const stagedCopy = decodePrecopy(encodePrecopy(precopy));
    const staged = stageRestore(compiled, instrumented.hash, stagedCopy, []);
    expect(await staged.ready).toBe(true);
    const fromStage = await restoreInto(compiled, instrumented.hash, args, delta, staged);
    expect(staged.usable()).toBe(false);

    // Completed with its pre-copy, it resumes where it stopped, bit for bit.
    const full: GranuleSnapshot = { ...delta, memory: applyMemoryDelta(base.image, delta.memory) };
    const digest = imageDigest(full.memory);
    const resumed = await leg(instrumented.bytes, args, undefined, full);
    expect(resumed.restoredDigest).toBe(digest);
    expect(resumed.outcome).toEqual({ kind: "exited", code: 0 });
    expect(stdout + resumed.stdout).toBe(native.stdout);
    expect(fromStage.digest).toBe(digest);
    expect(fromStage.outcome).toEqual({ kind: "exited", code: 0 });
    expect(stdout + fromStage.stdout).toBe(native.stdout);

    // A staged thread given up before its launch fails the launch with a reason, not a hang.
    const discarded = stageRestore(compiled, instrumented.hash, decodePrecopy(encodePrecopy(precopy)), []);
    discarded.discard();
    const late = await restoreInto(compiled, instrumented.hash, args, delta, discarded);
    expect(late.outcome.kind).toBe("failed");
    expect(late.outcome.kind === "failed" && late.outcome.message).toMatch(/staged .* is gone/);
  });
});

/** Restores a delta snapshot into a staged thread and runs it to its end. */
async function restoreInto(
  module: WebAssembly.Module,
  hash: string,
  args: string[],
  delta: GranuleSnapshot,
  staged: StagedRestore,
): Promise<{ outcome: GranuleOutcome; stdout: string; digest: string | undefined }> {
  let stdout = "";
  const decoder = new TextDecoder();
  const handle = runGranule(
    {
      module,
      moduleHash: hash,
      args,
      providers: [provider],
      providerData: { handshake: true },
      restore: delta,
      staged,
      digestAfterRestore: true,
    },
    {
      onStdout: (b) => {
        stdout += decoder.decode(b, { stream: true });
      },
      onStderr: () => {},
      onProviderMessage: (m) => {
        if ((m as { kind: string }).kind === "barrier") handle.postToGranule({ go: true });
      },
    },
  );
  const outcome = await handle.done;
  const digest = await handle.restored.then(
    (r) => r.memoryDigest,
    () => undefined,
  );
  return { outcome, stdout, digest };
}

function stopBefore(stops: readonly number[], stop: number | undefined): number {
  const i = stop === undefined ? stops.length : stops.indexOf(stop);
  return stops[i - 1] ?? 0;
}

// Capture and restore in the runner, without MPI: a program whose control point is a counting
// stand-in for MPI_Barrier is suspended at chosen barriers, its snapshot is encoded, decoded and
// restored into a fresh granule, again and again, and it prints what an uninterrupted run and the
// native build print; each restored memory is checked bit for bit against its snapshot.

import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  decodeSnapshot,
  encodeSnapshot,
  type GranuleOutcome,
  type GranuleSnapshot,
  imageDigest,
  instrumentForControlPoints,
  runGranule,
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

function stopBefore(stops: readonly number[], stop: number | undefined): number {
  const i = stop === undefined ? stops.length : stops.indexOf(stop);
  return stops[i - 1] ?? 0;
}

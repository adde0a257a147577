// Snapshot benchmarks: the size of a snapshot and the pause from a snapshot request at a barrier
// to the restored granule running again (capture, encode, decode, restore into a new worker,
// rewind; no network transfer) for 1, 16, 64 and 256 MiB of touched memory; and the slowdown
// that control-point instrumentation (Asyncify on MPI_Barrier) adds to compute kernels, against
// the same modules uninstrumented.

import { execFile } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  compiledModuleUrl,
  decodeSnapshot,
  encodeSnapshot,
  type GranuleOutcome,
  type GranuleSnapshot,
  instrumentForControlPoints,
  runGranule,
  snapshotTransferList,
} from "../wasm-host/mod.js";
import { median, type Row, slowdown } from "./table.js";

const run = promisify(execFile);
const SOURCES = fileURLToPath(new URL("./programs/", import.meta.url)).replace(
  `${path.sep}dist${path.sep}bench${path.sep}`,
  `${path.sep}bench${path.sep}`,
);
const OUT = path.join(os.tmpdir(), "granny-bench-snapshot");
const MIB = 1024 * 1024;
const SIZES_MIB = [1, 16, 64, 256];

async function buildWasm(name: string): Promise<Uint8Array> {
  await mkdir(OUT, { recursive: true });
  const output = path.join(OUT, `${name}.wasm`);
  await run("clang-19", [
    "--target=wasm32-wasi",
    "-O3",
    "-msimd128",
    "-Wl,--strip-debug",
    path.join(SOURCES, `${name}.c`),
    "-o",
    output,
  ]);
  return new Uint8Array(await readFile(output));
}

function provider(): string {
  return compiledModuleUrl(import.meta.url, "./providers/barrier.js").href;
}

interface PauseSample {
  readonly snapshotBytes: number;
  readonly captureMs: number;
  readonly encodeDecodeMs: number;
  readonly restoreMs: number;
  readonly pauseMs: number;
}

/** Captures the program at its first barrier and restores it; times each part. */
async function pauseFor(module: WebAssembly.Module, hash: string, mib: number): Promise<PauseSample> {
  const url = provider();
  const launch = { module, moduleHash: hash, providers: [url], providerData: { handshake: true } };
  let requestedAt = 0;
  let resumedAt = 0;
  const first = runGranule(
    { ...launch, args: ["snapshot_memory", String(mib)] },
    {
      onStdout: () => {},
      onStderr: () => {},
      onProviderMessage: () => {
        // The first barrier: ask for the snapshot, then let the program on to take it.
        requestedAt = performance.now();
        first.requestSnapshot();
        first.postToGranule({ go: true });
      },
    },
  );
  const outcome = await first.done;
  const capturedAt = performance.now();
  if (outcome.kind !== "suspended") throw new Error(`expected a suspension: ${JSON.stringify(outcome)}`);
  const bytes = encodeSnapshot(outcome.snapshot);
  // Read now: restoring transfers the document's buffer to the worker.
  const snapshotBytes = bytes.byteLength;
  const decoded: GranuleSnapshot = decodeSnapshot(bytes, { expectModuleHash: hash });
  const decodedAt = performance.now();
  const second = runGranule(
    { ...launch, args: ["snapshot_memory"], restore: decoded, transferList: snapshotTransferList(decoded) },
    {
      onStdout: () => {},
      onStderr: () => {},
      onProviderMessage: (m) => {
        if ((m as { kind?: string }).kind === "resumed") resumedAt = performance.now();
        else second.postToGranule({ go: true });
      },
    },
  );
  const end: GranuleOutcome = await second.done;
  if (end.kind !== "exited" || end.code !== 0)
    throw new Error(`the restored run did not finish: ${JSON.stringify(end)}`);
  return {
    snapshotBytes,
    captureMs: capturedAt - requestedAt,
    encodeDecodeMs: decodedAt - capturedAt,
    restoreMs: resumedAt - decodedAt,
    pauseMs: resumedAt - requestedAt,
  };
}

async function kernelTimes(module: Uint8Array): Promise<{ stencil: number; calls: number }> {
  let stdout = "";
  const handle = runGranule(
    { module, args: ["kernels", "600", "60000000"], providers: [provider()] },
    {
      onStdout: (b) => {
        stdout += new TextDecoder().decode(b);
      },
      onStderr: () => {},
    },
  );
  const outcome = await handle.done;
  if (outcome.kind !== "exited" || outcome.code !== 0)
    throw new Error(`kernels failed: ${JSON.stringify(outcome)}`);
  const stencil = /stencil ([\d.]+)/.exec(stdout)?.[1];
  const calls = /calls ([\d.]+)/.exec(stdout)?.[1];
  if (stencil === undefined || calls === undefined) throw new Error(`kernels printed ${stdout}`);
  return { stencil: Number(stencil) * 1000, calls: Number(calls) * 1000 };
}

export async function benchSnapshot(): Promise<Row[]> {
  const rows: Row[] = [];
  const memoryProgram = await instrumentForControlPoints(await buildWasm("snapshot_memory"));
  const compiled = await WebAssembly.compile(memoryProgram.bytes);
  for (const mib of SIZES_MIB) {
    // Compiled once, as a host's ModuleCache would: a restore does not compile again.
    const s = await pauseFor(compiled, memoryProgram.hash, mib);
    rows.push(
      {
        group: "snapshot",
        name: `snapshot size, ${mib} MiB touched`,
        value: s.snapshotBytes / MIB,
        unit: "MiB",
      },
      {
        group: "snapshot",
        name: `capture (request to suspended), ${mib} MiB`,
        value: s.captureMs,
        unit: "ms",
      },
      { group: "snapshot", name: `encode + decode, ${mib} MiB`, value: s.encodeDecodeMs, unit: "ms" },
      { group: "snapshot", name: `restore (launch to resumed), ${mib} MiB`, value: s.restoreMs, unit: "ms" },
      { group: "snapshot", name: `pause without transfer, ${mib} MiB`, value: s.pauseMs, unit: "ms" },
    );
  }

  const plain = await buildWasm("kernels");
  const instrumented = await instrumentForControlPoints(plain);
  const plainTimes: { stencil: number; calls: number }[] = [];
  const instrumentedTimes: { stencil: number; calls: number }[] = [];
  for (let i = 0; i < 3; i++) {
    plainTimes.push(await kernelTimes(plain));
    instrumentedTimes.push(await kernelTimes(instrumented.bytes));
  }
  for (const kernel of ["stencil", "calls"] as const) {
    const ours = median(instrumentedTimes.map((t) => t[kernel]));
    const base = median(plainTimes.map((t) => t[kernel]));
    rows.push({
      group: "snapshot",
      name:
        kernel === "stencil"
          ? "instrumented stencil, barrier per time step"
          : "instrumented loop of small calls that may reach a barrier",
      value: ours,
      unit: "ms",
      baseline: base,
      baselineName: "uninstrumented",
      ratio: slowdown(ours, base),
    });
  }
  rows.push({
    group: "snapshot",
    name: "code size, instrumented kernels module",
    value: instrumented.bytes.byteLength / 1024,
    unit: "KiB",
    baseline: plain.byteLength / 1024,
    baselineName: "uninstrumented",
    ratio: slowdown(instrumented.bytes.byteLength, plain.byteLength),
  });
  return rows;
}

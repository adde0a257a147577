// Instruments a module for control points in a worker thread (see instrument-worker.ts), so the
// host's event loop keeps serving while Binaryen works. Results are cached on disk by wasm-host.
import { Worker } from "node:worker_threads";
import { compiledModuleUrl } from "../wasm-host/mod.js";

export interface Instrumented {
  readonly bytes: Uint8Array;
  readonly hash: string;
}

export function instrumentOffThread(bytes: Uint8Array): Promise<Instrumented> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(compiledModuleUrl(import.meta.url, "./instrument-worker.js"), {
      workerData: bytes,
      execArgv: [],
    });
    worker.once(
      "message",
      (m: { ok: true; bytes: Uint8Array; hash: string } | { ok: false; message: string }) => {
        if (m.ok) resolve({ bytes: m.bytes, hash: m.hash });
        else reject(new Error(`instrumenting the module for control points failed: ${m.message}`));
        void worker.terminate();
      },
    );
    worker.once("error", (err) => reject(new Error(`instrumentation worker failed: ${err.message}`)));
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`instrumentation worker exited with code ${code}`));
    });
  });
}

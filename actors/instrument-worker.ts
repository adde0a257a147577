// Worker-thread entry that instruments a module for control points. Binaryen's pass is
// synchronous and takes seconds on large modules: run on a host's main thread it would stop
// heartbeats and MPI routing long enough for the planner to declare the host gone.
import { parentPort, workerData } from "node:worker_threads";
import { instrumentForControlPoints } from "../wasm-host/mod.js";

const bytes = workerData as Uint8Array;
instrumentForControlPoints(bytes).then(
  (m) => parentPort?.postMessage({ ok: true, bytes: m.bytes, hash: m.hash }),
  (err: Error) => parentPort?.postMessage({ ok: false, message: err.message }),
);

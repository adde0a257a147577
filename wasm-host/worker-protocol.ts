// Messages between the granule runner (parent) and the granule worker thread.

import type { MessagePort } from "node:worker_threads";
import type { GranuleLaunch } from "./launch.js";
import type { GranuleOutcome } from "./outcome.js";
import type { WasiState } from "./wasi/mod.js";

export type WorkerLaunch = Omit<GranuleLaunch, "transferList" | "limits">;

export interface GranuleWorkerData {
  readonly launch: WorkerLaunch;
  /** Carries the parent's postToGranule messages; read synchronously with receiveMessageOnPort. */
  readonly mailbox: MessagePort;
  /** Int32 counter bumped after each mailbox post, so the worker can Atomics.wait for mail. */
  readonly mailboxSignal: SharedArrayBuffer;
  /** Int32 word 0 is set to ask for a snapshot at the next control point. */
  readonly snapshotSignal: SharedArrayBuffer;
}

export type WorkerToParent =
  | { readonly type: "stdout"; readonly bytes: Uint8Array }
  | { readonly type: "stderr"; readonly bytes: Uint8Array }
  /** The entry export is about to run; `at` is the host-wide wall clock in ms. */
  | { readonly type: "started"; readonly at: number }
  | { readonly type: "provider"; readonly message: unknown }
  /** A restored granule's memory and globals are in place; it is about to rewind. */
  | { readonly type: "restored"; readonly at: number; readonly memoryDigest: string | undefined }
  | { readonly type: "done"; readonly outcome: GranuleOutcome; readonly wasiState: WasiState | null };

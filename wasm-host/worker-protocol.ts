// Messages between the granule runner (parent) and the granule worker thread.

import type { MessagePort } from "node:worker_threads";
import type { WarmUpReport } from "./imports.js";
import type { GranuleLaunch } from "./launch.js";
import type { GranuleOutcome } from "./outcome.js";
import type { Precopy } from "./snapshot/types.js";
import type { WasiState } from "./wasi/mod.js";

export type WorkerLaunch = Omit<GranuleLaunch, "transferList" | "limits">;

export interface GranuleWorkerData {
  readonly launch: WorkerLaunch;
  /** Carries the parent's postToGranule messages; read synchronously with receiveMessageOnPort. */
  readonly mailbox: MessagePort;
  /** Int32 counter bumped after each mailbox post, so the worker can Atomics.wait for mail. */
  readonly mailboxSignal: SharedArrayBuffer;
  /**
   * Int32 word 0 asks for a snapshot at the next control point (1: of the whole memory, 2: a
   * delta over the granule's pre-copy when it has one); word 1 asks for a pre-copy.
   */
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
  /** The memory as it was at a host call after handle.precopy(); the worker keeps a copy too. */
  | { readonly type: "precopy"; readonly precopy: Precopy | undefined; readonly error: string | undefined }
  | { readonly type: "done"; readonly outcome: GranuleOutcome; readonly wasiState: WasiState | null };

/** What the pool sends an idle worker to warm up, and what the worker answers. */
export interface WarmUpRequest {
  readonly warmUp: { readonly provider: string; readonly session: unknown };
}

export interface WarmUpDone {
  readonly warmedUp: WarmUpReport;
}

export function isWarmUpRequest(m: unknown): m is WarmUpRequest {
  return typeof m === "object" && m !== null && "warmUp" in m;
}

export function isWarmUpDone(m: unknown): m is WarmUpDone {
  return typeof m === "object" && m !== null && "warmedUp" in m;
}

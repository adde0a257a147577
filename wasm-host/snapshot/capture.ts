// Worker side: turns a suspended instance into a GranuleSnapshot, and puts a snapshot back into
// a fresh instance of the same module before it is rewound.

import type { WasiState } from "../wasi/mod.js";
import type { Suspension } from "./control-points.js";
import {
  applyMemoryDeltaInPlace,
  captureMemoryDelta,
  captureMemoryImage,
  restoreMemoryImage,
} from "./memory-image.js";
import { GLOBAL_EXPORT_PREFIX } from "./names.js";
import type { GlobalValue, GranuleSnapshot, Precopy, SnapshotIdentity } from "./types.js";

export interface CaptureContext {
  readonly identity: SnapshotIdentity;
  readonly moduleHash: string;
  readonly entry: string;
  readonly entryArgs: readonly (number | bigint)[];
  readonly wasi: WasiState;
  /** A pre-copy of this granule: the snapshot then stores only the pages changed since. */
  readonly base?: Precopy | undefined;
}

function savedGlobals(instance: WebAssembly.Instance): [string, WebAssembly.Global][] {
  const found: [string, WebAssembly.Global][] = [];
  for (const [name, value] of Object.entries(instance.exports)) {
    if (name.startsWith(GLOBAL_EXPORT_PREFIX) && value instanceof WebAssembly.Global)
      found.push([name, value]);
  }
  return found;
}

export function captureSnapshot(
  instance: WebAssembly.Instance,
  memory: WebAssembly.Memory,
  suspension: Suspension,
  context: CaptureContext,
): GranuleSnapshot {
  const globals: GlobalValue[] = savedGlobals(instance).map(([name, g]) => ({
    name,
    value: g.value as number | bigint,
  }));
  return {
    identity: context.identity,
    moduleHash: context.moduleHash,
    memory:
      context.base === undefined
        ? captureMemoryImage(memory)
        : captureMemoryDelta(memory, context.base.image, context.base.id),
    globals,
    stack: {
      dataAddress: suspension.dataAddress,
      dataBytes: suspension.dataBytes,
      entry: context.entry,
      entryArgs: context.entryArgs,
      controlPoint: suspension.controlPoint,
    },
    wasi: context.wasi,
    provider: suspension.providerState,
    capturedAt: performance.timeOrigin + performance.now(),
  };
}

/**
 * Memory and globals from the snapshot; throws (with a reason) if they do not fit the instance.
 * With `stagedBase`, the memory already holds that pre-copy (a staged restore, staging.ts) and
 * the snapshot is a delta over it.
 */
export function applySnapshot(
  instance: WebAssembly.Instance,
  memory: WebAssembly.Memory,
  snapshot: GranuleSnapshot,
  stagedBase?: string,
): void {
  const globals = new Map(savedGlobals(instance));
  if (globals.size !== snapshot.globals.length) {
    throw new Error(
      `the module has ${globals.size} saved globals but the snapshot ${snapshot.globals.length}: is it instrumented the same way?`,
    );
  }
  if (snapshot.memory.base !== undefined && stagedBase === undefined) {
    throw new Error(
      `the snapshot holds only the pages changed since pre-copy ${snapshot.memory.base}: complete it with applyMemoryDelta first`,
    );
  }
  const { dataAddress, dataBytes } = snapshot.stack;
  if (dataAddress < 0 || dataAddress + dataBytes > snapshot.memory.byteLength) {
    throw new Error("the snapshot's stack capture lies outside its memory");
  }
  if (stagedBase === undefined) restoreMemoryImage(memory, snapshot.memory);
  else applyMemoryDeltaInPlace(memory, snapshot.memory, stagedBase);
  for (const g of snapshot.globals) {
    const target = globals.get(g.name);
    if (target === undefined) throw new Error(`the module has no global ${g.name}`);
    target.value = g.value;
  }
}

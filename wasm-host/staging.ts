// Worker side of a staged restore (live migration's last step). While a migrating granule still
// runs on its source, the target's worker instantiates the module with imports that forward to
// implementations linked later, and writes the pre-copy into its memory. When the snapshot comes
// (a delta over that pre-copy, with the WASI and provider state), the worker links the real
// imports and writes only the changed pages: the copy of the whole memory, and the page faults
// of a fresh one, happen before the pause instead of in it.

import { restoreMemoryImage } from "./snapshot/memory-image.js";
import type { MemoryImage } from "./snapshot/types.js";

/** What the runner sends a pooled worker to stage a restore. */
export interface StageRequest {
  readonly stage: {
    readonly module: WebAssembly.Module;
    readonly moduleHash: string;
    /** The pre-copy's id: only a delta over it restores into this instance. */
    readonly id: string;
    readonly image: MemoryImage;
  };
}

export function isStageRequest(m: unknown): m is StageRequest {
  return typeof m === "object" && m !== null && "stage" in m;
}

export interface Staged {
  readonly id: string;
  readonly moduleHash: string;
  readonly instance: WebAssembly.Instance;
  readonly memory: WebAssembly.Memory;
  /** Points the instance's imports at their implementations, once the launch has built them. */
  link(imports: WebAssembly.Imports): void;
}

type HostFunction = (...args: unknown[]) => unknown;

/**
 * Instantiates the module over forwarding imports and puts the image in its memory. Function
 * imports only: a module importing a memory, table or global cannot be staged (it is restored
 * the ordinary way).
 */
export function stage(request: StageRequest["stage"]): Staged {
  const linked = new Map<string, HostFunction>();
  const forwarding: Record<string, Record<string, HostFunction>> = {};
  for (const imp of WebAssembly.Module.imports(request.module)) {
    if (imp.kind !== "function") {
      throw new Error(
        `the module imports a ${imp.kind} (${imp.module}.${imp.name}); only function imports can be staged`,
      );
    }
    const key = `${imp.module}.${imp.name}`;
    const namespace = forwarding[imp.module] ?? {};
    forwarding[imp.module] = namespace;
    // One extra call per host call for the rest of the granule's life: the price of linking late.
    namespace[imp.name] = (...args: unknown[]) => {
      const fn = linked.get(key);
      if (fn === undefined) throw new Error(`${key} was called before the staged granule was launched`);
      return fn(...args);
    };
  }
  const instance = new WebAssembly.Instance(request.module, forwarding);
  const memory = instance.exports.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error("the module does not export its memory");
  restoreMemoryImage(memory, request.image);
  return {
    id: request.id,
    moduleHash: request.moduleHash,
    instance,
    memory,
    link(imports) {
      for (const imp of WebAssembly.Module.imports(request.module)) {
        const fn = imports[imp.module]?.[imp.name];
        if (typeof fn !== "function") throw new Error(`${imp.module}.${imp.name} has no implementation`);
        linked.set(`${imp.module}.${imp.name}`, fn as HostFunction);
      }
    },
  };
}

// The worker side of capture and restore at control points, over the Asyncify exports of an
// instrumented module. A control-point import asks snapshotRequested() (one atomic load, so a
// barrier without a request costs nothing more), calls suspend() and returns; the entry export
// then returns early and the worker calls finishUnwind() and captures. A restored granule is
// rewound with startRewind(); the import is re-entered, sees rewinding() and calls endRewind().
//
// The Asyncify save area is placed in pages grown from the host at the moment of the capture, so
// no allocator of the program can own them while they are in use (between the unwind and the end
// of the rewind, when the program does not run). Afterwards they are dead: whether the program's
// allocator ever reuses them does not matter.

import { randomUUID } from "node:crypto";
import type { ControlPointContext } from "../imports.js";
import { captureMemoryImage, WASM_PAGE } from "./memory-image.js";
import { ASYNCIFY_EXPORTS } from "./names.js";
import type { MemoryImage, Precopy, StackCapture } from "./types.js";

/** Pages of Asyncify save area per capture; locals of every frame on the path to the barrier. */
const SAVE_AREA_PAGES = 4;

const AsyncifyState = { normal: 0, unwinding: 1, rewinding: 2 } as const;

type AsyncifyExports = Record<(typeof ASYNCIFY_EXPORTS)[number], (...args: number[]) => number | undefined>;

export interface Suspension {
  readonly controlPoint: string;
  readonly providerState: unknown;
  readonly dataAddress: number;
  readonly dataBytes: number;
}

export class ControlPoints implements ControlPointContext {
  private suspended: Suspension | undefined;
  /** The last pre-copy, kept so that a snapshot can store only what changed since. */
  private base: Precopy | undefined;

  constructor(
    /**
     * Int32 word 0: set by the host (handle.requestSnapshot) to ask for a capture, 2 when a
     * delta over the pre-copy will do; word 1: set by handle.precopy().
     */
    private readonly request: Int32Array,
    private readonly instance: () => WebAssembly.Instance,
    private readonly memory: () => WebAssembly.Memory,
    readonly restoredState: unknown,
    /**
     * Hands a pre-copy to the host (a transfer: the worker keeps its own copy), or says why
     * there is none.
     */
    private readonly sendPrecopy: (result: Precopy | Error, transfer: ArrayBuffer[]) => void = () => {},
  ) {}

  snapshotRequested(): boolean {
    return Atomics.load(this.request, 0) !== 0;
  }

  atHostCall(): void {
    if (Atomics.load(this.request, 1) === 0) return;
    Atomics.store(this.request, 1, 0);
    // Two copies: one kept here to compare with at the snapshot, one for the host to send. The
    // granule pays for them once, while it runs, instead of the migration pause paying for the
    // whole memory at the barrier.
    let copy: MemoryImage;
    try {
      const image = captureMemoryImage(this.memory());
      this.base = { id: randomUUID(), image };
      copy = {
        byteLength: image.byteLength,
        chunks: image.chunks.map((c) => ({ offset: c.offset, bytes: c.bytes.slice() })),
      };
    } catch (e) {
      // No room for the copies (the worker's heap limit): the migration goes on without one.
      this.base = undefined;
      this.sendPrecopy(new Error(`the pre-copy failed: ${e instanceof Error ? e.message : String(e)}`), []);
      return;
    }
    this.sendPrecopy(
      { id: this.base.id, image: copy },
      copy.chunks.map((c) => c.bytes.buffer as ArrayBuffer),
    );
  }

  /** The pre-copy the pending snapshot may be a delta over (the host allowed it and one exists). */
  deltaBase(): Precopy | undefined {
    return Atomics.load(this.request, 0) === 2 ? this.base : undefined;
  }

  suspend(controlPoint: string, providerState: unknown): void {
    const asyncify = this.asyncify("suspend");
    if (this.suspended !== undefined) throw new Error("the granule is already suspending");
    const state = asyncify.asyncify_get_state();
    if (state !== AsyncifyState.normal) throw new Error(`cannot suspend while Asyncify is in state ${state}`);
    const memory = this.memory();
    const dataBytes = SAVE_AREA_PAGES * WASM_PAGE;
    let firstPage: number;
    try {
      firstPage = memory.grow(SAVE_AREA_PAGES);
    } catch (e) {
      throw new Error(
        `cannot suspend: no room to grow memory by ${dataBytes} bytes for the stack capture: ${String(e)}`,
      );
    }
    const dataAddress = firstPage * WASM_PAGE;
    const header = new Int32Array(memory.buffer, dataAddress, 2);
    header[0] = dataAddress + 8;
    header[1] = dataAddress + dataBytes;
    asyncify.asyncify_start_unwind(dataAddress);
    this.suspended = { controlPoint, providerState, dataAddress, dataBytes };
  }

  rewinding(): boolean {
    const get = this.instance().exports.asyncify_get_state;
    return typeof get === "function" && (get as () => number)() === AsyncifyState.rewinding;
  }

  endRewind(): void {
    this.asyncify("end a rewind").asyncify_stop_rewind();
  }

  /** The suspension in progress, if a control point asked for one. */
  get suspension(): Suspension | undefined {
    return this.suspended;
  }

  /** After the entry export returned early: stops the unwind, leaving the save area filled. */
  finishUnwind(): Suspension {
    const s = this.suspended;
    if (s === undefined) throw new Error("finishUnwind without a suspension");
    const asyncify = this.asyncify("finish an unwind");
    const state = asyncify.asyncify_get_state();
    if (state !== AsyncifyState.unwinding) {
      throw new Error(
        `${s.controlPoint} asked to suspend but the entry returned without unwinding (Asyncify state ${state}): ` +
          "is the import instrumented as a control point?",
      );
    }
    asyncify.asyncify_stop_unwind();
    return s;
  }

  /** Before calling the entry export of a restored granule. */
  startRewind(stack: StackCapture): void {
    this.asyncify("rewind").asyncify_start_rewind(stack.dataAddress);
  }

  /** The module's Asyncify exports; fails loudly for a module that was not instrumented. */
  private asyncify(what: string): AsyncifyExports {
    const exports = this.instance().exports;
    for (const name of ASYNCIFY_EXPORTS) {
      if (typeof exports[name] !== "function") {
        throw new Error(
          `cannot ${what}: the module does not export ${name}; instrument it with instrumentForControlPoints`,
        );
      }
    }
    return exports as unknown as AsyncifyExports;
  }
}

// Compiles WebAssembly bytes once per content: modules are keyed by the SHA-256 of their bytes
// (the same hash snapshots name their module by), and concurrent requests for the same bytes
// share one compilation. A compiled WebAssembly.Module can be posted to any worker thread.

import "./engine.js";
import { createHash } from "node:crypto";
import { InvalidModuleError } from "./errors.js";

export interface CompiledModule {
  /** sha256 of the bytes, lower-case hex. */
  readonly hash: string;
  readonly module: WebAssembly.Module;
  readonly byteLength: number;
}

export function moduleHash(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export class ModuleCache {
  private readonly entries = new Map<string, Promise<CompiledModule>>();

  /** @param maxEntries least recently used modules beyond this are forgotten */
  constructor(private readonly maxEntries = 64) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError("maxEntries must be >= 1");
  }

  /** Compiles (or finds) the module; rejects with InvalidModuleError for bytes that do not compile. */
  compile(bytes: Uint8Array): Promise<CompiledModule> {
    const hash = moduleHash(bytes);
    const known = this.entries.get(hash);
    if (known !== undefined) {
      this.entries.delete(hash);
      this.entries.set(hash, known);
      return known;
    }
    const compiling = compileBytes(bytes, hash);
    this.entries.set(hash, compiling);
    // Failures are not cached: the caller sees the error, and the next attempt compiles again.
    compiling.catch(() => {
      if (this.entries.get(hash) === compiling) this.entries.delete(hash);
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return compiling;
  }

  /** A module compiled earlier, by hash. */
  get(hash: string): Promise<CompiledModule> | undefined {
    return this.entries.get(hash);
  }

  has(hash: string): boolean {
    return this.entries.has(hash);
  }

  get size(): number {
    return this.entries.size;
  }
}

async function compileBytes(bytes: Uint8Array, hash: string): Promise<CompiledModule> {
  try {
    const module = await WebAssembly.compile(bytes);
    return { hash, module, byteLength: bytes.byteLength };
  } catch (e) {
    throw new InvalidModuleError(
      `module sha256:${hash.slice(0, 12)} (${bytes.byteLength} bytes) is not valid WebAssembly: ${
        e instanceof Error ? e.message : String(e)
      }`,
      hash,
      { cause: e },
    );
  }
}

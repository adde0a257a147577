// Modules compile once per content hash; the compiled worker is found from source and from dist.

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compiledModuleUrl, ModuleCache, moduleHash } from "../../wasm-host/mod.js";
import { wasmBytesOf } from "../support/compile-c.js";
import { programSource } from "./run-program.js";

describe("ModuleCache", () => {
  it("compiles identical bytes once, keyed by their SHA-256", async () => {
    const bytes = await wasmBytesOf(programSource("hello"));
    const cache = new ModuleCache();
    const [a, b] = await Promise.all([cache.compile(bytes), cache.compile(new Uint8Array(bytes))]);
    expect(a).toBe(b);
    expect(a.hash).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(moduleHash(bytes)).toBe(a.hash);
    expect(cache.has(a.hash)).toBe(true);
    expect(WebAssembly.Module.exports(a.module).map((e) => e.name)).toContain("_start");
  });

  it("forgets the least recently used module beyond its capacity", async () => {
    const cache = new ModuleCache(1);
    const hello = await cache.compile(await wasmBytesOf(programSource("hello")));
    const random = await cache.compile(await wasmBytesOf(programSource("random")));
    expect(cache.has(hello.hash)).toBe(false);
    expect(cache.has(random.hash)).toBe(true);
    expect(cache.size).toBe(1);
  });
});

describe("compiledModuleUrl", () => {
  it("maps a .ts caller to its dist/ mirror and a .js caller to its own folder", () => {
    const fromSource = compiledModuleUrl(
      new URL("../../wasm-host/granule-runner.ts", import.meta.url).href,
      "./granule-worker.js",
    );
    expect(fileURLToPath(fromSource)).toMatch(/\/dist\/wasm-host\/granule-worker\.js$/);
    expect(existsSync(fromSource)).toBe(true);
    const fromDist = compiledModuleUrl(
      "file:///srv/app/dist/wasm-host/granule-runner.js",
      "./granule-worker.js",
    );
    expect(fromDist.href).toBe("file:///srv/app/dist/wasm-host/granule-worker.js");
  });

  it("says to build when the compiled file is missing", () => {
    expect(() => compiledModuleUrl(import.meta.url, "./no-such-module.js")).toThrow(/npm run build/);
  });
});

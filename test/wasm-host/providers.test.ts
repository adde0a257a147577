// The extension point: import providers loaded by URL in the worker, two-way messages with the
// parent, a pre-created shared memory and a thread entry other than _start.

import { describe, expect, it } from "vitest";
import { parseWasiState, runGranule } from "../../wasm-host/mod.js";
import { compiledModuleUrl } from "../../wasm-host/worker-url.js";
import { compileProgram, runProgram } from "./run-program.js";

const testProvider = compiledModuleUrl(import.meta.url, "./providers/test-provider.js").href;

describe("import providers and launch options", () => {
  it("links a provider's functions and carries messages both ways", async () => {
    const run = await runProgram("provider_calls", {
      args: ["provider_calls", "talk"],
      providers: [testProvider],
      providerData: { greeting: "hello from providerData" },
      onProviderMessage: (message, handle) => {
        const m = message as { kind: string; value?: number };
        if (m.kind === "told" && m.value === 7) handle.postToGranule({ answer: 1234 });
      },
    });
    expect(run.outcome).toEqual({ kind: "exited", code: 0 });
    expect(run.stdout).toBe("add(2, 40) = 42\nhello from providerData\nthe host answered 1234\n");
    expect(run.providerMessages).toEqual([
      { kind: "instantiated", memoryBytes: expect.any(Number), entry: "_start" },
      { kind: "told", value: 7 },
      { kind: "told", value: 1235 },
    ]);
  });

  it("lets a provider end the program with an exit code", async () => {
    const run = await runProgram("provider_calls", {
      args: ["provider_calls", "abort"],
      providers: [testProvider],
    });
    expect(run.outcome).toEqual({ kind: "exited", code: 42 });
  });

  it("fails a granule whose provider's afterInstantiate throws, before the entry runs", async () => {
    const run = await runProgram("provider_calls", {
      providers: [testProvider],
      providerData: { failAfterInstantiate: true },
    });
    expect(run.outcome).toMatchObject({ kind: "failed", reason: "provider" });
    expect(run.outcome.kind === "failed" && run.outcome.message).toContain(
      "set-up after instantiation failed",
    );
    await expect(run.handle.started).rejects.toThrow();
    expect(run.stdout).toBe("");
  });

  it("fails a granule whose provider posts without an onProviderMessage callback", async () => {
    const module = await compileProgram("provider_calls");
    const handle = runGranule(
      { module, args: ["provider_calls", "talk"], providers: [testProvider] },
      { onStdout: () => {}, onStderr: () => {} },
    );
    const outcome = await handle.done;
    expect(outcome).toMatchObject({ kind: "failed", reason: "host-callback" });
    expect(outcome.kind === "failed" && outcome.message).toContain("onProviderMessage");
  });

  it("runs a thread entry over a shared memory the parent created and can read", async () => {
    const module = await compileProgram("thread_entry", {
      flags: [
        "-matomics",
        "-mbulk-memory",
        "-mexec-model=reactor",
        "-Wl,--import-memory,--shared-memory,--max-memory=16777216,--no-check-features",
      ],
    });
    const memory = new WebAssembly.Memory({ initial: 32, maximum: 256, shared: true });
    const out = 1_536 * 1024; // above the module's data, stack and (unused) heap
    let stdout = "";
    const handle = runGranule(
      { module, args: ["thread"], memory, entry: "square_into", entryArgs: [out, 12] },
      { onStdout: (b) => (stdout += new TextDecoder().decode(b)), onStderr: () => {} },
    );
    const started = await handle.started;
    expect(started.at).toBeGreaterThanOrEqual(handle.launchedAt);
    expect(await handle.done).toEqual({ kind: "exited", code: 0 });
    expect(new Int32Array(memory.buffer, out, 1)[0]).toBe(144);
    expect(stdout).toBe("square_into(12) wrote 144\n");
  });

  it("reports its WASI state as plain data and resumes from it", async () => {
    const first = await runProgram("args_env", {
      args: ["args_env", "kept"],
      env: { GREETING: "first run" },
    });
    const state = first.handle.finalWasiState();
    expect(state).not.toBeNull();
    const carried = parseWasiState(JSON.parse(JSON.stringify(state)));
    expect(carried).toEqual(state);
    expect(BigInt(carried.clock?.monotonicNs ?? "0")).toBeGreaterThan(0n);

    // A restored granule sees the captured argv and environment, not the launch's.
    const second = await runProgram("args_env", {
      args: ["ignored"],
      env: { GREETING: "ignored" },
      wasiState: carried,
    });
    expect(second.outcome).toEqual({ kind: "exited", code: 0 });
    expect(second.stdout).toBe(first.stdout);
  });
});

// Everything that can go wrong with a granule ends as an outcome that says what happened, and the
// parent process (this test process) carries on.

import { describe, expect, it } from "vitest";
import {
  errorFromOutcome,
  GranuleFailedError,
  GranuleTrapError,
  InvalidModuleError,
  ModuleCache,
  runGranule,
} from "../../wasm-host/mod.js";
import { compiledModuleUrl } from "../../wasm-host/worker-url.js";
import { compileProgram, runProgram } from "./run-program.js";

const ignoreOutput = { onStdout: () => {}, onStderr: () => {} };
const testProvider = compiledModuleUrl(import.meta.url, "./providers/test-provider.js").href;

describe("granule failures", () => {
  it.each([
    ["unreachable", "unreachable"],
    ["divzero", "divide by zero"],
    ["oob", "memory access out of bounds"],
  ])("reports a %s trap as trapped with V8's message", async (kind, message) => {
    const run = await runProgram("trap", { args: ["trap", kind] });
    expect(run.outcome).toEqual({ kind: "trapped", message });
    // Output written before the trap is not lost.
    expect(run.stdout).toBe(`before ${kind}\n`);
    const error = errorFromOutcome(run.outcome);
    expect(error).toBeInstanceOf(GranuleTrapError);
    expect(error?.message).toBe(message);
  });

  it("reports a shadow stack overflow as the out-of-bounds trap it causes", async () => {
    const run = await runProgram("trap", { args: ["trap", "recurse"] });
    expect(run.outcome).toEqual({ kind: "trapped", message: "memory access out of bounds" });
  });

  it("reports exhausting the engine's call stack as a trap, not a crash", async () => {
    const run = await runProgram("trap", { args: ["trap", "stack"] });
    expect(run.outcome).toMatchObject({ kind: "trapped" });
    expect(run.outcome.kind === "trapped" && run.outcome.message).toMatch(/^call stack exhausted/);
  });

  it("turns invalid bytes into an InvalidModuleError from the cache and a failed outcome from the runner", async () => {
    const garbage = new TextEncoder().encode("this is not WebAssembly at all");
    const cache = new ModuleCache();
    const rejected = await cache.compile(garbage).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(InvalidModuleError);
    expect((rejected as InvalidModuleError).message).toMatch(/is not valid WebAssembly: .*magic/);
    expect((rejected as InvalidModuleError).hash).toMatch(/^[0-9a-f]{64}$/);
    expect(cache.size).toBe(0);

    const handle = runGranule({ module: garbage, args: ["garbage"] }, ignoreOutput);
    const outcome = await handle.done;
    expect(outcome).toMatchObject({ kind: "failed", reason: "invalid-module" });
    expect(outcome.kind === "failed" && outcome.message).toMatch(/not valid WebAssembly/);
    await expect(handle.started).rejects.toThrow(/ended before its entry ran/);
    expect(errorFromOutcome(outcome)).toBeInstanceOf(InvalidModuleError);

    // The parent still runs granules afterwards.
    const after = await runProgram("hello");
    expect(after.outcome).toEqual({ kind: "exited", code: 0 });
  });

  it("fails a module that imports an unknown non-WASI function, naming it", async () => {
    const run = await runProgram("unknown_import");
    expect(run.outcome).toMatchObject({ kind: "failed", reason: "missing-import" });
    expect(run.outcome.kind === "failed" && run.outcome.message).toContain("mystery_ns.mystery_fn");
    const error = errorFromOutcome(run.outcome);
    expect(error).toBeInstanceOf(GranuleFailedError);
    expect((error as GranuleFailedError).reason).toBe("missing-import");
  });

  it("fails with bad-launch when the entry export does not exist", async () => {
    const run = await runProgram("hello", { entry: "no_such_export" });
    expect(run.outcome).toMatchObject({ kind: "failed", reason: "bad-launch" });
    expect(run.outcome.kind === "failed" && run.outcome.message).toContain('"no_such_export"');
  });

  it("fails with bad-launch when the launch holds something that cannot cross to a thread", async () => {
    const module = await compileProgram("hello");
    const handle = runGranule(
      { module, args: ["hello"], memory: new WebAssembly.Memory({ initial: 1 }) },
      ignoreOutput,
    );
    const outcome = await handle.done;
    expect(outcome).toMatchObject({ kind: "failed", reason: "bad-launch" });
    expect(outcome.kind === "failed" && outcome.message).toMatch(/could not be cloned/);
  });

  it("kills a sleeping granule promptly", async () => {
    const module = await compileProgram("sleep");
    const handle = runGranule({ module, args: ["sleep", "30"] }, ignoreOutput);
    await handle.started;
    const t0 = performance.now();
    await handle.kill();
    expect(await handle.done).toMatchObject({ kind: "failed", reason: "killed" });
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it("ends a granule whose host call exhausts the worker heap as out-of-memory", async () => {
    const run = await runProgram("provider_calls", {
      args: ["provider_calls", "hog"],
      providers: [testProvider],
      limits: { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 8 },
    });
    expect(run.outcome).toMatchObject({ kind: "failed", reason: "out-of-memory" });
    expect(run.stdout).toBe("add(2, 40) = 42\n");
  });

  it("ends a granule whose host call throws as failed (provider), with the error's message", async () => {
    const run = await runProgram("provider_calls", {
      args: ["provider_calls", "fail"],
      providers: [testProvider],
    });
    expect(run.outcome).toMatchObject({ kind: "failed", reason: "provider" });
    expect(run.outcome.kind === "failed" && run.outcome.message).toContain("the provider refuses");
  });

  it("fails with reason provider when a provider URL cannot be loaded", async () => {
    const run = await runProgram("hello", { providers: ["file:///nonexistent/provider.js"] });
    expect(run.outcome).toMatchObject({ kind: "failed", reason: "provider" });
    expect(run.outcome.kind === "failed" && run.outcome.message).toContain("/nonexistent/provider.js");
  });

  it("fails with reason host-callback when a stdout callback throws, and the parent survives", async () => {
    const module = await compileProgram("hello");
    const handle = runGranule(
      { module, args: ["hello"] },
      {
        onStdout: () => {
          throw new Error("callback broke");
        },
        onStderr: () => {},
      },
    );
    expect(await handle.done).toMatchObject({ kind: "failed", reason: "host-callback" });
  });
});

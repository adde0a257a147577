// Real clang-compiled C programs run as granules through our WASI preview 1, compared where
// their output is deterministic with a native build of the same source.

import { describe, expect, it } from "vitest";
import { compileCNative, runNative } from "../support/compile-c.js";
import { programSource, runProgram } from "./run-program.js";

async function native(name: string, args: readonly string[] = [], env: Record<string, string> = {}) {
  return runNative(await compileCNative(programSource(name)), args, env);
}

describe("WASI programs", () => {
  it("hello world writes to stdout as the native build does, and exits 0", async () => {
    const run = await runProgram("hello");
    expect(run.outcome).toEqual({ kind: "exited", code: 0 });
    expect(run.stdout).toBe("hello, granule\nline 1 of 3\nline 2 of 3\nline 3 of 3\n");
    expect(run.stdout).toBe((await native("hello")).stdout);
    // stdout looks like a terminal, so libc line-buffers it and each line streams as it is printed.
    expect(run.stdoutChunks).toBe(4);
  });

  it("passes argv and the environment, matching the native build", async () => {
    const args = ["first", "with space", "ünïcödé"];
    const env = { GREETING: "hello there", OTHER: "x=y" };
    const run = await runProgram("args_env", { args: ["args_env", ...args], env });
    expect(run.outcome).toEqual({ kind: "exited", code: 0 });
    expect(run.stdout).toContain("argv[3]=ünïcödé");
    expect(run.stdout).toContain("GREETING=hello there");
    expect(run.stdout).toContain("env: OTHER=x=y");
    expect(run.stdout).toBe((await native("args_env", args, env)).stdout);
  });

  it.each([
    ["return", 0],
    ["return", 3],
    ["exit", 0],
    ["exit", 7],
  ])("reports the exit code of %s %i like the native build, with stdout and stderr", async (how, code) => {
    const run = await runProgram("exit_code", { args: ["exit_code", how, String(code)] });
    const baseline = await native("exit_code", [how, String(code)]);
    expect(run.outcome).toEqual({ kind: "exited", code });
    expect(baseline.code).toBe(code);
    expect(run.stdout).toBe(`about to ${how} ${code}\n`);
    expect(run.stdout).toBe(baseline.stdout);
    expect(run.stderr).toBe("a line on stderr\n");
    expect(run.stderr).toBe(baseline.stderr);
  });

  it("gives a monotonic clock that never decreases and a realtime clock near Date.now()", async () => {
    const before = Date.now();
    const run = await runProgram("clocks");
    const after = Date.now();
    expect(run.outcome).toEqual({ kind: "exited", code: 0 });
    expect(run.stdout).toContain("monotonic decreased 0 times\n");
    expect(run.stdout).toContain("monotonic advanced 1\n");
    expect(run.stdout).toContain("cputime ok 1\n");
    expect(run.stdout).toContain("monotonic res ok 1\n");
    const realtime = Number(/realtime_ms (\d+)/.exec(run.stdout)?.[1]);
    expect(realtime).toBeGreaterThanOrEqual(before - 50);
    expect(realtime).toBeLessThanOrEqual(after + 50);
  });

  it("fills buffers from random_get with different, non-constant bytes", async () => {
    const run = await runProgram("random");
    expect(run.outcome).toEqual({ kind: "exited", code: 0 });
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatch(/^[0-9a-f]{128}$/);
      expect(new Set(line.match(/../g)).size).toBeGreaterThan(16);
    }
    expect(lines[0]).not.toBe(lines[1]);
  });

  it("grows memory to 64 MiB and then past 200 MiB (where node:wasi crashes) with native checksums", async () => {
    const run = await runProgram("big_memory");
    expect(run.outcome).toEqual({ kind: "exited", code: 0 });
    expect(run.stdout).toMatch(/^64 MiB checksum \d+\n200 MiB checksum \d+\n$/);
    expect(run.stdout).toBe((await native("big_memory")).stdout);
  });

  it("sleeps with usleep and nanosleep for at least the time asked", async () => {
    const started = performance.now();
    const run = await runProgram("sleep");
    expect(run.outcome).toEqual({ kind: "exited", code: 0 });
    expect(run.stdout).toBe(
      "usleep(50ms) slept enough: 1\nnanosleep(100ms) slept enough: 1\nslept less than 1s: 1\n",
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  it("answers stdio and filesystem calls as a granule without a filesystem should", async () => {
    const run = await runProgram("stdio_fs");
    expect(run.outcome).toEqual({ kind: "exited", code: 0 });
    expect(run.stdout).toBe(
      [
        "isatty(1)=1",
        "lseek(stdout)=-1 errno=ESPIPE",
        "read(stdin)=0",
        "fopen=NULL errno_set=1",
        "write(7)=-1 errno=EBADF",
        "",
      ].join("\n"),
    );
  });
});

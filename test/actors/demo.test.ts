// The README's main job: `granny demo` (what `npm run demo` runs after set-up) works as written.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const exec = promisify(execFile);

describe("the README demo", () => {
  it("runs on its own local cluster and reports every job as expected", async () => {
    const { NATS_URL: _ignored, ...env } = process.env;
    // On a failure, show what the demo printed on stdout (its "demo FAILED: ..." line says
    // which job), not only the stderr that exec's error carries.
    const { stdout } = await exec(process.execPath, ["dist/bin/granny.js", "demo"], {
      env,
      timeout: 120_000,
    }).catch((e: Error & { stdout?: string }) => {
      throw new Error(`${e.message}\n--- demo stdout ---\n${e.stdout ?? ""}`);
    });
    expect(stdout).toContain("demo finished: every job gave the expected result");
    expect(stdout).toMatch(/queued=true/);
    expect(stdout).toMatch(/cross-VM links \d+/);
  }, 150_000);
});

// Spawns test/observability/peer.ts, compiled to dist/ by `npx tsc -p .`, as a separate OS
// process, and keeps its output for assertions and failure messages.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const PEER = fileURLToPath(new URL("../../../dist/test/observability/peer.js", import.meta.url));

export class PeerProcess implements AsyncDisposable {
  stdout = "";
  stderr = "";

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.setEncoding("utf8").on("data", (t: string) => {
      this.stdout += t;
    });
    child.stderr?.setEncoding("utf8").on("data", (t: string) => {
      this.stderr += t;
    });
  }

  /** Starts the peer with `env` added to this process's environment; resolves once it serves. */
  static async start(env: Record<string, string>, timeoutMs = 15_000): Promise<PeerProcess> {
    if (!existsSync(PEER)) throw new Error(`${PEER} is missing: compile first with \`npx tsc -p .\``);
    const child = spawn(process.execPath, [PEER], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const peer = new PeerProcess(child);
    await peer.until(() => peer.stdout.includes("ready\n"), "ready", timeoutMs);
    return peer;
  }

  /** Polls the peer's output until `done()` holds, failing early if the peer exits. */
  async until(done: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`peer: no ${what} (exit ${this.child.exitCode}); stderr:\n${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** SIGTERM (the peer flushes its telemetry) and wait for the exit code. */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

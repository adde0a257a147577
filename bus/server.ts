// Launches real nats-server processes: the embedded server of `granny up` and the servers that
// tests start. A config with `port: -1` picks a free port; the server writes it to a ports file,
// which we wait for (or for an early exit, whichever comes first). stderr is kept in a ring
// buffer so a failure can say what the server said.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface NatsServerOptions {
  /** Enable JetStream (default true): lifecycle events, job output and snapshots need it. */
  readonly jetstream?: boolean;
  /** Fixed client port; default picks a free one. A restart always reuses the port it had. */
  readonly port?: number;
  /** Directory for config, ports file and JetStream store; default a fresh temporary one. */
  readonly dir?: string;
  /** Extra config lines (cluster blocks and the like). */
  readonly extraConfig?: string;
  /** Name of the binary; default `nats-server` on PATH. */
  readonly binary?: string;
  readonly startTimeoutMs?: number;
}

const LOG_LINES = 200;

export class NatsServerError extends Error {
  override name = "NatsServerError";
}

export class NatsServer implements AsyncDisposable {
  private child: ChildProcess | undefined;
  private readonly log: string[] = [];
  private ownsDir = false;
  port = 0;
  clusterPort = 0;

  private constructor(
    private readonly opts: NatsServerOptions,
    readonly dir: string,
  ) {}

  /** Starts a server and resolves once it accepts clients. */
  static async start(opts: NatsServerOptions = {}): Promise<NatsServer> {
    const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), "granny-nats-")));
    const server = new NatsServer(opts, dir);
    server.ownsDir = opts.dir === undefined;
    await server.launch(opts.port ?? -1);
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** The last lines the server wrote, for failure messages. */
  recentLog(): string {
    return this.log.join("\n");
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Stops the process (SIGTERM, then SIGKILL) but keeps the directory, so it can restart. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  }

  /** Stops and starts again on the same port, keeping JetStream data: a server restart for fault tests. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch(this.port);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
    if (this.ownsDir) await rm(this.dir, { recursive: true, force: true });
  }

  private async launch(port: number): Promise<void> {
    const portsDir = join(this.dir, "ports");
    await rm(portsDir, { recursive: true, force: true });
    const config = [
      `listen: 127.0.0.1:${port}`,
      `ports_file_dir: "${portsDir}"`,
      // Snapshots of large memories travel chunked; 8 MiB messages keep chunk counts low.
      "max_payload: 8MB",
      this.opts.jetstream === false ? "" : `jetstream { store_dir: "${join(this.dir, "js")}" }`,
      this.opts.extraConfig ?? "",
    ].join("\n");
    const configFile = join(this.dir, "nats.conf");
    await writeFile(configFile, config);
    await mkdir(portsDir, { recursive: true });

    const child = spawn(this.opts.binary ?? "nats-server", ["-c", configFile], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    this.child = child;
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (text: string) => {
      for (const line of text.split("\n")) {
        if (!line) continue;
        this.log.push(line);
        if (this.log.length > LOG_LINES) this.log.shift();
      }
    });
    const spawnError = new Promise<never>((_, reject) =>
      child.once("error", (err) =>
        reject(
          new NatsServerError(`cannot start nats-server (is it installed? run scripts/setup.sh)`, {
            cause: err,
          }),
        ),
      ),
    );
    const earlyExit = new Promise<never>((_, reject) =>
      child.once("exit", (code) =>
        reject(new NatsServerError(`nats-server exited early with code ${code}:\n${this.recentLog()}`)),
      ),
    );
    const ready = this.waitForPorts(portsDir, this.opts.startTimeoutMs ?? 10_000);
    await Promise.race([ready, spawnError, earlyExit]);
    // Once ready, an exit is no longer an error of start(); keep the promise from going unhandled.
    earlyExit.catch(() => {});
    spawnError.catch(() => {});
  }

  private async waitForPorts(portsDir: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const files = await readdir(portsDir).catch(() => [] as string[]);
      const file = files.find((f) => f.endsWith(".ports"));
      if (file) {
        const text = await readFile(join(portsDir, file), "utf8").catch(() => "");
        try {
          const ports = JSON.parse(text) as { nats?: string[]; cluster?: string[] };
          const client = ports.nats?.[0];
          if (client) {
            this.port = Number(new URL(client).port);
            const cluster = ports.cluster?.[0];
            if (cluster) this.clusterPort = Number(new URL(cluster).port);
            return;
          }
        } catch {
          // partially written; read again
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new NatsServerError(
      `nats-server did not report its ports within ${timeoutMs} ms:\n${this.recentLog()}`,
    );
  }
}

/** A three-node cluster (JetStream replicated) for fault tests. */
export class NatsCluster implements AsyncDisposable {
  private constructor(readonly servers: NatsServer[]) {}

  static async start(size = 3): Promise<NatsCluster> {
    const clusterPorts = await freePorts(size);
    const routes = clusterPorts.map((p) => `nats-route://127.0.0.1:${p}`).join(", ");
    const servers: NatsServer[] = [];
    for (let i = 0; i < size; i++) {
      servers.push(
        await NatsServer.start({
          extraConfig: [
            `server_name: n${i}`,
            `cluster { name: granny, listen: 127.0.0.1:${clusterPorts[i]}, routes: [${routes}] }`,
          ].join("\n"),
        }),
      );
    }
    return new NatsCluster(servers);
  }

  get urls(): string[] {
    return this.servers.map((s) => s.url);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all(this.servers.map((s) => s[Symbol.asyncDispose]()));
  }
}

async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  const holders = [];
  for (let i = 0; i < n; i++) {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
    const addr = srv.address();
    if (addr && typeof addr === "object") ports.push(addr.port);
    holders.push(srv);
  }
  await Promise.all(holders.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

// A whole cluster on one machine, as `granny up` and `granny run` start it: a nats-server with
// JetStream (unless NATS_URL names one), one planner process and H host processes. Each actor
// is its own OS process, as on a real fleet, so killing one is a real host failure.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Bus, connectBus, NatsServer } from "../bus/mod.js";
import { compiledModuleUrl } from "../wasm-host/mod.js";
import { clusterStatus } from "./client.js";
import type { Logger } from "./log.js";

export interface LocalClusterOptions {
  readonly hosts: number;
  readonly slots: number;
  /** Use this server instead of starting one. */
  readonly natsUrl?: string;
  readonly policy?: string;
  readonly heartbeatMs?: number;
  readonly log: Logger;
  /** Where actor processes write their logs; default inherit (this process's stderr). */
  readonly actorOutput?: "inherit" | "ignore" | "pipe";
  /** Host names; default host-1..host-H. */
  readonly hostNames?: readonly string[];
  /** Hosts started with --spot (SIGUSR2 to their process is an eviction notice). */
  readonly spotHosts?: readonly string[];
  /** Grace of a spot host's eviction notice, ms. */
  readonly noticeGraceMs?: number;
  /** A Prometheus port per actor ("planner", host names); actors not named serve none. */
  readonly metricsPorts?: Readonly<Record<string, number>>;
}

export class LocalCluster implements AsyncDisposable {
  private readonly children = new Map<string, ChildProcess>();
  private server: NatsServer | undefined;
  url = "";

  private constructor(private readonly opts: LocalClusterOptions) {}

  static async start(opts: LocalClusterOptions): Promise<LocalCluster> {
    const cluster = new LocalCluster(opts);
    try {
      await cluster.boot();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  get hostNames(): string[] {
    return this.opts.hostNames
      ? [...this.opts.hostNames]
      : Array.from({ length: this.opts.hosts }, (_, i) => `host-${i + 1}`);
  }

  /** The actor process of a host, to kill it in fault tests. */
  process(name: string): ChildProcess | undefined {
    return this.children.get(name);
  }

  async connect(name = "client"): Promise<Bus> {
    return connectBus({ url: this.url, name });
  }

  private async boot(): Promise<void> {
    if (this.opts.natsUrl) {
      this.url = this.opts.natsUrl;
    } else {
      this.server = await NatsServer.start();
      this.url = this.server.url;
      this.opts.log.info(`nats-server with JetStream on ${this.url}`);
    }
    const common = this.opts.heartbeatMs ? ["--heartbeat-ms", String(this.opts.heartbeatMs)] : [];
    this.spawnActor("planner", [
      "planner",
      ...common,
      ...(this.opts.policy ? ["--policy", this.opts.policy] : []),
    ]);
    for (const name of this.hostNames) {
      const spot = this.opts.spotHosts?.includes(name)
        ? ["--spot", ...(this.opts.noticeGraceMs ? ["--notice-grace", `${this.opts.noticeGraceMs}ms`] : [])]
        : [];
      this.spawnActor(name, ["host", "--name", name, "--slots", String(this.opts.slots), ...common, ...spot]);
    }
    await this.waitForHosts(this.hostNames.length, 30_000);
  }

  /** Starts one more host process (for tests and for growing a running cluster). */
  spawnHost(name: string, slots: number): ChildProcess {
    const common = this.opts.heartbeatMs ? ["--heartbeat-ms", String(this.opts.heartbeatMs)] : [];
    return this.spawnActor(name, ["host", "--name", name, "--slots", String(slots), ...common]);
  }

  private spawnActor(name: string, args: string[]): ChildProcess {
    const bin = fileURLToPath(compiledModuleUrl(import.meta.url, "../bin/granny.js"));
    const port = this.opts.metricsPorts?.[name];
    if (port !== undefined) args.push("--metrics-port", String(port));
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, NATS_URL: this.url },
      stdio: ["ignore", this.opts.actorOutput ?? "inherit", this.opts.actorOutput ?? "inherit"],
    });
    child.on("exit", (code, signal) => {
      if (this.children.get(name) === child) this.children.delete(name);
      if (!this.stopping) this.opts.log.warn(`${name} exited (${signal ?? `code ${code}`})`);
    });
    this.children.set(name, child);
    return child;
  }

  private stopping = false;

  async waitForHosts(count: number, timeoutMs: number): Promise<void> {
    const bus = await this.connect("local-cluster");
    try {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const alive = await clusterStatus(bus)
          .then((s) => s.hosts.filter((h) => h.alive).length)
          .catch(() => 0);
        if (alive >= count) return;
        if (Date.now() > deadline)
          throw new Error(`only ${alive} of ${count} hosts registered within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await bus.close();
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const exits = [...this.children.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
          setTimeout(() => child.kill("SIGKILL"), 5000).unref();
        }),
    );
    await Promise.all(exits);
    await this.server?.[Symbol.asyncDispose]();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

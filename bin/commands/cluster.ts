// Actor nodes and cluster inspection: `granny planner`, `granny host`, `granny up`, `granny status`.
import { hostname } from "node:os";
import { type Command, InvalidArgumentError } from "commander";
import { clusterStatus, createLogger, HostActor, LocalCluster, Planner } from "../../actors/mod.js";
import { connectBus } from "../../bus/mod.js";
import { initTelemetry, metrics, parseMetricsPort, shutdownTelemetry } from "../../observability/mod.js";
import { duration, onShutdown, positiveInt } from "./options.js";

export function clusterCommands(program: Command): void {
  program
    .command("planner")
    .description("run the planner actor against NATS_URL (one active per cluster)")
    .option("--policy <name>", "placement policy", "bin-pack")
    .option("--heartbeat-ms <ms>", "host heartbeat interval the planner expects", positiveInt, 1000)
    .option("--metrics-port <port>", METRICS_PORT_HELP, metricsPort)
    .action(async (opts: { policy: string; heartbeatMs: number; metricsPort?: number | "auto" }) => {
      await initTelemetry({ service: "planner", instance: "planner", metricsPort: opts.metricsPort });
      const log = createLogger("planner");
      const bus = await connectBus({ name: "planner" });
      metrics.observeBus(bus);
      const planner = new Planner({ bus, log, policy: opts.policy, heartbeatMs: opts.heartbeatMs });
      await planner.start();
      onShutdown(async () => {
        await planner.stop();
        await bus.close();
        await shutdownTelemetry();
      });
    });

  program
    .command("host")
    .description("run a host actor that offers S vCPU slots, against NATS_URL")
    .requiredOption("--slots <S>", "vCPU slots this host offers", positiveInt)
    .option("--name <N>", "host name (letters, digits, _ and -)", defaultHostName())
    .option(
      "--spot",
      "a spot VM: SIGUSR2 is its eviction notice (as a cloud's preemption notice would be)",
      false,
    )
    .option("--notice-grace <duration>", "grace period of a spot eviction notice", duration, 60_000)
    .option("--heartbeat-ms <ms>", "heartbeat interval", positiveInt, 1000)
    .option("--metrics-port <port>", METRICS_PORT_HELP, metricsPort)
    .action(async (opts: HostFlags) => {
      await initTelemetry({ service: "host", instance: opts.name, metricsPort: opts.metricsPort });
      const log = createLogger(opts.name);
      const bus = await connectBus({ name: `host-${opts.name}` });
      metrics.observeBus(bus);
      const host = new HostActor({
        bus,
        log,
        name: opts.name,
        slots: opts.slots,
        spot: opts.spot,
        heartbeatMs: opts.heartbeatMs,
      });
      await host.start();
      if (opts.spot) {
        // The cloud's preemption notice: the planner moves this host's granules before the grace ends.
        process.on("SIGUSR2", () => {
          log.warn(`eviction notice: ${opts.noticeGrace} ms of grace`);
          host
            .evictionNotice(opts.noticeGrace)
            .catch((err: Error) => log.error(`eviction notice: ${err.message}`));
        });
      }
      onShutdown(async () => {
        await host.stop();
        await bus.close();
        await shutdownTelemetry();
      });
    });

  program
    .command("up")
    .description(
      "start a local cluster: nats-server (unless NATS_URL is set), a planner and H hosts; Ctrl-C stops it",
    )
    .option("--hosts <H>", "number of host processes", positiveInt, 2)
    .option("--slots <S>", "slots per host", positiveInt, 4)
    .option("--policy <name>", "placement policy", "bin-pack")
    .action(async (opts: { hosts: number; slots: number; policy: string }) => {
      const log = createLogger("up");
      const cluster = await LocalCluster.start({
        hosts: opts.hosts,
        slots: opts.slots,
        policy: opts.policy,
        log,
        ...(process.env.NATS_URL ? { natsUrl: process.env.NATS_URL } : {}),
      });
      log.info(`cluster up: ${opts.hosts} hosts x ${opts.slots} slots. In another shell:`);
      log.info(`  export NATS_URL=${cluster.url}`);
      log.info("  granny submit app.wasm -n 4 --wait");
      onShutdown(() => cluster.stop());
    });

  program
    .command("status")
    .description("hosts with used and free slots, jobs with their placement and cross-VM links")
    .option("--json", "print one JSON object")
    .action(async (opts: { json?: boolean }) => {
      const bus = await connectBus({ name: "status" });
      try {
        const status = await clusterStatus(bus);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(status)}\n`);
          return;
        }
        const lines = ["HOST            SLOTS  USED  FREE  STATE"];
        for (const h of status.hosts) {
          lines.push(
            `${h.name.padEnd(15)} ${String(h.slots).padStart(5)} ${String(h.used).padStart(5)} ${String(h.alive ? h.slots - h.used : 0).padStart(5)}  ${h.alive ? "alive" : "gone"}${h.spot ? " spot" : ""}`,
          );
        }
        lines.push("", "JOB                    KIND  STATE     SIZE  LINKS  PLACEMENT");
        for (const j of status.jobs) {
          const placement = summarisePlacement(j.placement.map((p) => p.host));
          lines.push(
            `${j.id.padEnd(22)} ${j.kind.padEnd(5)} ${j.state.padEnd(9)} ${String(j.size).padStart(4)} ${String(j.crossVmLinks).padStart(6)}  ${placement}${j.exitCode !== undefined ? `  exit ${j.exitCode}` : ""}${j.error ? `  (${j.error})` : ""}`,
          );
        }
        if (status.queue.length) lines.push("", `queue: ${status.queue.join(", ")}`);
        process.stdout.write(`${lines.join("\n")}\n`);
      } finally {
        await bus.close();
      }
    });
}

/** "host-1x3 host-2x1": how many granules of a job sit on each host. */
function summarisePlacement(hosts: string[]): string {
  const counts = new Map<string, number>();
  for (const h of hosts) counts.set(h, (counts.get(h) ?? 0) + 1);
  return [...counts].map(([h, n]) => `${h}x${n}`).join(" ") || "-";
}

function defaultHostName(): string {
  return (
    hostname()
      .replace(/[^A-Za-z0-9_-]/g, "-")
      .slice(0, 64) || "host"
  );
}

const METRICS_PORT_HELP = "Prometheus scrape port: a port, auto, or 0 for none (default GRANNY_METRICS_PORT)";

function metricsPort(value: string): number | "auto" {
  try {
    return parseMetricsPort(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

interface HostFlags {
  readonly slots: number;
  readonly name: string;
  readonly spot: boolean;
  readonly noticeGrace: number;
  readonly heartbeatMs: number;
  readonly metricsPort?: number | "auto";
}

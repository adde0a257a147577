// One migration, three actor processes, one trace: this process plays the planner, two peer
// processes play the source and target hosts, all joined through a real nats-server. Their
// exporters send OTLP/HTTP to a real receiver here. The planner's and the source host's
// Prometheus endpoints are scraped while the "cluster" runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bus, connectBus, message } from "../../bus/mod.js";
import {
  ATTR,
  flushTelemetry,
  inContext,
  initTelemetry,
  METRIC,
  metrics,
  SPAN,
  type SpanHandle,
  shutdownTelemetry,
  startSpan,
  type TelemetryStatus,
} from "../../observability/mod.js";
import { useNatsServer } from "../support/nats.js";
import { OtlpReceiver, type ReceivedSpan } from "./support/otlp-receiver.js";
import { PeerProcess } from "./support/peer-process.js";

const nats = useNatsServer();
let receiver: OtlpReceiver;
let source: PeerProcess;
let target: PeerProcess;
let bus: Bus;
let status: TelemetryStatus;
let migrationTraceId = "";

const SOURCE = "test.observability.source";
const TARGET = "test.observability.target";

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  const otel = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    // Export within a tick of each span's end, and metrics every 200 ms, to keep the test short.
    OTEL_BSP_SCHEDULE_DELAY: "50",
    OTEL_METRIC_EXPORT_INTERVAL: "200",
    GRANNY_METRICS_HOST: "127.0.0.1",
  };
  Object.assign(process.env, otel);
  status = await initTelemetry({
    service: "planner",
    instance: "planner",
    metricsPort: "auto",
    log: () => {},
  });
  bus = await connectBus({ url: nats.server.url, name: "planner" });
  metrics.observeBus(bus);
  metrics.observe(() => ({ vcpusUsed: 2, vcpusIdle: 6, crossVmLinks: 1, queueLength: 0 }));
  const common = { ...otel, NATS_URL: nats.server.url };
  [target, source] = await Promise.all([
    PeerProcess.start({ ...common, PEER_ROLE: "target", PEER_SUBJECT: TARGET }),
    PeerProcess.start({
      ...common,
      PEER_ROLE: "source",
      PEER_SUBJECT: SOURCE,
      PEER_NEXT: TARGET,
      GRANNY_METRICS_PORT: "auto",
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  await bus?.close();
  await shutdownTelemetry();
  await receiver?.[Symbol.asyncDispose]();
});

/**
 * Runs one "migration" as the planner does: a root span of its own, linked to the job's span,
 * whose context rides the bus request, ended when the last granule has moved.
 */
async function migrate(): Promise<{ job: SpanHandle; plan: SpanHandle }> {
  const job = startSpan(SPAN.job, { attributes: { [ATTR.jobId]: "job-1" } });
  const plan = inContext(job, () =>
    startSpan(SPAN.migration, {
      root: true,
      links: [job],
      attributes: { [ATTR.jobId]: "job-1", [ATTR.sourceHost]: "host-source" },
    }),
  );
  await inContext(plan, () => bus.request(SOURCE, message("status_request", {}), ["granny.v1.ack"]));
  plan.end({ [ATTR.pauseMs]: 42 });
  metrics.recordMigration({ pauseMs: 42, reason: "compact" });
  job.end();
  return { job, plan };
}

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

describe("tracing across actor processes", () => {
  it("turns tracing and both metric paths on from the OTEL_* environment", () => {
    expect(status.tracing).toBe(true);
    expect(status.otlpMetrics).toBe(true);
    expect(status.metricsPort).toBeGreaterThan(0);
  });

  it("gives one migration one trace: planner -> source host (snapshot, transfer) -> target host (restore)", async () => {
    const { job, plan } = await migrate();
    migrationTraceId = plan.traceId ?? "";
    expect(migrationTraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(job.traceId).not.toBe(migrationTraceId);
    await flushTelemetry();
    const names = [SPAN.migration, SPAN.migrationSnapshot, SPAN.migrationTransfer, SPAN.migrationRestore];
    await receiver.waitFor(
      () => names.every((n) => receiver.spans.some((s) => s.name === n)),
      "spans of the migration from all three processes",
    );
    expect(receiver.malformed).toEqual([]);

    const byName = (name: string): ReceivedSpan => {
      const found = receiver.spans.filter((s) => s.name === name);
      expect(found, name).toHaveLength(1);
      return found[0] as ReceivedSpan;
    };
    const migration = byName(SPAN.migration);
    const snapshot = byName(SPAN.migrationSnapshot);
    const transfer = byName(SPAN.migrationTransfer);
    const restore = byName(SPAN.migrationRestore);

    for (const s of [migration, snapshot, transfer, restore]) expect(s.traceId).toBe(migrationTraceId);
    expect(migration.parentSpanId).toBe("");
    expect(snapshot.parentSpanId).toBe(migration.spanId);
    expect(transfer.parentSpanId).toBe(migration.spanId);
    expect(restore.parentSpanId).toBe(transfer.spanId);

    expect(migration.service).toBe("granny-planner");
    expect([snapshot.instance, transfer.instance]).toEqual(["host-source", "host-source"]);
    expect(snapshot.service).toBe("granny-host");
    expect(restore.service).toBe("granny-host");
    expect(restore.instance).toBe("host-target");
    expect(migration.attributes[ATTR.jobId]).toBe("job-1");
    expect(restore.attributes[ATTR.granule]).toBe(1);

    expect(migration.attributes[ATTR.pauseMs]).toBe(42);

    // The migration is a trace of its own, linked to the job's (which stays in its own trace).
    await receiver.waitFor(() => receiver.spans.some((s) => s.name === SPAN.job), "job span");
    const jobSpan = byName(SPAN.job);
    expect(jobSpan.traceId).not.toBe(migrationTraceId);
    expect(migration.links).toEqual([
      expect.objectContaining({ traceId: jobSpan.traceId, spanId: jobSpan.spanId }),
    ]);
  });

  it("counts the migration on the planner's Prometheus endpoint while the cluster runs", async () => {
    const text = await scrape(status.metricsPort ?? 0);
    expect(text).toMatch(/^granny_migrations_total\{reason="compact"\} 1$/m);
    expect(text).toMatch(/^granny_migration_pause_count\{reason="compact"\} 1$/m);
    expect(text).toMatch(/^granny_migration_pause_sum\{reason="compact"\} 0.042$/m);
    expect(text).toMatch(/^granny_migration_pause_bucket\{reason="compact",le="0.05"\} 1$/m);
    expect(text).toMatch(/^granny_migration_pause_bucket\{reason="compact",le="0.02"\} 0$/m);
    expect(text).toMatch(/^granny_vcpus\{state="used"\} 2$/m);
    expect(text).toMatch(/^granny_vcpus\{state="idle"\} 6$/m);
    expect(text).toMatch(/^granny_cross_vm_links 1$/m);
    expect(text).toMatch(/^granny_queue_length 0$/m);
    const out = Number(/^granny_bus_messages_total\{direction="out"\} (\d+)/m.exec(text)?.[1]);
    expect(out).toBeGreaterThanOrEqual(1);
  });

  it("serves a host's metrics on the port GRANNY_METRICS_PORT=auto chose and printed", async () => {
    const printed = /metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(source.stderr);
    expect(printed, source.stderr).not.toBeNull();
    const text = await scrape(Number(printed?.[1]));
    expect(text).toMatch(/^granny_granules\{state="atBarrier"\} 1$/m);
    expect(text).toMatch(/^granny_vcpus\{state="used"\} 1$/m);
    // The source received the planner's request and sent one to the target.
    const received = Number(/^granny_bus_messages_total\{direction="in"\} (\d+)/m.exec(text)?.[1]);
    expect(received).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^target_info\{service_name="granny-host",service_instance_id="host-source"/m);
  });

  it("pushes the same metrics by OTLP", async () => {
    await flushTelemetry();
    await receiver.waitFor(
      () => receiver.points.some((p) => p.metric === METRIC.migrations && p.service === "granny-planner"),
      "migration counter over OTLP",
    );
    const counted = receiver.points.filter((p) => p.metric === METRIC.migrations);
    expect(counted.at(-1)?.value).toBe(1);
    expect(counted.at(-1)?.attributes.reason).toBe("compact");
    await receiver.waitFor(
      () => receiver.points.some((p) => p.metric === METRIC.granules && p.service === "granny-host"),
      "a host's granule gauge over OTLP",
    );
  });
});

// Issue 8's end-to-end checks on a real cluster: one migration gives one trace with spans from
// the planner and both host processes, in the right parent/child order, exported by OTLP to a
// real HTTP receiver; and the planner's Prometheus endpoint counts the migration while it runs.
import { mkdtemp, readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  clusterStatus,
  createLogger,
  followEvents,
  LocalCluster,
  migrateGranule,
  submitJob,
  waitJob,
} from "../../actors/mod.js";
import { compileMpi } from "../../wasm-host/mod.js";
import { OtlpReceiver } from "./support/otlp-receiver.js";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe("tracing and metrics of a migration across host processes", () => {
  it("gives one trace with planner and both hosts' spans, and counts the migration", async () => {
    const dir = await mkdtemp(join(tmpdir(), "granny-trace-test-"));
    await compileMpi({ sources: ["examples/mpi/timesteps.c"], output: join(dir, "t.wasm") });
    const module = new Uint8Array(await readFile(join(dir, "t.wasm")));
    await using receiver = await OtlpReceiver.start();
    const saved = { ...process.env };
    Object.assign(process.env, {
      GRANNY_LOG: "warn",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: "200",
      OTEL_METRIC_EXPORT_INTERVAL: "1000",
    });
    const plannerPort = await freePort();
    try {
      await using cluster = await LocalCluster.start({
        hosts: 2,
        slots: 4,
        heartbeatMs: 250,
        log: createLogger("test", "warn"),
        metricsPorts: { planner: plannerPort },
      });
      const bus = await cluster.connect("test");
      try {
        const { jobId } = await submitJob(bus, { module, name: "t.wasm", size: 4, args: ["800", "4000"] });
        const done = waitJob(bus, jobId);
        const placement = (await clusterStatus(bus)).jobs.find((j) => j.id === jobId)?.placement ?? [];
        const from = placement[1]?.host as string;
        const to = from === "host-1" ? "host-2" : "host-1";
        await migrateGranule(bus, jobId, 1, to);
        // Follow the events until the migration is done.
        const abort = new AbortController();
        await followEvents(bus, { jobId, follow: true, signal: abort.signal }, (e) => {
          if (e.type === "granny.v1.job_event" && ["migrated", "finished", "failed"].includes(e.event))
            abort.abort();
        });
        const scrape = await (await fetch(`http://127.0.0.1:${plannerPort}/metrics`)).text();
        expect(scrape).toMatch(/^granny_migrations_total\{reason="operator"\} 1$/m);
        expect(await done).toEqual({ state: "finished", exitCode: 0 });

        await receiver.waitFor(
          () => receiver.spans.some((s) => s.name === "migration.restore"),
          "the restore span of the migration",
          15_000,
        );
        await receiver.waitFor(
          () => receiver.spans.some((s) => s.name === "migration"),
          "the migration span",
          15_000,
        );
        const root = receiver.spans.find((s) => s.name === "migration");
        if (!root) throw new Error("no migration span");
        const trace = receiver.spans.filter((s) => s.traceId === root.traceId);
        const byName = (name: string) => trace.find((s) => s.name === name);
        const snapshot = byName("migration.snapshot");
        const transfer = byName("migration.transfer");
        const restore = byName("migration.restore");
        expect(root.parentSpanId).toBe("");
        expect(root.service).toBe("granny-planner");
        expect(snapshot?.parentSpanId).toBe(root.spanId);
        expect(transfer?.parentSpanId).toBe(root.spanId);
        expect(restore?.parentSpanId).toBe(transfer?.spanId);
        expect(snapshot?.instance).toBe(from);
        expect(transfer?.instance).toBe(from);
        expect(restore?.instance).toBe(to);
        expect(new Set(trace.map((s) => s.instance))).toEqual(new Set(["planner", from, to]));
      } finally {
        await bus.close();
      }
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  }, 120_000);
});

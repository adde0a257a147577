// With no OTEL_* endpoint and no metrics port, telemetry must register nothing and cost nothing:
// the helpers call straight through, the bus's trace headers stay empty, metrics are dropped.
// And with a collector that is not there, the observed program must not notice.
import { createServer } from "node:net";
import { propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import {
  currentTraceId,
  inContext,
  initTelemetry,
  metrics,
  shutdownTelemetry,
  startSpan,
  tracingEnabled,
  untraced,
  withSpan,
} from "../../observability/mod.js";

const OTEL_VARS = Object.keys(process.env).filter(
  (k) => k.startsWith("OTEL_") || k.startsWith("GRANNY_METRICS"),
);
for (const k of OTEL_VARS) delete process.env[k];

function injectedHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  // A valid span context: only a registered propagator would write it into the headers.
  const ctx = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: "0af7651916cd43dd8448eb211c80319c",
    spanId: "b7ad6b7169203331",
    traceFlags: 1,
  });
  propagation.inject(ctx, carrier);
  return carrier;
}

describe("telemetry off", () => {
  it("switches nothing on when no variable asks for it", async () => {
    const status = await initTelemetry({ service: "host", instance: "host-1", log: () => {} });
    expect(status).toEqual({ tracing: false, otlpMetrics: false });
    expect(tracingEnabled()).toBe(false);
    expect(metrics.enabled).toBe(false);
    expect(propagation.fields()).toEqual([]);
    expect(injectedHeaders()).toEqual({});
    await shutdownTelemetry();
  });

  it("withSpan calls straight through: same value, same promise object, the caller's own error", async () => {
    expect(withSpan("x", { a: 1 }, () => 7)).toBe(7);
    const promise = Promise.resolve("done");
    expect(withSpan("x", () => promise)).toBe(promise);
    const boom = new Error("the program's own failure");
    expect(() =>
      withSpan("x", () => {
        throw boom;
      }),
    ).toThrow(boom);
    await expect(withSpan("x", () => Promise.reject(boom))).rejects.toBe(boom);
    let span: unknown;
    withSpan("x", (s) => {
      span = s;
      expect(s.traceId).toBeUndefined();
      expect(currentTraceId()).toBeUndefined();
    });
    expect(span).toBe(startSpan("y"));
  });

  it("startSpan gives a handle whose every method does nothing and throws nothing", () => {
    const span = startSpan("granule.run", { attributes: { k: "v" }, root: true });
    expect(() => {
      span.setAttributes({ a: 1 });
      span.event("lifecycle", { to: "running" });
      span.fail(new Error("trap"));
      span.fail("not even an error");
      span.end({ b: 2 });
      span.end();
    }).not.toThrow();
    expect(span.traceId).toBeUndefined();
    expect(trace.getSpan(span.context)).toBeUndefined();
    expect(inContext(span, () => 5)).toBe(5);
    expect(untraced(() => 9)).toBe(9);
  });

  it("drops metrics without calling the samplers", () => {
    let sampled = 0;
    const stop = metrics.observe(() => {
      sampled++;
      return { vcpusUsed: 1 };
    });
    expect(() => metrics.recordMigration({ pauseMs: 10, reason: "spot" })).not.toThrow();
    stop();
    expect(sampled).toBe(0);
  });
});

describe("a collector that is not there", () => {
  it("does not break the program: spans run, the shutdown resolves, and afterwards all is off again", async () => {
    const port = await closedPort();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
    process.env.OTEL_BSP_SCHEDULE_DELAY = "10";
    try {
      // Two callers at once start it once and see the same result.
      const [status, again] = await Promise.all([
        initTelemetry({ service: "planner", instance: "planner", log: () => {} }),
        initTelemetry({ service: "planner", instance: "planner", log: () => {} }),
      ]);
      expect(status.tracing).toBe(true);
      expect(again).toBe(status);
      const traceId = await withSpan("job", async (span) => {
        await new Promise((r) => setTimeout(r, 30)); // let the exporter try, and fail
        return span.traceId;
      });
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      const started = Date.now();
      await expect(shutdownTelemetry()).resolves.toBeUndefined();
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(tracingEnabled()).toBe(false);
      expect(propagation.fields()).toEqual([]);
      expect(withSpan("after", (s) => s.traceId)).toBeUndefined();
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      delete process.env.OTEL_BSP_SCHEDULE_DELAY;
    }
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const address = srv.address();
  await new Promise((r) => srv.close(r));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

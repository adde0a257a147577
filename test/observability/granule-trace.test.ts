// A granule's spans follow its lifecycle: granule.run with each transition as an event, one
// granule.barrier child per wait at a control point, and an end that says how it ended.
// Exported for real to an OTLP/HTTP receiver in this process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ATTR,
  flushTelemetry,
  GranuleTrace,
  inContext,
  initTelemetry,
  SPAN,
  shutdownTelemetry,
  startSpan,
  untraced,
} from "../../observability/mod.js";
import { OtlpReceiver, type ReceivedSpan } from "./support/otlp-receiver.js";

let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${receiver.endpoint}/v1/traces`;
  process.env.OTEL_BSP_SCHEDULE_DELAY = "20";
  const status = await initTelemetry({ service: "host", instance: "host-1", log: () => {} });
  expect(status).toEqual({ tracing: true, otlpMetrics: false });
});

afterAll(async () => {
  await shutdownTelemetry();
  await receiver?.[Symbol.asyncDispose]();
});

async function spansOf(granule: number, count: number): Promise<ReceivedSpan[]> {
  await flushTelemetry();
  const mine = () => receiver.spans.filter((s) => s.attributes[ATTR.granule] === granule);
  await receiver.waitFor(() => mine().length >= count, `${count} spans of granule ${granule}`);
  return mine();
}

describe("GranuleTrace", () => {
  it("records a run with two barriers as granule.run with two granule.barrier children and every transition", async () => {
    const place = startSpan(SPAN.jobPlace);
    const g = new GranuleTrace({ jobId: "job-7", granule: 0, host: "host-1" }, place);
    g.transition("created", "loading", "LOAD");
    g.transition("loading", "running", "STARTED");
    g.transition("running", "atBarrier", "CONTROL_POINT");
    g.transition("atBarrier", "running", "RELEASE");
    g.transition("running", "atBarrier", "CONTROL_POINT");
    g.transition("atBarrier", "running", "RELEASE");
    g.transition("running", "finished", "EXIT");
    g.end({ exitCode: 3 });
    place.end();

    const spans = await spansOf(0, 3);
    const run = spans.find((s) => s.name === SPAN.granuleRun) as ReceivedSpan;
    const barriers = spans.filter((s) => s.name === SPAN.granuleBarrier);
    expect(run.traceId).toBe(place.traceId);
    expect(run.attributes).toMatchObject({
      [ATTR.jobId]: "job-7",
      [ATTR.host]: "host-1",
      [ATTR.outcome]: "exited",
      [ATTR.exitCode]: 3,
    });
    expect(run.statusCode).not.toBe(2);
    expect(run.events.map((e) => `${e.attributes.from}->${e.attributes.to}`)).toEqual([
      "created->loading",
      "loading->running",
      "running->atBarrier",
      "atBarrier->running",
      "running->atBarrier",
      "atBarrier->running",
      "running->finished",
    ]);
    expect(barriers).toHaveLength(2);
    for (const b of barriers) {
      expect(b.parentSpanId).toBe(run.spanId);
      expect(b.attributes[ATTR.state]).toBe("running");
    }
  });

  it("marks a trapped granule's run failed and closes the barrier it died in", async () => {
    const g = new GranuleTrace({ jobId: "job-7", granule: 1, host: "host-1" });
    g.transition("running", "atBarrier", "CONTROL_POINT");
    g.end({ outcome: "trapped", reason: "unreachable" });

    const spans = await spansOf(1, 2);
    const run = spans.find((s) => s.name === SPAN.granuleRun) as ReceivedSpan;
    expect(run.statusCode).toBe(2); // STATUS_CODE_ERROR
    expect(run.attributes).toMatchObject({ [ATTR.outcome]: "trapped", [ATTR.reason]: "unreachable" });
    expect(run.events.some((e) => e.name === "exception")).toBe(true);
    expect(spans.filter((s) => s.name === SPAN.granuleBarrier)).toHaveLength(1);
  });

  it("ends a granule that migrated away without marking it failed", async () => {
    const g = new GranuleTrace({ jobId: "job-7", granule: 2, host: "host-1" });
    g.transition("atBarrier", "snapshotting", "MIGRATE");
    g.transition("snapshotting", "migrating", "SNAPSHOT_TAKEN");
    g.end({ outcome: "migrated" });
    const [run] = await spansOf(2, 1);
    expect(run?.statusCode).not.toBe(2);
    expect(run?.attributes[ATTR.outcome]).toBe("migrated");
  });

  it("leaves the creating request's trace behind for work started untraced", async () => {
    const place = startSpan(SPAN.jobPlace);
    const inside = inContext(place, () => startSpan("inside", { attributes: { [ATTR.granule]: 3 } }));
    const outside = inContext(place, () =>
      untraced(() => startSpan("outside", { attributes: { [ATTR.granule]: 3 } })),
    );
    inside.end();
    outside.end();
    place.end();
    const spans = await spansOf(3, 2);
    expect(spans.find((s) => s.name === "inside")?.traceId).toBe(place.traceId);
    const out = spans.find((s) => s.name === "outside");
    expect(out?.traceId).not.toBe(place.traceId);
    expect(out?.parentSpanId).toBe("");
  });
});

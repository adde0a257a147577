// The rules that decide what initTelemetry switches on, from the environment alone.
import { describe, expect, it } from "vitest";
import { parseMetricsPort, planTelemetry } from "../../observability/mod.js";

const host = { service: "host", instance: "host-1" } as const;

describe("planTelemetry", () => {
  it("switches nothing on without an endpoint, an exporter or a port", () => {
    const plan = planTelemetry(host, {});
    expect(plan).toMatchObject({ tracesExporter: "none", otlpMetrics: false, metricsPort: undefined });
    expect(plan.serviceName).toBe("granny-host");
  });

  it("exports traces and metrics by OTLP once OTEL_EXPORTER_OTLP_ENDPOINT is set", () => {
    const plan = planTelemetry(host, { OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4318" });
    expect(plan).toMatchObject({ tracesExporter: "otlp", otlpMetrics: true });
  });

  it("follows the signal-specific endpoints and exporter names", () => {
    expect(planTelemetry(host, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://x/v1/traces" })).toMatchObject({
      tracesExporter: "otlp",
      otlpMetrics: false,
    });
    expect(
      planTelemetry(host, { OTEL_EXPORTER_OTLP_ENDPOINT: "http://x", OTEL_TRACES_EXPORTER: "none" }),
    ).toMatchObject({ tracesExporter: "none", otlpMetrics: true });
    expect(planTelemetry(host, { OTEL_TRACES_EXPORTER: "console" }).tracesExporter).toBe("console");
    expect(planTelemetry(host, { OTEL_METRICS_EXPORTER: "prometheus" }).metricsPort).toBe(9464);
  });

  it("turns everything OTLP off with OTEL_SDK_DISABLED=true, but keeps an asked-for scrape port", () => {
    const plan = planTelemetry(host, {
      OTEL_SDK_DISABLED: "true",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://x",
      GRANNY_METRICS_PORT: "9100",
    });
    expect(plan).toMatchObject({ tracesExporter: "none", otlpMetrics: false, metricsPort: 9100 });
  });

  it("reads the metrics port from the option first, then GRANNY_METRICS_PORT; 0 is off, auto any free port", () => {
    expect(planTelemetry({ ...host, metricsPort: 9200 }, { GRANNY_METRICS_PORT: "9100" }).metricsPort).toBe(
      9200,
    );
    expect(
      planTelemetry({ ...host, metricsPort: 0 }, { GRANNY_METRICS_PORT: "9100" }).metricsPort,
    ).toBeUndefined();
    expect(planTelemetry(host, { GRANNY_METRICS_PORT: "0" }).metricsPort).toBeUndefined();
    expect(planTelemetry(host, { GRANNY_METRICS_PORT: "auto" }).metricsPort).toBe(0);
    expect(planTelemetry({ ...host, metricsPort: "auto" }, {}).metricsPort).toBe(0);
  });

  it("ignores a port it cannot use, and says so instead of failing the actor", () => {
    const plan = planTelemetry(host, { GRANNY_METRICS_PORT: "http" });
    expect(plan.metricsPort).toBeUndefined();
    expect(plan.warnings).toEqual(["GRANNY_METRICS_PORT=http is not a port (1-65535, 0 for off, or auto)"]);
  });

  it("lets OTEL_SERVICE_NAME override the actor's service name", () => {
    expect(planTelemetry(host, { OTEL_SERVICE_NAME: "fleet-a" }).serviceName).toBe("fleet-a");
  });
});

describe("parseMetricsPort", () => {
  it("takes a port, 0 or auto, and refuses anything else with a message for the command line", () => {
    expect(parseMetricsPort("9464")).toBe(9464);
    expect(parseMetricsPort("0")).toBe(0);
    expect(parseMetricsPort("auto")).toBe("auto");
    expect(() => parseMetricsPort("70000")).toThrow(/--metrics-port must be a port/);
    expect(() => parseMetricsPort("x")).toThrow(RangeError);
  });
});

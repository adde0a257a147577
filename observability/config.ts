// Reads the standard OTEL_* variables (and our GRANNY_METRICS_*) into a plan of what to switch
// on. Pure, so the rules are tested without starting anything. The rule that matters most: with
// no endpoint and no exporter named, nothing is switched on, so telemetry costs nothing.
import type { ActorKind, TelemetryOptions } from "./types.js";

export interface TelemetryPlan {
  readonly serviceName: string;
  readonly tracesExporter: "otlp" | "console" | "none";
  readonly otlpMetrics: boolean;
  readonly metricExportIntervalMs: number;
  /** Prometheus endpoint port (`0` asks the OS for a free one), or undefined for none. */
  readonly metricsPort: number | undefined;
  readonly metricsHost: string;
  /** Settings that were not understood and were ignored; printed once, never thrown. */
  readonly warnings: readonly string[];
}

/** Port the OpenTelemetry spec gives Prometheus exporters when none is named. */
const PROMETHEUS_DEFAULT_PORT = 9464;
const DEFAULT_EXPORT_INTERVAL_MS = 60_000;

export function planTelemetry(opts: TelemetryOptions, env: NodeJS.ProcessEnv): TelemetryPlan {
  const warnings: string[] = [];
  const sdkDisabled = isTrue(env.OTEL_SDK_DISABLED);
  const endpoint = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT);

  const traces = exporterList(env.OTEL_TRACES_EXPORTER);
  let tracesExporter: TelemetryPlan["tracesExporter"] = "none";
  if (!sdkDisabled) {
    if (traces.length === 0) {
      // The spec's default is otlp to localhost, but a runtime that exports whenever it starts
      // would cost every user; we export only when an endpoint says where to.
      if (endpoint || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) tracesExporter = "otlp";
    } else if (traces.includes("otlp")) tracesExporter = "otlp";
    else if (traces.includes("console")) tracesExporter = "console";
    else if (!traces.includes("none")) warnings.push(`OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER}`);
  }

  const metricsExporters = exporterList(env.OTEL_METRICS_EXPORTER);
  const otlpMetrics =
    !sdkDisabled &&
    (metricsExporters.length === 0
      ? endpoint || Boolean(env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT)
      : metricsExporters.includes("otlp"));

  let metricsPort = portFrom(opts.metricsPort, "--metrics-port", warnings);
  if (opts.metricsPort === undefined) {
    metricsPort = portFrom(env.GRANNY_METRICS_PORT, "GRANNY_METRICS_PORT", warnings);
    if (metricsPort === undefined && metricsExporters.includes("prometheus")) {
      metricsPort =
        portFrom(env.OTEL_EXPORTER_PROMETHEUS_PORT, "OTEL_EXPORTER_PROMETHEUS_PORT", warnings) ??
        PROMETHEUS_DEFAULT_PORT;
    }
  }

  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
  return {
    serviceName: env.OTEL_SERVICE_NAME || defaultServiceName(opts.service),
    tracesExporter,
    otlpMetrics,
    metricExportIntervalMs: Number.isFinite(interval) && interval > 0 ? interval : DEFAULT_EXPORT_INTERVAL_MS,
    metricsPort,
    metricsHost: env.GRANNY_METRICS_HOST || env.OTEL_EXPORTER_PROMETHEUS_HOST || "0.0.0.0",
    warnings,
  };
}

/**
 * Parses a `--metrics-port` argument: a port, `auto`, or 0 for off. Throws a RangeError with a
 * message fit for the command line, for the CLI to report (unlike the environment, which is
 * only warned about, a flag the user just typed should be refused).
 */
export function parseMetricsPort(text: string): number | "auto" {
  if (text === "auto") return "auto";
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`--metrics-port must be a port (1-65535), 0 for off, or auto; not ${text}`);
  }
  return port;
}

export function defaultServiceName(service: ActorKind): string {
  return `granny-${service}`;
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === "true";
}

function exporterList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
}

/** `auto` -> 0 (any free port); a positive integer -> itself; 0, empty or absent -> none. */
function portFrom(value: number | string | undefined, what: string, warnings: string[]): number | undefined {
  if (value === undefined || value === "" || value === 0 || value === "0") return undefined;
  if (value === "auto") return 0;
  const port = typeof value === "number" ? value : Number(value);
  if (Number.isInteger(port) && port > 0 && port < 65536) return port;
  warnings.push(`${what}=${value} is not a port (1-65535, 0 for off, or auto)`);
  return undefined;
}

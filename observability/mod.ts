// The observability room's public surface: tracing and metrics for actor processes. Other rooms
// import only this file. See docs/observability.md for the variables, names and a walk-through.

export type { TelemetryPlan } from "./config.js";
export { parseMetricsPort, planTelemetry } from "./config.js";
export { type GranuleEnding, type GranuleIdentity, GranuleTrace } from "./granule-trace.js";
export { GrannyMetrics, metrics } from "./metrics.js";
export { ATTR, METRIC, SPAN, type SpanName } from "./names.js";
export { METRICS_PATH } from "./prometheus-server.js";
export { flushTelemetry, initTelemetry, meterProvider, shutdownTelemetry } from "./telemetry.js";
export {
  captureContext,
  currentTraceId,
  inContext,
  startSpan,
  tracingEnabled,
  untraced,
  withSpan,
} from "./tracing.js";
export type {
  ActorKind,
  GaugeSample,
  MigrationRecord,
  SpanAttributes,
  SpanHandle,
  StartSpanOptions,
  TelemetryOptions,
  TelemetryStatus,
} from "./types.js";

// Public types of the observability room: what an actor passes in and gets back.
import type { Attributes, Context } from "@opentelemetry/api";
import type { GranuleState } from "../bus/mod.js";

/** Which actor this process is; becomes the `granny.actor` resource attribute. */
export type ActorKind = "planner" | "host" | "client" | "bench" | "test";

export interface TelemetryOptions {
  readonly service: ActorKind;
  /** This node's name (the host name, `planner`): the `service.instance.id` resource attribute. */
  readonly instance: string;
  /**
   * Prometheus scrape port: a number, `"auto"` (a free port, printed), or 0 / undefined for
   * GRANNY_METRICS_PORT (and off when that is unset or 0).
   */
  readonly metricsPort?: number | "auto";
  /** Where the chosen metrics address is printed; default a line on stderr. */
  readonly log?: (line: string) => void;
}

/** What initTelemetry switched on. */
export interface TelemetryStatus {
  readonly tracing: boolean;
  /** Port of the Prometheus endpoint (`http://host:port/metrics`), when it serves one. */
  readonly metricsPort?: number;
  /** Whether metrics are also pushed by OTLP. */
  readonly otlpMetrics: boolean;
}

export type SpanAttributes = Attributes;

/**
 * A span the caller ends. With tracing off every method is a no-op and `context` is the active
 * context, so code that uses a handle needs no `if (tracing)`.
 */
export interface SpanHandle {
  /** The context carrying this span: parent later spans with it, or run code in it. */
  readonly context: Context;
  /** Hex trace id, or undefined when tracing is off (for log lines users paste into Jaeger). */
  readonly traceId: string | undefined;
  setAttributes(attributes: SpanAttributes): void;
  /** A timestamped event inside the span (a lifecycle transition, a retry). */
  event(name: string, attributes?: SpanAttributes): void;
  /** Marks the span failed with this error (recorded as an exception); does not end it. */
  fail(error: unknown): void;
  /** Ends the span; later calls are ignored. */
  end(attributes?: SpanAttributes): void;
}

export interface StartSpanOptions {
  /** Parent: a context (a bus Delivery's `trace`) or a handle; default the active context. */
  readonly parent?: Context | SpanHandle;
  /** Start a new trace instead of joining the parent (long jobs: one trace per migration). */
  readonly root?: boolean;
  /** Spans this one relates to without being their child (a migration links to its job). */
  readonly links?: readonly SpanHandle[];
  readonly attributes?: SpanAttributes;
}

/**
 * Values that describe the current state of an actor, read when metrics are collected. Each
 * field is optional: the planner knows the cluster's vCPUs and queue, a host its own granules.
 */
export interface GaugeSample {
  readonly vcpusUsed?: number;
  readonly vcpusIdle?: number;
  /** Cross-VM links of all running jobs (Σ over jobs of Σ_h n_h·(N − n_h) / 2). */
  readonly crossVmLinks?: number;
  readonly queueLength?: number;
  /** Granules per lifecycle state; states left out count as 0. */
  readonly granules?: Partial<Record<GranuleState, number>>;
}

export interface MigrationRecord {
  /** How long the moved granules were paused: from the barrier to their release, in ms. */
  readonly pauseMs: number;
  /** Why the planner moved them: `compact`, `spot`, ... (a label: keep the set small). */
  readonly reason?: string;
}

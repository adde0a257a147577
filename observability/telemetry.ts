// Switching telemetry on and off for one actor process. initTelemetry reads the OTEL_* variables
// and GRANNY_METRICS_PORT and sets up only what they ask for: with none set it registers
// nothing, so the bus's inject/extract and our span helpers stay no-ops. A failure here is
// printed and leaves the actor running without telemetry; it is never thrown.
import {
  type MeterProvider as ApiMeterProvider,
  context,
  DiagConsoleLogger,
  DiagLogLevel,
  diag,
  propagation,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import {
  detectResources,
  envDetector,
  type Resource,
  resourceFromAttributes,
} from "@opentelemetry/resources";
import { MeterProvider, type MetricReader, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-node";
import { defaultServiceName, planTelemetry } from "./config.js";
import { metrics } from "./metrics.js";
import { METRICS_PATH, PrometheusEndpoint } from "./prometheus-server.js";
import { setTracer } from "./tracing.js";
import type { TelemetryOptions, TelemetryStatus } from "./types.js";

const TRACER_NAME = "granny";
/**
 * Longest a shutdown waits for the last exports: an actor that is stopping must stop, and a
 * local cluster SIGKILLs its actors 5 s after asking them to stop.
 */
const SHUTDOWN_TIMEOUT_MS = 2_000;

interface Running {
  readonly status: TelemetryStatus;
  readonly tracerProvider?: NodeTracerProvider;
  readonly meterProvider?: MeterProvider;
  readonly endpoint?: PrometheusEndpoint;
}

const OFF: TelemetryStatus = { tracing: false, otlpMetrics: false };
let running: Running | undefined;
/** The first initTelemetry still under way: a second caller waits for it instead of starting twice. */
let starting: Promise<TelemetryStatus> | undefined;

/** Sets up tracing and metrics for this process, once; later calls return what the first did. */
export function initTelemetry(opts: TelemetryOptions): Promise<TelemetryStatus> {
  if (running) return Promise.resolve(running.status);
  if (!starting) {
    starting = start(opts).finally(() => {
      starting = undefined;
    });
  }
  return starting;
}

async function start(opts: TelemetryOptions): Promise<TelemetryStatus> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`[${opts.instance}] ${line}\n`));
  const env = process.env;
  const plan = planTelemetry(opts, env);
  for (const w of plan.warnings) log(`telemetry: ignoring ${w}`);
  installDiagLogger(env.OTEL_LOG_LEVEL);

  let tracerProvider: NodeTracerProvider | undefined;
  let meterProvider: MeterProvider | undefined;
  let endpoint: PrometheusEndpoint | undefined;
  try {
    const resource = actorResource(opts, env.OTEL_SERVICE_NAME);
    if (plan.tracesExporter !== "none") {
      tracerProvider = new NodeTracerProvider({
        resource,
        spanProcessors: [
          plan.tracesExporter === "otlp"
            ? new BatchSpanProcessor(new OTLPTraceExporter())
            : new SimpleSpanProcessor(new ConsoleSpanExporter()),
        ],
      });
      // The bus injects and extracts through the global propagation API: registering the W3C
      // propagator and an AsyncLocalStorage context manager is what joins traces across actors.
      tracerProvider.register({
        contextManager: new AsyncLocalStorageContextManager(),
        propagator: new CompositePropagator({
          propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
        }),
      });
      setTracer(tracerProvider.getTracer(TRACER_NAME));
    }

    const readers: MetricReader[] = [];
    if (plan.metricsPort !== undefined) {
      try {
        endpoint = await PrometheusEndpoint.listen(plan.metricsHost, plan.metricsPort);
        readers.push(endpoint.reader);
        log(`metrics on http://${plan.metricsHost}:${endpoint.port}${METRICS_PATH}`);
      } catch (err) {
        log(`telemetry: no metrics endpoint on port ${plan.metricsPort}: ${(err as Error).message}`);
      }
    }
    if (plan.otlpMetrics) {
      readers.push(
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter(),
          exportIntervalMillis: plan.metricExportIntervalMs,
          exportTimeoutMillis: Math.min(30_000, plan.metricExportIntervalMs),
        }),
      );
    }
    if (readers.length > 0) {
      meterProvider = new MeterProvider({ resource, readers });
      metrics.enable(meterProvider.getMeter(TRACER_NAME));
    }
  } catch (err) {
    log(`telemetry: could not start, running without it: ${(err as Error).message}`);
    await stopProviders({ status: OFF, tracerProvider, meterProvider, endpoint });
    running = { status: OFF };
    return OFF;
  }

  const status: TelemetryStatus = {
    tracing: tracerProvider !== undefined,
    otlpMetrics: plan.otlpMetrics && meterProvider !== undefined,
    ...(endpoint ? { metricsPort: endpoint.port } : {}),
  };
  running = {
    status,
    ...(tracerProvider ? { tracerProvider } : {}),
    ...(meterProvider ? { meterProvider } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
  return status;
}

/** Exports what is buffered (spans, metrics) without stopping; never rejects. */
export async function flushTelemetry(): Promise<void> {
  const r = running;
  if (!r) return;
  await bounded(
    Promise.allSettled([r.tracerProvider?.forceFlush(), r.meterProvider?.forceFlush()]).then(() => undefined),
  );
}

/** Flushes and stops everything initTelemetry started, and unregisters the globals; never rejects. */
export async function shutdownTelemetry(): Promise<void> {
  await starting?.catch(() => undefined);
  const r = running;
  running = undefined;
  if (!r) return;
  await stopProviders(r);
}

/** The meter provider, for code that wants its own instruments beside `metrics`. */
export function meterProvider(): ApiMeterProvider | undefined {
  return running?.meterProvider;
}

async function stopProviders(r: Running): Promise<void> {
  setTracer(undefined);
  metrics.disable();
  await bounded(
    Promise.allSettled([r.tracerProvider?.shutdown(), r.meterProvider?.shutdown(), r.endpoint?.close()]).then(
      () => undefined,
    ),
  );
  if (r.tracerProvider) {
    trace.disable();
    propagation.disable();
    context.disable();
  }
}

function actorResource(opts: TelemetryOptions, serviceNameOverride: string | undefined): Resource {
  // Precedence as the spec has it: OTEL_SERVICE_NAME, then OTEL_RESOURCE_ATTRIBUTES, then ours.
  const ours = resourceFromAttributes({
    "service.name": defaultServiceName(opts.service),
    "service.instance.id": opts.instance,
    "granny.actor": opts.service,
  });
  const merged = ours.merge(detectResources({ detectors: [envDetector] }));
  return serviceNameOverride
    ? merged.merge(resourceFromAttributes({ "service.name": serviceNameOverride }))
    : merged;
}

function installDiagLogger(level: string | undefined): void {
  const levels: Record<string, DiagLogLevel> = {
    none: DiagLogLevel.NONE,
    error: DiagLogLevel.ERROR,
    warn: DiagLogLevel.WARN,
    info: DiagLogLevel.INFO,
    debug: DiagLogLevel.DEBUG,
    verbose: DiagLogLevel.VERBOSE,
    all: DiagLogLevel.ALL,
  };
  const chosen = level ? levels[level.toLowerCase()] : undefined;
  if (chosen !== undefined) diag.setLogger(new DiagConsoleLogger(), chosen);
}

async function bounded(work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
  });
  await Promise.race([work, timeout]);
  clearTimeout(timer);
}

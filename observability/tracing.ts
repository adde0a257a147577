// Spans for the actors: withSpan() around a piece of work, startSpan() for work that ends
// elsewhere (a granule's run, a migration). With tracing off these return before touching the
// OpenTelemetry API: one module-variable check is the whole cost. Telemetry never throws into
// the program it observes: failures inside the SDK are swallowed here; errors thrown by the
// caller's own function pass through unchanged.
import {
  type Context,
  context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { SpanAttributes, SpanHandle, StartSpanOptions } from "./types.js";

let tracer: Tracer | undefined;

/** Set by initTelemetry/shutdownTelemetry only (not exported from mod.ts). */
export function setTracer(next: Tracer | undefined): void {
  tracer = next;
}

export function tracingEnabled(): boolean {
  return tracer !== undefined;
}

class NoopSpanHandle implements SpanHandle {
  readonly traceId = undefined;
  get context(): Context {
    return context.active();
  }
  setAttributes(): void {}
  event(): void {}
  fail(): void {}
  end(): void {}
}

const NOOP_SPAN: SpanHandle = new NoopSpanHandle();

class LiveSpanHandle implements SpanHandle {
  private ended = false;

  constructor(
    private readonly span: Span,
    readonly context: Context,
  ) {}

  get traceId(): string {
    return this.span.spanContext().traceId;
  }

  setAttributes(attributes: SpanAttributes): void {
    guard(() => this.span.setAttributes(attributes));
  }

  event(name: string, attributes?: SpanAttributes): void {
    guard(() => this.span.addEvent(name, attributes));
  }

  fail(error: unknown): void {
    guard(() => {
      const err = error instanceof Error ? error : new Error(String(error));
      this.span.recordException(err);
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    });
  }

  end(attributes?: SpanAttributes): void {
    if (this.ended) return;
    this.ended = true;
    guard(() => {
      if (attributes) this.span.setAttributes(attributes);
      this.span.end();
    });
  }
}

/** Starts a span the caller ends with `end()`; parented on the active context unless told otherwise. */
export function startSpan(name: string, opts: StartSpanOptions = {}): SpanHandle {
  const t = tracer;
  if (!t) return NOOP_SPAN;
  try {
    const parent = contextOf(opts.parent);
    const links: Link[] = [];
    for (const handle of opts.links ?? []) {
      const linked = trace.getSpanContext(handle.context);
      if (linked) links.push({ context: linked });
    }
    const span = t.startSpan(
      name,
      { ...(opts.attributes ? { attributes: opts.attributes } : {}), links, root: opts.root ?? false },
      parent,
    );
    return new LiveSpanHandle(span, trace.setSpan(parent, span));
  } catch {
    return NOOP_SPAN;
  }
}

/**
 * Runs `fn` inside a new span, child of the active context, and ends the span when `fn` returns
 * or its promise settles. A throw or rejection marks the span failed and reaches the caller as is.
 */
export function withSpan<T>(name: string, fn: (span: SpanHandle) => T): T;
export function withSpan<T>(name: string, attributes: SpanAttributes, fn: (span: SpanHandle) => T): T;
export function withSpan<T>(
  name: string,
  attributesOrFn: SpanAttributes | ((span: SpanHandle) => T),
  maybeFn?: (span: SpanHandle) => T,
): T {
  const fn = typeof attributesOrFn === "function" ? attributesOrFn : maybeFn;
  if (!fn) throw new TypeError("withSpan needs a function to run");
  if (!tracer) return fn(NOOP_SPAN);
  const span = startSpan(name, typeof attributesOrFn === "function" ? {} : { attributes: attributesOrFn });
  let result: T;
  try {
    result = context.with(span.context, fn, undefined, span);
  } catch (err) {
    span.fail(err);
    span.end();
    throw err;
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).then(
      (value) => {
        span.end();
        return value;
      },
      (err: unknown) => {
        span.fail(err);
        span.end();
        throw err;
      },
    ) as T;
  }
  span.end();
  return result;
}

/**
 * Runs `fn` with `parent` as the active context, so spans it starts and bus messages it sends
 * join that trace (a job's span when placing it later, a granule's span when reporting its end).
 */
export function inContext<T>(parent: Context | SpanHandle, fn: () => T): T {
  if (!tracer) return fn();
  return context.with(contextOf(parent), fn);
}

/**
 * Runs `fn` outside any trace: what it sets up (a granule's worker, a job's MPI router) then does
 * not stamp the trace of the request that created it into every message it sends later.
 */
export function untraced<T>(fn: () => T): T {
  if (!tracer) return fn();
  return context.with(ROOT_CONTEXT, fn);
}

/**
 * The active context, to keep with work that continues later outside this call (a migration plan
 * a host holds until the granule reaches its barrier); pass it to inContext() or as a parent.
 */
export function captureContext(): Context {
  return context.active();
}

/** Trace id of the active span, for log lines a user can paste into Jaeger's search. */
export function currentTraceId(): string | undefined {
  if (!tracer) return undefined;
  return trace.getSpanContext(context.active())?.traceId;
}

function contextOf(parent: Context | SpanHandle | undefined): Context {
  if (parent === undefined) return context.active();
  if (parent instanceof LiveSpanHandle || parent instanceof NoopSpanHandle) return parent.context;
  return parent as Context;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function"
  );
}

function guard(action: () => void): void {
  try {
    action();
  } catch {
    // An SDK failure must not reach the actor; the span is simply less complete.
  }
}

// A real OTLP/HTTP receiver for tests: an HTTP server taking what the exporters POST to
// /v1/traces and /v1/metrics (OTLP JSON, as @opentelemetry/exporter-*-otlp-http sends it) and
// keeping the spans and metric points, flattened, for assertions.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: OtlpKeyValue[];
  status?: { code?: number; message?: string };
  links?: { traceId: string; spanId: string }[];
  events?: { name: string; attributes?: OtlpKeyValue[] }[];
}
interface OtlpNumberPoint {
  asInt?: number | string;
  asDouble?: number;
  count?: number | string;
  attributes?: OtlpKeyValue[];
}
interface OtlpMetric {
  name: string;
  sum?: { dataPoints: OtlpNumberPoint[] };
  gauge?: { dataPoints: OtlpNumberPoint[] };
  histogram?: { dataPoints: OtlpNumberPoint[] };
}
interface TracesRequest {
  resourceSpans?: { resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}
interface MetricsRequest {
  resourceMetrics?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeMetrics?: { metrics?: OtlpMetric[] }[];
  }[];
}

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  readonly service: string;
  readonly instance: string;
  readonly attributes: Record<string, string | number | boolean>;
  readonly statusCode: number;
  readonly links: readonly { traceId: string; spanId: string }[];
  readonly events: readonly { name: string; attributes: Record<string, string | number | boolean> }[];
}

export interface ReceivedPoint {
  readonly metric: string;
  readonly service: string;
  /** asInt/asDouble for sums and gauges, count for histograms. */
  readonly value: number;
  readonly attributes: Record<string, string | number | boolean>;
}

export class OtlpReceiver implements AsyncDisposable {
  readonly spans: ReceivedSpan[] = [];
  readonly points: ReceivedPoint[] = [];
  /** Requests that could not be decoded: a test fails on any. */
  readonly malformed: string[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<OtlpReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const receiver = new OtlpReceiver(server, (server.address() as AddressInfo).port);
    server.on("request", (req, res) => {
      void readBody(req).then((body) => {
        const ok = receiver.accept(req.url ?? "", body);
        res.writeHead(ok ? 200 : 400, { "content-type": "application/json" });
        res.end("{}");
      });
    });
    return receiver;
  }

  /** The value for OTEL_EXPORTER_OTLP_ENDPOINT. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Polls until `done()` holds; fails with `what` and what was received after `timeoutMs`. */
  async waitFor(done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) {
        const names = this.spans.map((s) => `${s.service}:${s.name}`).join(", ");
        throw new Error(`OTLP receiver: no ${what} within ${timeoutMs} ms; spans so far: ${names}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private accept(url: string, body: string): boolean {
    try {
      if (url.startsWith("/v1/traces")) this.addTraces(JSON.parse(body) as TracesRequest);
      else if (url.startsWith("/v1/metrics")) this.addMetrics(JSON.parse(body) as MetricsRequest);
      else throw new Error(`unexpected path ${url}`);
      return true;
    } catch (err) {
      this.malformed.push(`${url}: ${(err as Error).message}`);
      return false;
    }
  }

  private addTraces(req: TracesRequest): void {
    for (const rs of req.resourceSpans ?? []) {
      const resource = attributesOf(rs.resource?.attributes);
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? "",
            name: s.name,
            service: String(resource["service.name"] ?? ""),
            instance: String(resource["service.instance.id"] ?? ""),
            attributes: attributesOf(s.attributes),
            statusCode: s.status?.code ?? 0,
            links: s.links ?? [],
            events: (s.events ?? []).map((e) => ({ name: e.name, attributes: attributesOf(e.attributes) })),
          });
        }
      }
    }
  }

  private addMetrics(req: MetricsRequest): void {
    for (const rm of req.resourceMetrics ?? []) {
      const service = String(attributesOf(rm.resource?.attributes)["service.name"] ?? "");
      for (const sm of rm.scopeMetrics ?? []) {
        for (const m of sm.metrics ?? []) {
          const points = m.sum?.dataPoints ?? m.gauge?.dataPoints ?? m.histogram?.dataPoints ?? [];
          for (const p of points) {
            this.points.push({
              metric: m.name,
              service,
              value: Number(p.asInt ?? p.asDouble ?? p.count ?? Number.NaN),
              attributes: attributesOf(p.attributes),
            });
          }
        }
      }
    }
  }
}

function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    const v = value.stringValue ?? value.boolValue ?? value.doubleValue ?? value.intValue;
    if (v !== undefined) out[key] = typeof v === "string" && value.intValue !== undefined ? Number(v) : v;
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return (req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
}

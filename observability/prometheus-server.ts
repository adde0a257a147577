// The Prometheus scrape endpoint of an actor node: GET /metrics on its own small HTTP server.
// We run the server ourselves (the exporter's own cannot listen on a free port and tell us which
// one it got), so `--metrics-port auto` works for many actors on one machine.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";

export const METRICS_PATH = "/metrics";

export class PrometheusEndpoint {
  private constructor(
    readonly reader: PrometheusExporter,
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on `port` (0: any free port) and resolves once it accepts scrapes. */
  static async listen(host: string, port: number): Promise<PrometheusEndpoint> {
    const reader = new PrometheusExporter({
      preventServerStart: true,
      // One scope (granny) only: an otel_scope_name label on every series would say nothing.
      withoutScopeInfo: true,
    });
    const server = createServer((req, res) => {
      const path = (req.url ?? "").split("?")[0];
      if (req.method === "GET" && path === METRICS_PATH) {
        reader.getMetricsRequestHandler(req, res);
        return;
      }
      res.statusCode = 404;
      res.end(`granny serves metrics on ${METRICS_PATH}\n`);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    // A scrape endpoint must not keep an actor process alive on its own.
    server.unref();
    const bound = (server.address() as AddressInfo).port;
    return new PrometheusEndpoint(reader, server, bound);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

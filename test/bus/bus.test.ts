import { randomBytes } from "node:crypto";
import { headers as natsHeaders } from "@nats-io/nats-core";
import { context, propagation, TraceFlags, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { Encoder } from "cbor-x";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Bus,
  CHUNK_HEADERS,
  connectBus,
  MalformedMessageError,
  message,
  NatsCluster,
  NatsServer,
  NoRespondersError,
  RejectedError,
  RequestTimeoutError,
  sha256Hex,
  UnknownMessageTypeError,
  UnsupportedVersionError,
} from "../../bus/mod.js";

let server: NatsServer;
let a: Bus;
let b: Bus;

beforeAll(async () => {
  server = await NatsServer.start();
  a = await connectBus({ url: server.url, name: "a" });
  b = await connectBus({ url: server.url, name: "b" });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await server?.[Symbol.asyncDispose]();
});

const raw = new Encoder({ useRecords: false, tagUint8Array: false });

describe("the bus over a real nats-server", () => {
  it("answers a request with the handler's reply", async () => {
    b.serve("t.register", ["granny.v1.host_register"], (msg) =>
      message("job_accepted", { jobId: `for-${msg.host}`, queued: msg.slots > 2 }),
    );
    await b.flush();
    const reply = await a.request("t.register", message("host_register", { host: "h1", slots: 4 }), [
      "granny.v1.job_accepted",
    ]);
    expect(reply).toMatchObject({ type: "granny.v1.job_accepted", jobId: "for-h1", queued: true });
  });

  it("turns malformed, unknown and wrong-version input into typed errors and keeps serving", async () => {
    const errors: Error[] = [];
    b.serve(
      "t.robust",
      ["granny.v1.host_leave"],
      (msg) => message("job_kill", { jobId: "x", reason: msg.host }),
      {
        onError: (err) => errors.push(err),
      },
    );
    await b.flush();
    const ask = async (payload: Uint8Array) => {
      const reply = await a.nc.request("t.robust", payload, { timeout: 2000 });
      return raw.decode(reply.data) as { type: string; code: string; description: string };
    };
    const malformed = await ask(new Uint8Array([0xff, 0x00, 0x13]));
    expect(malformed).toMatchObject({ type: "granny.v1.error", code: "malformed" });
    const unknown = await ask(raw.encode({ type: "granny.v1.teleport" }));
    expect(unknown).toMatchObject({ type: "granny.v1.error", code: "unknown_type" });
    const version = await ask(raw.encode({ type: "granny.v9.host_leave", host: "h" }));
    expect(version).toMatchObject({ type: "granny.v1.error", code: "unsupported_version" });
    const unexpected = await ask(raw.encode({ type: "granny.v1.ack" }));
    expect(unexpected).toMatchObject({ type: "granny.v1.error", code: "unexpected_message" });
    expect(errors.map((e) => e.constructor)).toEqual([
      MalformedMessageError,
      UnknownMessageTypeError,
      UnsupportedVersionError,
      expect.anything(),
    ]);
    // Still serving after all that.
    const ok = await a.request("t.robust", message("host_leave", { host: "h9" }), ["granny.v1.job_kill"]);
    expect(ok.reason).toBe("h9");
  });

  it("gives the requester the typed error a handler threw", async () => {
    b.serve("t.reject", ["granny.v1.job_kill"], () => {
      throw new RejectedError("job j1 does not exist");
    });
    await b.flush();
    const asking = a.request("t.reject", message("job_kill", { jobId: "j1", reason: "x" }), [
      "granny.v1.ack",
    ]);
    await expect(asking).rejects.toThrow(RejectedError);
    await expect(asking).rejects.toThrow(/does not exist/);
  });

  it("reports no responders and timeouts as typed errors", async () => {
    await expect(
      a.request("t.nobody", message("ack", {}), ["granny.v1.ack"], { timeoutMs: 500 }),
    ).rejects.toThrow(NoRespondersError);
    b.serve("t.slow", ["granny.v1.ack"], async () => {
      await new Promise((r) => setTimeout(r, 1000));
      return undefined;
    });
    await b.flush();
    await expect(
      a.request("t.slow", message("ack", {}), ["granny.v1.ack"], { timeoutMs: 200 }),
    ).rejects.toThrow(RequestTimeoutError);
  });

  it("round-trips a 64 MiB payload intact through chunking", async () => {
    const payload = randomBytes(64 * 1024 * 1024);
    let received: Uint8Array | undefined;
    b.serve("t.large", ["granny.v1.mpi_envelope"], (msg) => {
      received = msg.data;
      return message("ack", {});
    });
    await b.flush();
    expect(a.maxPayload).toBeLessThan(payload.length);
    await a.request(
      "t.large",
      message("mpi_envelope", { jobId: "j", fromHost: "h", data: payload }),
      ["granny.v1.ack"],
      {
        timeoutMs: 30_000,
      },
    );
    expect(received?.length).toBe(payload.length);
    expect(sha256Hex(received ?? new Uint8Array())).toBe(sha256Hex(payload));
  });

  it("refuses a chunked transfer whose hash does not match", async () => {
    b.serve("t.corrupt", ["granny.v1.ack"], () => undefined);
    await b.flush();
    const h = natsHeaders();
    h.set(CHUNK_HEADERS.id, "x1");
    h.set(CHUNK_HEADERS.index, "0");
    h.set(CHUNK_HEADERS.offset, "0");
    h.set(CHUNK_HEADERS.count, "1");
    h.set(CHUNK_HEADERS.length, "3");
    h.set(CHUNK_HEADERS.sha256, "00");
    const reply = await a.nc.request("t.corrupt", raw.encode({ type: "granny.v1.ack" }).subarray(0, 3), {
      headers: h,
      timeout: 2000,
    });
    expect(raw.decode(reply.data)).toMatchObject({ type: "granny.v1.error", code: "integrity" });
  });

  it("carries W3C trace context in message headers", async () => {
    // What observability/ registers when tracing is on: a propagator and a context manager.
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      let seen: string | undefined;
      b.serve("t.trace", ["granny.v1.ack"], (_msg, delivery) => {
        seen = trace.getSpanContext(delivery.trace)?.traceId;
        return undefined;
      });
      await b.flush();
      const traceId = "0af7651916cd43dd8448eb211c80319c";
      const ctx = trace.setSpanContext(context.active(), {
        traceId,
        spanId: "b7ad6b7169203331",
        traceFlags: TraceFlags.SAMPLED,
      });
      await context.with(ctx, () => a.request("t.trace", message("ack", {}), ["granny.v1.ack"]));
      expect(seen).toBe(traceId);
    } finally {
      propagation.disable();
      context.disable();
    }
  });
});

describe("a client whose server restarts", () => {
  it("carries on after the server comes back on the same port", async () => {
    await using local = await NatsServer.start();
    const client = await connectBus({ url: local.url, name: "survivor" });
    const service = await connectBus({ url: local.url, name: "service" });
    try {
      service.serve("t.echo", ["granny.v1.host_leave"], (m) => message("host_leave", { host: `${m.host}!` }));
      await service.flush();
      const before = await client.request("t.echo", message("host_leave", { host: "a" }), [
        "granny.v1.host_leave",
      ]);
      expect(before.host).toBe("a!");
      const port = local.port;
      await local.restart();
      expect(local.port).toBe(port);
      // Both clients reconnect on their own; subscriptions are restored by the client.
      let after: string | undefined;
      for (let i = 0; i < 50 && after === undefined; i++) {
        try {
          after = (
            await client.request("t.echo", message("host_leave", { host: "b" }), ["granny.v1.host_leave"], {
              timeoutMs: 500,
            })
          ).host;
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      expect(after).toBe("b!");
    } finally {
      await client.close();
      await service.close();
    }
  });
});

describe("a three-node cluster", () => {
  it("routes a request from a client on one node to a service on another", async () => {
    await using cluster = await NatsCluster.start(3);
    const [u0, , u2] = cluster.urls;
    const client = await connectBus({ url: u0 ?? "" });
    const service = await connectBus({ url: u2 ?? "" });
    try {
      service.serve("t.routed", ["granny.v1.host_leave"], (m) =>
        message("host_leave", { host: `${m.host}@n2` }),
      );
      await service.flush();
      let host: string | undefined;
      // Routes between the nodes form asynchronously; retry until interest has propagated.
      for (let i = 0; i < 50 && host === undefined; i++) {
        host = await client
          .request("t.routed", message("host_leave", { host: "x" }), ["granny.v1.host_leave"], {
            timeoutMs: 500,
          })
          .then((r) => r.host)
          .catch(async () => {
            await new Promise((r) => setTimeout(r, 100));
            return undefined;
          });
      }
      expect(host).toBe("x@n2");
    } finally {
      await client.close();
      await service.close();
    }
  });
});

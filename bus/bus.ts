// The bus: one NATS connection with typed publish, request/reply and serving. Every payload is a
// protocol message in CBOR; payloads above the server's max_payload are chunked transparently;
// trace context rides in headers. A receiver declares the message types it handles and gets
// only those; anything else is answered with a typed error and the receiver keeps serving.

import {
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  errors as natsErrors,
  headers as natsHeaders,
  type Subscription,
} from "@nats-io/nats-core";
import { connect as natsConnect } from "@nats-io/transport-node";
import { type Context, context as otelContext } from "@opentelemetry/api";
import { isChunk, needsChunking, planChunks, Reassembler, setChunkHeaders } from "./chunking.js";
import { decode, encode } from "./codec.js";
import { BusError, codeOf, errorFromWire, NoRespondersError, RequestTimeoutError } from "./errors.js";
import { type Message, type MessageByType, message } from "./protocol.js";
import { extractTraceContext, injectTraceContext } from "./trace-context.js";

export const DEFAULT_NATS_URL = "nats://127.0.0.1:4222";

export interface ConnectOptions {
  /** Server URL(s); default NATS_URL or nats://127.0.0.1:4222. */
  readonly url?: string | string[];
  /** Connection name shown by the server (actor kind and name). */
  readonly name?: string;
  /** Give up the first connect after this long (default 10 s). Reconnects after that are unlimited. */
  readonly connectTimeoutMs?: number;
}

export interface RequestOptions {
  readonly timeoutMs?: number;
}

export interface Delivery {
  readonly subject: string;
  /** Trace context extracted from the message headers. */
  readonly trace: Context;
}

export type Handler<T extends Message["type"]> = (
  msg: MessageByType<T>,
  delivery: Delivery,
) => Promise<Message | undefined> | Message | undefined;

export interface ServeOptions {
  /** Called with every message the server refused or whose handler threw; the serving goes on. */
  readonly onError?: (err: Error, subject: string) => void;
  /** Load-balance among subscribers of the same queue group. */
  readonly queue?: string;
}

const DEFAULT_TIMEOUT_MS = 5_000;
/** Chunks in flight per transfer: enough to fill the pipe, few enough not to overrun the receiver. */
const CHUNK_WINDOW = 4;

export function natsUrlFromEnv(): string {
  return process.env.NATS_URL || DEFAULT_NATS_URL;
}

export async function connectBus(opts: ConnectOptions = {}): Promise<Bus> {
  const servers = opts.url ?? natsUrlFromEnv();
  const nc = await natsConnect({
    servers,
    name: opts.name,
    timeout: opts.connectTimeoutMs ?? 10_000,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    pingInterval: 5_000,
  });
  return new Bus(nc);
}

export class Bus implements AsyncDisposable {
  private readonly subscriptions = new Set<Subscription>();
  private readonly reassembler = new Reassembler();

  constructor(readonly nc: NatsConnection) {}

  get maxPayload(): number {
    return this.nc.info?.max_payload ?? 1024 * 1024;
  }

  /** Fire-and-forget publish. Payloads too large for one message are refused: use request(). */
  publish(subject: string, msg: Message): void {
    const data = encode(msg);
    if (needsChunking(data.length, this.maxPayload)) {
      throw new BusError(`a ${data.length}-byte message is too large to publish; send it with request()`);
    }
    this.nc.publish(subject, data, { headers: this.headers() });
  }

  /** Request/reply with a timeout; a reply that is an `error` message is thrown as its typed error. */
  async request<const T extends Message["type"]>(
    subject: string,
    msg: Message,
    accepted: readonly T[],
    opts: RequestOptions = {},
  ): Promise<MessageByType<T>> {
    const reply = await this.requestRaw(subject, encode(msg), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const decoded = decode(reply, [...accepted, "granny.v1.error"] as const);
    if (decoded.type === "granny.v1.error") {
      const err = decoded as MessageByType<"granny.v1.error">;
      throw errorFromWire(err.code, err.description);
    }
    return decoded as MessageByType<T>;
  }

  /**
   * Serves requests and messages on a subject. The handler sees only the declared types; its
   * return value is the reply (an `ack` when it returns nothing and the sender waits).
   */
  serve<const T extends Message["type"]>(
    subject: string,
    accepted: readonly T[],
    handler: Handler<T>,
    opts: ServeOptions = {},
  ): Subscription {
    const sub = this.nc.subscribe(subject, {
      queue: opts.queue,
      callback: (err, msg) => {
        if (err) {
          opts.onError?.(err, subject);
          return;
        }
        void this.handle(msg, accepted, handler, opts);
      },
    });
    this.subscriptions.add(sub);
    void sub.closed.then(() => this.subscriptions.delete(sub));
    return sub;
  }

  async flush(): Promise<void> {
    await this.nc.flush();
  }

  async close(): Promise<void> {
    this.reassembler.close();
    if (this.nc.isClosed()) return;
    await this.nc.drain().catch(() => this.nc.close());
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private headers(): MsgHdrs {
    const h = natsHeaders();
    injectTraceContext(h);
    return h;
  }

  /** Sends bytes as one request, or as acknowledged chunks with the last one carrying the request. */
  private async requestRaw(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    if (!needsChunking(data.length, this.maxPayload)) {
      return (await this.natsRequest(subject, data, this.headers(), timeoutMs)).data;
    }
    const plan = planChunks(data, this.maxPayload);
    const last = plan.chunks[plan.chunks.length - 1];
    const body = plan.chunks.slice(0, -1);
    // A window of outstanding chunk requests: each ack frees a place for the next chunk.
    let next = 0;
    const worker = async () => {
      while (next < body.length) {
        const chunk = body[next++];
        if (!chunk) break;
        const h = this.headers();
        setChunkHeaders(h, plan, chunk);
        const ack = await this.natsRequest(subject, chunk.data, h, timeoutMs);
        const decoded = decode(ack.data, ["granny.v1.ack", "granny.v1.error"] as const);
        if (decoded.type === "granny.v1.error") throw errorFromWire(decoded.code, decoded.description);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CHUNK_WINDOW, body.length) }, worker));
    if (!last) throw new BusError("empty chunk plan");
    const h = this.headers();
    setChunkHeaders(h, plan, last);
    return (await this.natsRequest(subject, last.data, h, timeoutMs)).data;
  }

  private async natsRequest(
    subject: string,
    data: Uint8Array,
    headers: MsgHdrs,
    timeoutMs: number,
  ): Promise<Msg> {
    try {
      return await this.nc.request(subject, data, { timeout: timeoutMs, headers });
    } catch (err) {
      const cause = (err as Error).cause;
      if (err instanceof natsErrors.NoRespondersError || cause instanceof natsErrors.NoRespondersError) {
        throw new NoRespondersError(`no one serves ${subject}`, { cause: err });
      }
      if (err instanceof natsErrors.TimeoutError || cause instanceof natsErrors.TimeoutError) {
        throw new RequestTimeoutError(`no reply on ${subject} within ${timeoutMs} ms`, { cause: err });
      }
      throw err;
    }
  }

  private async handle<T extends Message["type"]>(
    msg: Msg,
    accepted: readonly T[],
    handler: Handler<T>,
    opts: ServeOptions,
  ): Promise<void> {
    const respond = (reply: Message) => {
      if (msg.reply) msg.respond(encode(reply), { headers: this.headers() });
    };
    try {
      let data: Uint8Array | undefined = msg.data;
      if (isChunk(msg.headers)) {
        data = this.reassembler.add(msg.headers, msg.data);
        if (!data) {
          respond(message("ack", {}));
          return;
        }
      }
      const decoded = decode(data, accepted);
      const trace = extractTraceContext(msg.headers);
      const reply = await otelContext.with(trace, () => handler(decoded, { subject: msg.subject, trace }));
      respond(reply ?? message("ack", {}));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      opts.onError?.(error, msg.subject);
      respond(message("error", { code: codeOf(err), description: error.message }));
    }
  }
}

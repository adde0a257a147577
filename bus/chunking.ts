// Payloads larger than the server's max_payload travel as numbered chunks. Each chunk carries
// headers naming the transfer, its position, the total length and the SHA-256 of the whole; the
// receiver reassembles and refuses anything whose length or hash does not match. Chunks are
// sent as requests and acknowledged (see bus.ts), which gives flow control for free.
import { createHash, randomUUID } from "node:crypto";
import type { MsgHdrs } from "@nats-io/nats-core";
import { IntegrityError, MalformedMessageError } from "./errors.js";

export const CHUNK_HEADERS = {
  id: "Granny-Chunk-Id",
  index: "Granny-Chunk-Index",
  count: "Granny-Chunk-Count",
  offset: "Granny-Chunk-Offset",
  length: "Granny-Chunk-Length",
  sha256: "Granny-Chunk-Sha256",
} as const;

/** Room left in each message for headers and protocol framing. */
const HEADER_ROOM = 4096;

export interface Chunk {
  readonly index: number;
  readonly offset: number;
  readonly data: Uint8Array;
}

export interface ChunkPlan {
  readonly id: string;
  readonly count: number;
  readonly length: number;
  readonly sha256: string;
  readonly chunks: readonly Chunk[];
}

export function chunkSizeFor(maxPayload: number): number {
  return Math.max(1024, maxPayload - HEADER_ROOM);
}

export function needsChunking(length: number, maxPayload: number): boolean {
  return length > chunkSizeFor(maxPayload);
}

export function planChunks(payload: Uint8Array, maxPayload: number): ChunkPlan {
  const size = chunkSizeFor(maxPayload);
  const chunks: Chunk[] = [];
  for (let offset = 0, index = 0; offset < payload.length; offset += size, index++) {
    chunks.push({ index, offset, data: payload.subarray(offset, offset + size) });
  }
  return {
    id: randomUUID(),
    count: chunks.length,
    length: payload.length,
    sha256: createHash("sha256").update(payload).digest("hex"),
    chunks,
  };
}

export function setChunkHeaders(headers: MsgHdrs, plan: ChunkPlan, chunk: Chunk): void {
  headers.set(CHUNK_HEADERS.id, plan.id);
  headers.set(CHUNK_HEADERS.index, String(chunk.index));
  headers.set(CHUNK_HEADERS.offset, String(chunk.offset));
  headers.set(CHUNK_HEADERS.count, String(plan.count));
  headers.set(CHUNK_HEADERS.length, String(plan.length));
  headers.set(CHUNK_HEADERS.sha256, plan.sha256);
}

export function isChunk(headers: MsgHdrs | undefined): headers is MsgHdrs {
  return headers?.has(CHUNK_HEADERS.id) ?? false;
}

interface Partial {
  readonly buffer: Uint8Array;
  readonly count: number;
  readonly sha256: string;
  received: number;
  readonly seen: Set<number>;
  timer: NodeJS.Timeout;
}

export interface ReassemblerOptions {
  /** A transfer with no new chunk for this long is dropped. */
  readonly idleTimeoutMs?: number;
  /** Refuse transfers that announce more than this (guards memory against hostile headers). */
  readonly maxLength?: number;
}

/** Collects chunks per transfer id; returns the whole payload when the last chunk arrives. */
export class Reassembler {
  private readonly partials = new Map<string, Partial>();
  private readonly idleTimeoutMs: number;
  private readonly maxLength: number;

  constructor(opts: ReassemblerOptions = {}) {
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 30_000;
    this.maxLength = opts.maxLength ?? 1 << 30;
  }

  /** Adds a chunk; returns the full payload once complete and verified, else undefined. */
  add(headers: MsgHdrs, data: Uint8Array): Uint8Array | undefined {
    const id = headers.get(CHUNK_HEADERS.id);
    const index = Number(headers.get(CHUNK_HEADERS.index));
    const count = Number(headers.get(CHUNK_HEADERS.count));
    const offset = Number(headers.get(CHUNK_HEADERS.offset));
    const length = Number(headers.get(CHUNK_HEADERS.length));
    const sha256 = headers.get(CHUNK_HEADERS.sha256);
    if (
      !id ||
      !Number.isInteger(index) ||
      !Number.isInteger(count) ||
      !Number.isInteger(offset) ||
      !Number.isInteger(length) ||
      !sha256
    ) {
      throw new MalformedMessageError("chunk with missing or invalid chunk headers");
    }
    if (length > this.maxLength)
      throw new MalformedMessageError(`chunked payload of ${length} bytes is too large`);
    if (index < 0 || index >= count)
      throw new MalformedMessageError(`chunk ${index} of ${count} is out of range`);
    let partial = this.partials.get(id);
    if (!partial) {
      partial = {
        buffer: new Uint8Array(length),
        count,
        sha256,
        received: 0,
        seen: new Set(),
        timer: this.expiry(id),
      };
      this.partials.set(id, partial);
    } else {
      partial.timer.refresh();
    }
    if (offset < 0 || offset + data.length > partial.buffer.length) {
      this.drop(id);
      throw new IntegrityError(`chunk ${index} of transfer ${id} overruns the announced length ${length}`);
    }
    if (!partial.seen.has(index)) {
      partial.buffer.set(data, offset);
      partial.seen.add(index);
      partial.received += data.length;
    }
    if (partial.seen.size < partial.count) return undefined;
    this.drop(id);
    if (partial.received !== partial.buffer.length) {
      throw new IntegrityError(
        `transfer ${id} reassembled ${partial.received} of ${partial.buffer.length} bytes`,
      );
    }
    const actual = createHash("sha256").update(partial.buffer).digest("hex");
    if (actual !== partial.sha256) throw new IntegrityError(`transfer ${id} failed its SHA-256 check`);
    return partial.buffer;
  }

  get pending(): number {
    return this.partials.size;
  }

  close(): void {
    for (const id of [...this.partials.keys()]) this.drop(id);
  }

  private expiry(id: string): NodeJS.Timeout {
    const timer = setTimeout(() => this.drop(id), this.idleTimeoutMs);
    timer.unref();
    return timer;
  }

  private drop(id: string): void {
    const partial = this.partials.get(id);
    if (partial) clearTimeout(partial.timer);
    this.partials.delete(id);
  }
}

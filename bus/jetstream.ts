// Durable parts of the bus: the jobs stream (lifecycle events and output, replayable by late
// subscribers) and Object Store buckets (modules by content hash; snapshots that outlive a host).
import { createHash } from "node:crypto";
import { DeliverPolicy, type JetStreamClient, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/nats-core";
import { type ObjectStore, Objm } from "@nats-io/obj";
import type { Bus } from "./bus.js";
import { decode, encode } from "./codec.js";
import { BusError, IntegrityError } from "./errors.js";
import type { Message, MessageByType } from "./protocol.js";
import { buckets, JOBS_STREAM } from "./subjects.js";
import { injectTraceContext } from "./trace-context.js";

/** Creates the jobs stream if it is missing. Idempotent; safe for several actors at once. */
export async function ensureJobsStream(bus: Bus): Promise<void> {
  const jsm = await jetstreamManager(bus.nc);
  try {
    await jsm.streams.info(JOBS_STREAM.name);
  } catch {
    await jsm.streams
      .add({
        name: JOBS_STREAM.name,
        subjects: [...JOBS_STREAM.subjects],
        // Keep a day of history, at most 1 GiB: enough to replay any recent job.
        max_age: 24 * 3600 * 1e9,
        max_bytes: 1024 ** 3,
      })
      .catch(async (err: unknown) => {
        // Another actor may have created it between our check and our add.
        await jsm.streams.info(JOBS_STREAM.name).catch(() => {
          throw err;
        });
      });
  }
}

/** Publishes to a stream subject and waits for the server to store it. */
export class DurablePublisher {
  private readonly js: JetStreamClient;
  constructor(bus: Bus) {
    this.js = jetstream(bus.nc);
  }
  async publish(subject: string, msg: Message): Promise<void> {
    const h = natsHeaders();
    injectTraceContext(h);
    await this.js.publish(subject, encode(msg), { headers: h });
  }
}

export interface ReplayOptions {
  /** Keep delivering new messages after the history; otherwise stop once caught up. */
  readonly follow?: boolean;
  /** Stop early when this returns true (for example on a job's final event). */
  readonly until?: (msg: Message) => boolean;
  readonly signal?: AbortSignal;
}

/**
 * Replays a filtered part of the jobs stream from the start, in order, through an ordered
 * consumer. Messages that fail to decode are reported through `onInvalid` and skipped.
 */
export async function replay<const T extends Message["type"]>(
  bus: Bus,
  filterSubject: string,
  accepted: readonly T[],
  onMessage: (msg: MessageByType<T>, subject: string) => void | Promise<void>,
  opts: ReplayOptions & { onInvalid?: (err: Error) => void } = {},
): Promise<void> {
  const js = jetstream(bus.nc);
  const consumer = await js.consumers.get(JOBS_STREAM.name, {
    filter_subjects: filterSubject,
    deliver_policy: DeliverPolicy.All,
  });
  const info = await consumer.info(true);
  if (!opts.follow && info.num_pending === 0) return;
  const messages = await consumer.consume();
  const abort = () => void messages.close();
  opts.signal?.addEventListener("abort", abort);
  try {
    for await (const m of messages) {
      let stop = false;
      try {
        const msg = decode(m.data, accepted);
        await onMessage(msg, m.subject);
        stop = opts.until?.(msg) ?? false;
      } catch (err) {
        opts.onInvalid?.(err as Error);
      }
      if (stop || (!opts.follow && m.info.pending === 0)) break;
    }
  } finally {
    opts.signal?.removeEventListener("abort", abort);
    await messages.close();
  }
}

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Snapshots that must outlive a host (a frozen job, an evicted VM), named `<job>/<granule>`.
 * The bucket's own digest guards the bytes in store; the snapshot format checks them again.
 */
export class SnapshotStore {
  private constructor(private readonly store: ObjectStore) {}

  static async open(bus: Bus): Promise<SnapshotStore> {
    const objm = new Objm(bus.nc);
    return new SnapshotStore(await objm.create(buckets.snapshots));
  }

  static nameOf(jobId: string, granule: number, part: "snapshot" | "lifecycle"): string {
    return `${jobId}/${granule}/${part}`;
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    await this.store.putBlob({ name }, bytes);
  }

  async get(name: string): Promise<Uint8Array> {
    const bytes = await this.store.getBlob(name);
    if (!bytes) throw new BusError(`snapshot ${name} is not in the snapshot store`);
    return bytes;
  }

  async delete(name: string): Promise<void> {
    await this.store.delete(name).catch(() => undefined);
  }
}

/** Content-addressed store of WebAssembly modules: put once, fetched by every host that runs it. */
export class ModuleStore {
  private constructor(private readonly store: ObjectStore) {}

  static async open(bus: Bus): Promise<ModuleStore> {
    const objm = new Objm(bus.nc);
    return new ModuleStore(await objm.create(buckets.modules));
  }

  /** Stores the module under its SHA-256 (no-op if already there) and returns the hash. */
  async put(bytes: Uint8Array): Promise<string> {
    const hash = sha256Hex(bytes);
    const existing = await this.store.info(hash);
    if (!existing || existing.deleted) await this.store.putBlob({ name: hash }, bytes);
    return hash;
  }

  async get(hash: string): Promise<Uint8Array> {
    const bytes = await this.store.getBlob(hash);
    if (!bytes) throw new BusError(`module ${hash} is not in the module store`);
    if (sha256Hex(bytes) !== hash) throw new IntegrityError(`module ${hash} failed its SHA-256 check`);
    return bytes;
  }
}

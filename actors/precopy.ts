// Live migration's pre-copy, on the hosts. Before the planner holds a job at a barrier, the
// source host has each moving rank copy its memory while it runs and sends that copy to the
// target, which keeps it here. The snapshot taken at the barrier then carries only the pages
// that changed since, so the pause no longer grows with the rank's memory (docs/snapshots.md
// "Pre-copy"). The target also stages the restore: a thread instantiates the module and writes
// the pre-copy into its memory ahead, so the pause writes only the changed pages.

import { type Bus, type Message, type MessageOf, message, RejectedError, subjects } from "../bus/mod.js";
import { ATTR, SPAN, withSpan } from "../observability/mod.js";
import {
  applyMemoryDelta,
  decodePrecopy,
  encodePrecopy,
  type GranuleHandle,
  type GranuleSnapshot,
  type Precopy,
  type StagedRestore,
  stageRestore,
} from "../wasm-host/mod.js";

/** How long a rank may take to reach a host call (an MPI call) and copy its memory. */
export const PRECOPY_WAIT_MS = 10_000;
/** A pre-copy no snapshot claimed within this long (the plan was called off) is dropped. */
const PRECOPY_KEEP_MS = 10 * 60_000;

/** Source host: copies one running granule's memory and hands it to its target. Returns the bytes sent. */
export async function sendPrecopy(
  bus: Bus,
  launched: Promise<GranuleHandle>,
  target: string,
  about: Omit<MessageOf<"snapshot_precopy">, "type" | "precopy">,
): Promise<number> {
  const attrs = { [ATTR.jobId]: about.jobId, [ATTR.granule]: about.granule, [ATTR.targetHost]: target };
  return withSpan(SPAN.migrationPrecopy, attrs, async (span) => {
    let timer: NodeJS.Timeout | undefined;
    const precopy = await Promise.race([
      launched.then((handle) => handle.precopy()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`granule ${about.granule} made no host call within ${PRECOPY_WAIT_MS} ms`)),
          PRECOPY_WAIT_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const bytes = encodePrecopy(precopy);
    span.setAttributes({ [ATTR.bytes]: bytes.length });
    await bus.request(
      subjects.host(target),
      message("snapshot_precopy", { ...about, precopy: bytes }),
      ["granny.v1.ack"],
      {
        timeoutMs: 120_000,
      },
    );
    return bytes.length;
  });
}

interface Kept {
  readonly planId: string;
  readonly precopy: Precopy;
  readonly timer: NodeJS.Timeout;
  staged?: StagedRestore;
}

/** Target host: the pre-copies sent here, until the snapshot that needs one arrives. */
export class PrecopyStore {
  private readonly kept = new Map<string, Kept>();

  /** Checks and keeps a pre-copy (a newer one for the same granule replaces it). */
  keep(m: MessageOf<"snapshot_precopy">): Message {
    let precopy: Precopy;
    try {
      const decoded = decodePrecopy(m.precopy);
      // Chunks of buffers of our own (not views into the message), copied now rather than in the
      // pause: the restore hands them to the granule's thread without another copy.
      precopy = {
        id: decoded.id,
        image: {
          byteLength: decoded.image.byteLength,
          chunks: decoded.image.chunks.map((c) => ({ offset: c.offset, bytes: c.bytes.slice() })),
        },
      };
    } catch (err) {
      throw new RejectedError(
        `pre-copy of granule ${m.granule} of job ${m.jobId} refused: ${(err as Error).message}`,
      );
    }
    const key = `${m.jobId}/${m.granule}`;
    this.drop(key);
    const timer = setTimeout(() => this.drop(key), PRECOPY_KEEP_MS);
    timer.unref();
    this.kept.set(key, { planId: m.planId, precopy, timer });
    return message("ack", {});
  }

  /**
   * Stages the restore of a kept pre-copy in a thread of its own, with the module it will run
   * (a copy of the image goes there: the one kept here is the fallback if staging fails).
   */
  stage(jobId: string, granule: number, module: WebAssembly.Module, moduleHash: string): void {
    const kept = this.kept.get(`${jobId}/${granule}`);
    if (kept === undefined || kept.staged !== undefined) return;
    const image = kept.precopy.image;
    const copy = {
      byteLength: image.byteLength,
      chunks: image.chunks.map((c) => ({ offset: c.offset, bytes: c.bytes.slice() })),
    };
    kept.staged = stageRestore(
      module,
      moduleHash,
      { id: kept.precopy.id, image: copy },
      copy.chunks.map((c) => c.bytes.buffer as ArrayBuffer),
    );
  }

  /**
   * What the restore of a snapshot needs, giving up the pre-copy a delta was taken against:
   * the staged thread with the snapshot as it is, when staging worked; otherwise the full
   * snapshot the delta stands for, with the buffers the restore may transfer to the granule's
   * thread. A snapshot of the whole memory passes through. Throws when the pre-copy is not here.
   */
  async complete(
    jobId: string,
    granule: number,
    snapshot: GranuleSnapshot,
  ): Promise<{ snapshot: GranuleSnapshot; transfer: ArrayBuffer[]; staged?: StagedRestore }> {
    const base = snapshot.memory.base;
    if (base === undefined) return { snapshot, transfer: [] };
    const key = `${jobId}/${granule}`;
    const kept = this.kept.get(key);
    if (kept === undefined || kept.precopy.id !== base) {
      throw new Error(
        `the snapshot only holds the pages changed since pre-copy ${base}, and this host ${
          kept === undefined ? "has no pre-copy of the granule" : `has pre-copy ${kept.precopy.id} instead`
        }`,
      );
    }
    const staged = kept.staged;
    kept.staged = undefined;
    this.drop(key);
    if (staged !== undefined && (await staged.ready) && staged.usable())
      return { snapshot, transfer: [], staged };
    staged?.discard();
    return {
      snapshot: { ...snapshot, memory: applyMemoryDelta(kept.precopy.image, snapshot.memory) },
      transfer: kept.precopy.image.chunks.map((c) => c.bytes.buffer as ArrayBuffer),
    };
  }

  /** Drops what is kept for a job (it ended or was stopped here). */
  dropJob(jobId: string): void {
    for (const key of [...this.kept.keys()]) if (key.startsWith(`${jobId}/`)) this.drop(key);
  }

  private drop(key: string): void {
    const kept = this.kept.get(key);
    if (kept === undefined) return;
    clearTimeout(kept.timer);
    kept.staged?.discard();
    this.kept.delete(key);
  }
}

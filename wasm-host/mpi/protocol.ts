// What crosses boundaries: the data a rank's provider gets from the router (providerData), the
// messages a rank posts to the router, and the binary envelopes routers exchange between hosts.

/** providerData of one rank: everything its MPI provider needs, all structured-clonable. */
export interface MpiRankData {
  readonly kind: "granny.mpi.rank.v1";
  readonly jobId: string;
  readonly worldRank: number;
  readonly worldSize: number;
  readonly hostName: string;
  /** Host index (into hostNames) of every world rank. */
  readonly hostOfRank: readonly number[];
  readonly hostNames: readonly string[];
  /** Slot of every world rank in this host's shared memory, or -1 for ranks on other hosts. */
  readonly slotOfRank: readonly number[];
  readonly localCount: number;
  readonly control: SharedArrayBuffer;
  readonly rings: readonly { readonly header: SharedArrayBuffer; readonly data: SharedArrayBuffer }[];
  /** Bytes a rank may have on their way to other hosts before its sends wait. */
  readonly inflightLimit: number;
  /** Largest fragment of a message sent to another host. */
  readonly remoteFragmentBytes: number;
}

export function isMpiRankData(value: unknown): value is MpiRankData {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === "granny.mpi.rank.v1" &&
    (value as { control?: unknown }).control instanceof SharedArrayBuffer
  );
}

/** Messages from a rank's provider to its host's router (ImportContext.postToHost). */
export type RankToRouter =
  /** A record for a rank on another host. */
  | { readonly type: "mpi.remote"; readonly dest: number; readonly record: Uint8Array }
  /** The rank failed or called MPI_Abort: end the job everywhere. */
  | { readonly type: "mpi.abort"; readonly rank: number; readonly code: number; readonly message: string }
  /** The rank is parked at a held barrier (migration), waiting for its host's release. */
  | { readonly type: "mpi.held"; readonly rank: number }
  /** The rank called MPI_Init (a peer that left without calling it would leave it waiting). */
  | { readonly type: "mpi.initialized"; readonly rank: number };

export function isRankToRouter(value: unknown): value is RankToRouter {
  if (typeof value !== "object" || value === null) return false;
  const t = (value as { type?: unknown }).type;
  return t === "mpi.remote" || t === "mpi.abort" || t === "mpi.held" || t === "mpi.initialized";
}

/** Envelope kinds between routers on different hosts. */
export const EnvelopeKind = { data: 1, credit: 2, abort: 3, exitedUninitialized: 4 } as const;

export type Envelope =
  | { readonly kind: typeof EnvelopeKind.data; readonly dest: number; readonly record: Uint8Array }
  | { readonly kind: typeof EnvelopeKind.credit; readonly rank: number; readonly bytes: number }
  | { readonly kind: typeof EnvelopeKind.abort; readonly code: number; readonly message: string }
  /** A rank of the job ended (exit code 0) without ever calling MPI_Init. */
  | { readonly kind: typeof EnvelopeKind.exitedUninitialized; readonly rank: number };

const ENVELOPE_HEAD = 8;

export function encodeEnvelope(e: Envelope): Uint8Array {
  switch (e.kind) {
    case EnvelopeKind.data: {
      const out = new Uint8Array(ENVELOPE_HEAD + e.record.length);
      const v = new DataView(out.buffer);
      v.setUint32(0, e.kind, true);
      v.setInt32(4, e.dest, true);
      out.set(e.record, ENVELOPE_HEAD);
      return out;
    }
    case EnvelopeKind.credit: {
      const out = new Uint8Array(ENVELOPE_HEAD + 4);
      const v = new DataView(out.buffer);
      v.setUint32(0, e.kind, true);
      v.setInt32(4, e.rank, true);
      v.setInt32(8, e.bytes, true);
      return out;
    }
    case EnvelopeKind.exitedUninitialized: {
      const out = new Uint8Array(ENVELOPE_HEAD);
      const v = new DataView(out.buffer);
      v.setUint32(0, e.kind, true);
      v.setInt32(4, e.rank, true);
      return out;
    }
    case EnvelopeKind.abort: {
      const text = new TextEncoder().encode(e.message);
      const out = new Uint8Array(ENVELOPE_HEAD + text.length);
      const v = new DataView(out.buffer);
      v.setUint32(0, e.kind, true);
      v.setInt32(4, e.code, true);
      out.set(text, ENVELOPE_HEAD);
      return out;
    }
  }
}

export function decodeEnvelope(bytes: Uint8Array): Envelope {
  if (bytes.length < ENVELOPE_HEAD) throw new Error(`MPI envelope of ${bytes.length} bytes is too short`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kind = v.getUint32(0, true);
  switch (kind) {
    case EnvelopeKind.data:
      return { kind, dest: v.getInt32(4, true), record: bytes.subarray(ENVELOPE_HEAD) };
    case EnvelopeKind.credit:
      if (bytes.length < ENVELOPE_HEAD + 4) throw new Error("MPI credit envelope is truncated");
      return { kind, rank: v.getInt32(4, true), bytes: v.getInt32(8, true) };
    case EnvelopeKind.exitedUninitialized:
      return { kind, rank: v.getInt32(4, true) };
    case EnvelopeKind.abort:
      return {
        kind,
        code: v.getInt32(4, true),
        message: new TextDecoder().decode(bytes.subarray(ENVELOPE_HEAD)),
      };
    default:
      throw new Error(`unknown MPI envelope kind ${kind}`);
  }
}

// One rank's MPI runtime inside its worker: state, handle checks, statuses, requests, and the
// internal messaging that collectives and communicator creation build on.

import {
  ANY_SOURCE,
  ANY_TAG,
  COMM_NULL,
  ErrorClass,
  PROC_NULL,
  REQUEST_NULL,
  STATUS_IGNORE,
  TAG_UB,
} from "./abi.js";
import { PREDEFINED_TYPES, pack, type TypeInfo, unpack } from "./datatypes.js";
import { mpiError } from "./errors.js";
import { LinearMemory } from "./memory.js";
import type { SavedRank } from "./migration.js";
import { OP_NAMES, Op, reduceInto } from "./ops.js";
import type { MpiRankData } from "./protocol.js";
import { RankState } from "./shared-layout.js";
import { type CommState, initialState, type MpiState } from "./state.js";
import {
  fromMemory,
  type Incoming,
  type Outgoing,
  ownBytes,
  type PostedRecv,
  RankTransport,
  type TransportHost,
} from "./transport.js";

export interface StatusValue {
  source: number;
  tag: number;
  error: number;
  count: number;
  cancelled: boolean;
}

export interface Request {
  readonly kind: "send" | "recv" | "collective";
  readonly comm: number;
  complete: () => boolean;
  status: StatusValue;
  out?: Outgoing;
  recv?: PostedRecv;
}

export interface RankHost extends TransportHost {
  memory(): WebAssembly.Memory;
  instance(): WebAssembly.Instance;
}

export class MpiRank {
  readonly state: MpiState;
  readonly transport: RankTransport;
  readonly mem: LinearMemory;
  readonly requests = new Map<number, Request>();
  private nextRequest = 1;

  /** @param saved the rank's MPI state from a snapshot, when it is restored (migration.ts) */
  constructor(
    public data: MpiRankData,
    readonly host: RankHost,
    saved?: SavedRank,
  ) {
    this.state = saved?.state ?? initialState(data.worldRank, data.worldSize);
    this.mem = new LinearMemory(() => host.memory());
    this.transport = new RankTransport(data, host, this.mem);
    if (saved !== undefined) {
      this.transport.restore(saved.transport);
      this.nextRequest = saved.nextRequest;
      if (this.state.initialized && !this.state.finalized) this.transport.setState(RankState.initialized);
    }
  }

  /** Next request handle, for snapshots. */
  get nextRequestHandle(): number {
    return this.nextRequest;
  }

  /** A parked rank's new providerData after a placement change (migration.ts). */
  rebind(data: MpiRankData): void {
    this.transport.rebind(data);
    this.data = data;
    if (this.state.initialized && !this.state.finalized) this.transport.setState(RankState.initialized);
  }

  get worldRank(): number {
    return this.data.worldRank;
  }

  // ---- handles ----

  comm(handle: number): CommState {
    const c = handle === COMM_NULL ? undefined : this.state.comms[handle];
    if (c === undefined || c === null) throw mpiError("MPI_ERR_COMM", `invalid communicator ${handle}`);
    return c;
  }

  type(handle: number): TypeInfo {
    const t = PREDEFINED_TYPES.get(handle) ?? this.state.types[handle];
    if (t === undefined) throw mpiError("MPI_ERR_TYPE", `invalid datatype ${handle}`);
    return t;
  }

  /** A datatype used for communication: must be committed. */
  commType(handle: number): TypeInfo {
    const t = this.type(handle);
    if (!t.committed) throw mpiError("MPI_ERR_TYPE", `datatype ${t.name} is used without MPI_Type_commit`);
    return t;
  }

  checkCount(count: number): void {
    if (count < 0) throw mpiError("MPI_ERR_COUNT", `negative count ${count}`);
  }

  /** World rank of `rank` in comm (a real rank, not a wildcard). */
  worldOf(c: CommState, rank: number): number {
    const w = c.group[rank];
    if (w === undefined || rank < 0) {
      throw mpiError("MPI_ERR_RANK", `invalid rank ${rank} in communicator of size ${c.group.length}`);
    }
    return w;
  }

  /** Source argument of a receive: a rank, MPI_ANY_SOURCE or MPI_PROC_NULL. */
  checkSource(c: CommState, rank: number): number {
    if (rank === ANY_SOURCE || rank === PROC_NULL) return rank;
    return this.worldOf(c, rank);
  }

  checkSendTag(tag: number): void {
    if (tag < 0 || tag > TAG_UB) throw mpiError("MPI_ERR_TAG", `invalid tag ${tag}`);
  }

  checkRecvTag(tag: number): void {
    if (tag !== ANY_TAG && (tag < 0 || tag > TAG_UB)) throw mpiError("MPI_ERR_TAG", `invalid tag ${tag}`);
  }

  commRankOf(c: CommState, world: number): number {
    return c.group.indexOf(world);
  }

  // ---- requests and statuses ----

  addRequest(r: Request): number {
    const h = this.nextRequest++;
    this.requests.set(h, r);
    return h;
  }

  request(handle: number): Request | undefined {
    if (handle === REQUEST_NULL) return undefined;
    const r = this.requests.get(handle);
    if (r === undefined) throw mpiError("MPI_ERR_REQUEST", `invalid request ${handle}`);
    return r;
  }

  writeStatus(ptr: number, s: StatusValue): void {
    if (ptr === STATUS_IGNORE || ptr === 0) return;
    this.mem.setInts(ptr, [s.source, s.tag, s.error, s.count, s.cancelled ? 1 : 0]);
  }

  static emptyStatus(): StatusValue {
    return { source: ANY_SOURCE, tag: ANY_TAG, error: 0, count: 0, cancelled: false };
  }

  static procNullStatus(): StatusValue {
    return { source: PROC_NULL, tag: ANY_TAG, error: 0, count: 0, cancelled: false };
  }

  readStatusCount(ptr: number): number {
    return this.mem.i32(ptr + 12);
  }

  // ---- point-to-point built on the transport ----

  /** A receive's arguments, checked: its communicator, datatype and source (or PROC_NULL). */
  private checkRecv(commHandle: number, count: number, typeHandle: number, source: number, tag: number) {
    const c = this.comm(commHandle);
    const t = this.commType(typeHandle);
    this.checkCount(count);
    this.checkRecvTag(tag);
    return { c, t, src: this.checkSource(c, source) };
  }

  /** Fills a receive's status from the message that completed it, unpacking a staged copy. */
  private arrived(
    s: StatusValue,
    c: CommState,
    buf: number,
    t: TypeInfo,
    capacity: number,
    msg: Incoming,
  ): void {
    s.source = this.commRankOf(c, msg.src);
    s.tag = msg.tag;
    s.count = Math.min(msg.total, capacity);
    if (msg.data !== undefined) unpack(this.mem.u8(), buf, t, msg.data.subarray(0, s.count));
    if (msg.total > capacity) s.error = ErrorClass.MPI_ERR_TRUNCATE;
  }

  /**
   * MPI_Recv: a rank has at most one blocking receive at a time, so its state is one object
   * reused by every call, and waiting needs no request or closures made per message.
   */
  recvBlocking(
    commHandle: number,
    buf: number,
    count: number,
    typeHandle: number,
    source: number,
    tag: number,
  ): StatusValue {
    const { c, t, src } = this.checkRecv(commHandle, count, typeHandle, source, tag);
    if (src === PROC_NULL) return MpiRank.procNullStatus();
    const b = this.blocking;
    b.done = false;
    b.comm = c;
    b.buf = buf;
    b.type = t;
    b.capacity = count * t.size;
    const s = b.status;
    s.source = ANY_SOURCE;
    s.tag = ANY_TAG;
    s.error = 0;
    s.count = 0;
    s.cancelled = false;
    this.transport.post({
      ctx: c.ctx,
      src,
      tag,
      tagMask: -1,
      directPtr: isDense(t) ? buf : -1,
      capacity: b.capacity,
      onComplete: this.blockingArrived,
    });
    if (!b.done) this.transport.waitUntil(this.blockingDone);
    return s;
  }

  private readonly blocking = {
    done: false,
    comm: undefined as CommState | undefined,
    buf: 0,
    type: undefined as TypeInfo | undefined,
    capacity: 0,
    status: MpiRank.emptyStatus(),
  };
  private readonly blockingDone = (): boolean => this.blocking.done;
  private readonly blockingArrived = (msg: Incoming): void => {
    const b = this.blocking;
    this.arrived(b.status, b.comm as CommState, b.buf, b.type as TypeInfo, b.capacity, msg);
    b.done = true;
  };

  /** Starts a receive into (buf, count, type); the status fills in on completion. */
  startRecv(
    commHandle: number,
    buf: number,
    count: number,
    typeHandle: number,
    source: number,
    tag: number,
  ): Request {
    const { c, t, src } = this.checkRecv(commHandle, count, typeHandle, source, tag);
    if (src === PROC_NULL)
      return { kind: "recv", comm: commHandle, complete: () => true, status: MpiRank.procNullStatus() };
    const capacity = count * t.size;
    let done = false;
    const status = MpiRank.emptyStatus();
    const recv: PostedRecv = {
      ctx: c.ctx,
      src,
      tag,
      tagMask: -1,
      directPtr: isDense(t) ? buf : -1,
      capacity,
      onComplete: (msg: Incoming) => {
        this.arrived(status, c, buf, t, capacity, msg);
        done = true;
      },
    };
    this.transport.post(recv);
    return { kind: "recv", comm: commHandle, complete: () => done, status, recv };
  }

  startSend(
    commHandle: number,
    buf: number,
    count: number,
    typeHandle: number,
    dest: number,
    tag: number,
    sync: boolean,
  ): Request {
    const out = this.sendMessage(commHandle, buf, count, typeHandle, dest, tag, sync);
    const status = MpiRank.emptyStatus();
    if (out === undefined) return { kind: "send", comm: commHandle, complete: () => true, status };
    return { kind: "send", comm: commHandle, complete: () => out.written && out.acked, status, out };
  }

  /** A blocking send: returns once the buffer may be reused (and, if sync, the message matched). */
  sendBlocking(
    commHandle: number,
    buf: number,
    count: number,
    typeHandle: number,
    dest: number,
    tag: number,
    sync: boolean,
  ): void {
    // The common case, a message that fits the receiver's inbox, is written before this returns
    // and needs neither a request nor a wait.
    const out = this.sendMessage(commHandle, buf, count, typeHandle, dest, tag, sync);
    if (out !== undefined && !(out.written && out.acked)) {
      this.transport.waitUntil(() => out.written && out.acked);
    }
  }

  /** Checks a send's arguments and hands the message to the transport (undefined for MPI_PROC_NULL). */
  private sendMessage(
    commHandle: number,
    buf: number,
    count: number,
    typeHandle: number,
    dest: number,
    tag: number,
    sync: boolean,
  ): Outgoing | undefined {
    const c = this.comm(commHandle);
    const t = this.commType(typeHandle);
    this.checkCount(count);
    this.checkSendTag(tag);
    if (dest === PROC_NULL) return undefined;
    const world = this.worldOf(c, dest);
    const source = isDense(t)
      ? fromMemory(buf, count * t.size)
      : ownBytes(pack(this.mem.u8(), buf, count, t));
    return this.transport.send(world, c.ctx, tag, source, sync);
  }

  /** Raises MPI_ERR_TRUNCATE (or another error) recorded in a completed request. */
  raiseStatusError(s: StatusValue, what: string): void {
    if (s.error === ErrorClass.MPI_ERR_TRUNCATE) {
      throw mpiError(
        "MPI_ERR_TRUNCATE",
        `${what}: message of more bytes than the receive buffer holds (${s.count} delivered)`,
      );
    }
  }

  wait(r: Request): void {
    if (!r.complete()) this.transport.waitUntil(r.complete);
  }

  // ---- internal messages of collectives (context ctx + 1, tag = collective kind) ----

  /** Number for the next collective on c; taken when the collective starts. */
  nextCollSeq(c: CommState): number {
    const seq = c.collSeq ?? 0;
    c.collSeq = (seq + 1) & COLL_SEQ_MASK;
    return seq;
  }

  collSend(c: CommState, rank: number, kind: number, bytes: Uint8Array, seq: number): Outgoing {
    return this.transport.send(
      this.worldOf(c, rank),
      c.ctx + 1,
      (seq << COLL_KIND_BITS) | kind,
      ownBytes(bytes),
      false,
    );
  }

  /** Posts the receive of collective seq's next message from rank; the box fills on arrival. */
  postCollRecv(c: CommState, rank: number, seq: number, kind?: number): { msg: Incoming | undefined } {
    const box: { msg: Incoming | undefined } = { msg: undefined };
    this.transport.post({
      ctx: c.ctx + 1,
      src: this.worldOf(c, rank),
      // With a kind, only that kind matches (neighbourhood collectives tell directions apart by it).
      tag: (seq << COLL_KIND_BITS) | (kind ?? 0),
      tagMask: kind === undefined ? ~((1 << COLL_KIND_BITS) - 1) : -1,
      directPtr: -1,
      // Any size (collectives check sizes themselves); a small integer, as in user receives, so
      // that V8 keeps one field representation for both.
      capacity: 0x3fffffff,
      onComplete: (msg) => {
        box.msg = msg;
      },
    });
    return box;
  }

  /** The payload of a collective message, after checking it belongs to this collective. */
  checkColl(msg: Incoming, rank: number, kind: number, what: string, expected?: number): Uint8Array {
    const theirs = msg.tag & ((1 << COLL_KIND_BITS) - 1);
    if (theirs !== kind) {
      throw mpiError(
        "MPI_ERR_OTHER",
        `mismatched collectives: this rank is in ${what} while rank ${rank} called ${COLLECTIVE_NAMES[theirs] ?? `collective ${theirs}`}`,
      );
    }
    if (expected !== undefined && msg.total !== expected) {
      throw mpiError(
        msg.total > expected ? "MPI_ERR_TRUNCATE" : "MPI_ERR_OTHER",
        `${what}: rank ${rank} contributed ${msg.total} bytes where ${expected} were expected (mismatched counts or types)`,
      );
    }
    return msg.data ?? new Uint8Array(0);
  }

  // ---- reductions ----

  isCommutative(op: number): boolean {
    if (op >= 1 && op <= Op.NO_OP) return true;
    const user = this.state.ops[op];
    if (user === undefined) throw mpiError("MPI_ERR_OP", `invalid operation ${op}`);
    return user.commute;
  }

  /** What granny_mpi_rt.c registered; calls back into the module need it. */
  runtime(what: string): { readonly scratch: number; readonly malloc: number; readonly free: number } {
    const rt = this.state.runtime;
    if (rt === undefined)
      throw mpiError("MPI_ERR_INTERN", `${what} need the module to be built with granny cc`);
    return rt;
  }

  /** Calls a function of the module by its function-table index (a C function pointer). */
  callModule(index: number, ...args: number[]): number {
    const table = this.host.instance().exports.__indirect_function_table;
    if (!(table instanceof WebAssembly.Table)) {
      throw mpiError(
        "MPI_ERR_INTERN",
        "the module does not export its function table (build it with granny cc)",
      );
    }
    const f = table.get(index);
    if (typeof f !== "function") throw mpiError("MPI_ERR_ARG", `function pointer ${index} is not a function`);
    return Number((f as (...a: number[]) => unknown)(...args) ?? 0);
  }

  /** b = a op b over `count` elements of type t, both packed. */
  applyOp(op: number, typeHandle: number, t: TypeInfo, count: number, a: Uint8Array, b: Uint8Array): void {
    if (op >= 1 && op <= Op.NO_OP) {
      if (t.basic === "opaque") {
        throw mpiError("MPI_ERR_OP", `${OP_NAMES[op]} is not defined for datatype ${t.name}`);
      }
      reduceInto(op, t.basic, a, b);
      return;
    }
    const user = this.state.ops[op];
    if (user === undefined) throw mpiError("MPI_ERR_OP", `invalid operation ${op}`);
    const rt = this.runtime("user-defined operations");
    const call = (index: number, ...args: number[]) => this.callModule(index, ...args);
    const bytes = Math.max(1, t.lb + count * t.extent);
    const pa = call(rt.malloc, bytes);
    const pb = call(rt.malloc, bytes);
    if (pa === 0 || pb === 0) throw mpiError("MPI_ERR_NO_MEM", "malloc failed for a user-defined reduction");
    try {
      unpack(this.mem.u8(), pa, t, a);
      unpack(this.mem.u8(), pb, t, b);
      this.mem.setI32(rt.scratch, count);
      this.mem.setI32(rt.scratch + 4, typeHandle);
      call(user.fn, pa, pb, rt.scratch, rt.scratch + 4);
      b.set(pack(this.mem.u8(), pb, count, t));
    } finally {
      call(rt.free, pa);
      call(rt.free, pb);
    }
  }
}

/** A collective's internal messages are tagged (sequence number << COLL_KIND_BITS) | kind. */
export const COLL_KIND_BITS = 5;
const COLL_SEQ_MASK = (1 << (30 - COLL_KIND_BITS)) - 1;

/** Tags of the internal messages of each collective, to tell mismatched collectives apart. */
export const Coll = {
  barrier: 1,
  bcast: 2,
  reduce: 3,
  allreduce: 4,
  gather: 5,
  gatherv: 6,
  scatter: 7,
  scatterv: 8,
  allgather: 9,
  allgatherv: 10,
  alltoall: 11,
  alltoallv: 12,
  reduceScatter: 13,
  scan: 14,
  exscan: 15,
  commCreate: 16,
  reduceScatterBlock: 17,
  /** The internal barrier that brings a held barrier to a quiescent cut (migration.ts). */
  quiesce: 18,
} as const;

export const COLLECTIVE_NAMES: Readonly<Record<number, string>> = {
  1: "MPI_Barrier",
  2: "MPI_Bcast",
  3: "MPI_Reduce",
  4: "MPI_Allreduce",
  5: "MPI_Gather",
  6: "MPI_Gatherv",
  7: "MPI_Scatter",
  8: "MPI_Scatterv",
  9: "MPI_Allgather",
  10: "MPI_Allgatherv",
  11: "MPI_Alltoall",
  12: "MPI_Alltoallv",
  13: "MPI_Reduce_scatter",
  14: "MPI_Scan",
  15: "MPI_Exscan",
  16: "a communicator constructor",
  17: "MPI_Reduce_scatter_block",
  ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [20 + i, "a neighbourhood collective"])),
  18: "MPI_Barrier (quiescing for a migration)",
};

/** A datatype whose elements lie back to back: messages of it go to and from memory directly. */
function isDense(t: TypeInfo): boolean {
  return t.blocks.length === 1 && t.blocks[0]?.[0] === 0 && t.blocks[0]?.[1] === t.extent && t.lb === 0;
}

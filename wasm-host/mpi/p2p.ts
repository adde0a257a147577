// Point-to-point host calls: blocking and nonblocking sends and receives, completion, probing.

import { PROC_NULL, REQUEST_NULL, STATUS_BYTES, STATUS_IGNORE, UNDEFINED } from "./abi.js";
import { BASIC_SIZE, pack } from "./datatypes.js";
import { mpiError } from "./errors.js";
import type { HostCalls } from "./imports-types.js";
import { MpiRank, type Request, type StatusValue } from "./rank.js";
import { ownBytes } from "./transport.js";

export function p2pCalls(rank: MpiRank): HostCalls {
  const mem = rank.mem;

  const statusAt = (base: number, i: number) =>
    base === STATUS_IGNORE ? STATUS_IGNORE : base + i * STATUS_BYTES;

  /**
   * Persistent requests (MPI_Send_init, MPI_Recv_init): the handle stays valid across
   * MPI_Start and completion; `start` makes the operation of one round.
   */
  const persistent = new Map<number, { readonly start: () => Request; active: Request | undefined }>();

  /** Completes a finished request: status out, handle freed (or a persistent one made inactive), errors raised. */
  const finish = (handlePtr: number, handle: number, r: Request, statusPtr: number, what: string): void => {
    const status = r.status;
    const p = persistent.get(handle);
    if (p !== undefined) {
      p.active = undefined;
    } else {
      rank.requests.delete(handle);
      mem.setI32(handlePtr, REQUEST_NULL);
    }
    rank.writeStatus(statusPtr, status);
    rank.raiseStatusError(status, what);
  };

  /** A persistent request as Wait and Test see it: its active round, or complete when inactive. */
  const persistentRequest = (kind: "send" | "recv", comm: number, start: () => Request): number => {
    const entry: { start: () => Request; active: Request | undefined } = { start, active: undefined };
    const view: Request = {
      kind,
      comm,
      complete: () => entry.active === undefined || entry.active.complete(),
      get status() {
        return entry.active?.status ?? MpiRank.emptyStatus();
      },
    };
    const handle = rank.addRequest(view);
    persistent.set(handle, entry);
    return handle;
  };

  const startPersistent = (handle: number): void => {
    const p = persistent.get(handle);
    if (p === undefined)
      throw mpiError("MPI_ERR_REQUEST", `MPI_Start of request ${handle}, which is not persistent`);
    if (p.active !== undefined && !p.active.complete()) {
      throw mpiError("MPI_ERR_REQUEST", `MPI_Start of request ${handle}, which is still active`);
    }
    p.active = p.start();
  };

  const blockingSend =
    (sync: boolean) =>
    (buf: number, count: number, type: number, dest: number, tag: number, comm: number) => {
      rank.sendBlocking(comm, buf, count, type, dest, tag, sync);
      return 0;
    };

  const nonblockingSend =
    (sync: boolean) =>
    (buf: number, count: number, type: number, dest: number, tag: number, comm: number, reqPtr: number) => {
      mem.setI32(reqPtr, rank.addRequest(rank.startSend(comm, buf, count, type, dest, tag, sync)));
      return 0;
    };

  const probe = (source: number, tag: number, comm: number): StatusValue | undefined => {
    const c = rank.comm(comm);
    rank.checkRecvTag(tag);
    const src = rank.checkSource(c, source);
    if (src === PROC_NULL) return MpiRank.procNullStatus();
    const msg = rank.transport.peek(c.ctx, src, tag);
    if (msg === undefined) return undefined;
    return {
      source: rank.commRankOf(c, msg.src),
      tag: msg.tag,
      error: 0,
      count: msg.total,
      cancelled: false,
    };
  };

  return {
    MPI_Send: blockingSend(false),
    MPI_Rsend: blockingSend(false),
    // Every send is buffered by the runtime, so a buffered send needs no attached buffer.
    MPI_Bsend: blockingSend(false),
    MPI_Ssend: blockingSend(true),
    MPI_Isend: nonblockingSend(false),
    MPI_Irsend: nonblockingSend(false),
    MPI_Ibsend: nonblockingSend(false),
    MPI_Issend: nonblockingSend(true),

    MPI_Buffer_attach(_buf, _size) {
      return 0;
    },
    MPI_Buffer_detach(bufPtr, sizePtr) {
      mem.setI32(bufPtr, 0);
      mem.setI32(sizePtr, 0);
      return 0;
    },

    MPI_Recv(buf, count, type, source, tag, comm, statusPtr) {
      const status = rank.recvBlocking(comm, buf, count, type, source, tag);
      rank.writeStatus(statusPtr, status);
      rank.raiseStatusError(status, "MPI_Recv");
      return 0;
    },

    MPI_Irecv(buf, count, type, source, tag, comm, reqPtr) {
      mem.setI32(reqPtr, rank.addRequest(rank.startRecv(comm, buf, count, type, source, tag)));
      return 0;
    },

    MPI_Sendrecv(sbuf, scount, stype, dest, stag, rbuf, rcount, rtype, source, rtag, comm, statusPtr) {
      const recv = rank.startRecv(comm, rbuf, rcount, rtype, source, rtag);
      const send = rank.startSend(comm, sbuf, scount, stype, dest, stag, false);
      rank.transport.waitUntil(() => recv.complete() && send.complete());
      rank.writeStatus(statusPtr, recv.status);
      rank.raiseStatusError(recv.status, "MPI_Sendrecv");
      return 0;
    },

    MPI_Sendrecv_replace(buf, count, type, dest, stag, source, rtag, comm, statusPtr) {
      const c = rank.comm(comm);
      const t = rank.commType(type);
      rank.checkSendTag(stag);
      // The outgoing data is copied first, because the receive overwrites the same buffer.
      const outBytes = pack(mem.u8(), buf, count, t);
      const recv = rank.startRecv(comm, buf, count, type, source, rtag);
      const out =
        dest === PROC_NULL
          ? undefined
          : rank.transport.send(rank.worldOf(c, dest), c.ctx, stag, ownBytes(outBytes), false);
      rank.transport.waitUntil(() => recv.complete() && (out === undefined || out.written));
      rank.writeStatus(statusPtr, recv.status);
      rank.raiseStatusError(recv.status, "MPI_Sendrecv_replace");
      return 0;
    },

    MPI_Wait(reqPtr, statusPtr) {
      const handle = mem.i32(reqPtr);
      const r = rank.request(handle);
      if (r === undefined) {
        rank.writeStatus(statusPtr, MpiRank.emptyStatus());
        return 0;
      }
      rank.wait(r);
      finish(reqPtr, handle, r, statusPtr, "MPI_Wait");
      return 0;
    },

    MPI_Test(reqPtr, flagPtr, statusPtr) {
      const handle = mem.i32(reqPtr);
      const r = rank.request(handle);
      if (r === undefined) {
        mem.setI32(flagPtr, 1);
        rank.writeStatus(statusPtr, MpiRank.emptyStatus());
        return 0;
      }
      rank.transport.progress();
      const done = r.complete();
      mem.setI32(flagPtr, done ? 1 : 0);
      if (done) finish(reqPtr, handle, r, statusPtr, "MPI_Test");
      return 0;
    },

    MPI_Waitall(count, reqsPtr, statusesPtr) {
      const handles = mem.ints(reqsPtr, count);
      const reqs = handles.map((h) => rank.request(h));
      rank.transport.waitUntil(() => reqs.every((r) => r === undefined || r.complete()));
      handles.forEach((h, i) => {
        const r = reqs[i];
        if (r === undefined) rank.writeStatus(statusAt(statusesPtr, i), MpiRank.emptyStatus());
        else finish(reqsPtr + 4 * i, h, r, statusAt(statusesPtr, i), "MPI_Waitall");
      });
      return 0;
    },

    MPI_Testall(count, reqsPtr, flagPtr, statusesPtr) {
      rank.transport.progress();
      const handles = mem.ints(reqsPtr, count);
      const reqs = handles.map((h) => rank.request(h));
      const all = reqs.every((r) => r === undefined || r.complete());
      mem.setI32(flagPtr, all ? 1 : 0);
      if (all) {
        handles.forEach((h, i) => {
          const r = reqs[i];
          if (r === undefined) rank.writeStatus(statusAt(statusesPtr, i), MpiRank.emptyStatus());
          else finish(reqsPtr + 4 * i, h, r, statusAt(statusesPtr, i), "MPI_Testall");
        });
      }
      return 0;
    },

    MPI_Waitany(count, reqsPtr, indexPtr, statusPtr) {
      const handles = mem.ints(reqsPtr, count);
      const reqs = handles.map((h) => rank.request(h));
      if (reqs.every((r) => r === undefined)) {
        mem.setI32(indexPtr, UNDEFINED);
        rank.writeStatus(statusPtr, MpiRank.emptyStatus());
        return 0;
      }
      let index = -1;
      rank.transport.waitUntil(() => {
        index = reqs.findIndex((r) => r?.complete());
        return index >= 0;
      });
      mem.setI32(indexPtr, index);
      finish(reqsPtr + 4 * index, handles[index] as number, reqs[index] as Request, statusPtr, "MPI_Waitany");
      return 0;
    },

    MPI_Testany(count, reqsPtr, indexPtr, flagPtr, statusPtr) {
      rank.transport.progress();
      const handles = mem.ints(reqsPtr, count);
      const reqs = handles.map((h) => rank.request(h));
      if (reqs.every((r) => r === undefined)) {
        mem.setI32(indexPtr, UNDEFINED);
        mem.setI32(flagPtr, 1);
        rank.writeStatus(statusPtr, MpiRank.emptyStatus());
        return 0;
      }
      const index = reqs.findIndex((r) => r?.complete());
      mem.setI32(flagPtr, index >= 0 ? 1 : 0);
      mem.setI32(indexPtr, index >= 0 ? index : UNDEFINED);
      if (index >= 0)
        finish(
          reqsPtr + 4 * index,
          handles[index] as number,
          reqs[index] as Request,
          statusPtr,
          "MPI_Testany",
        );
      return 0;
    },

    MPI_Waitsome(count, reqsPtr, outcountPtr, indicesPtr, statusesPtr) {
      const handles = mem.ints(reqsPtr, count);
      const reqs = handles.map((h) => rank.request(h));
      if (reqs.every((r) => r === undefined)) {
        mem.setI32(outcountPtr, UNDEFINED);
        return 0;
      }
      rank.transport.waitUntil(() => reqs.some((r) => r?.complete()));
      let n = 0;
      reqs.forEach((r, i) => {
        if (r === undefined || !r.complete()) return;
        mem.setI32(indicesPtr + 4 * n, i);
        finish(reqsPtr + 4 * i, handles[i] as number, r, statusAt(statusesPtr, n), "MPI_Waitsome");
        n++;
      });
      mem.setI32(outcountPtr, n);
      return 0;
    },

    MPI_Send_init(buf, count, type, dest, tag, comm, reqPtr) {
      rank.comm(comm);
      const start = () => rank.startSend(comm, buf, count, type, dest, tag, false);
      mem.setI32(reqPtr, persistentRequest("send", comm, start));
      return 0;
    },
    MPI_Ssend_init(buf, count, type, dest, tag, comm, reqPtr) {
      rank.comm(comm);
      const start = () => rank.startSend(comm, buf, count, type, dest, tag, true);
      mem.setI32(reqPtr, persistentRequest("send", comm, start));
      return 0;
    },
    MPI_Recv_init(buf, count, type, source, tag, comm, reqPtr) {
      rank.comm(comm);
      const start = () => rank.startRecv(comm, buf, count, type, source, tag);
      mem.setI32(reqPtr, persistentRequest("recv", comm, start));
      return 0;
    },
    MPI_Start(reqPtr) {
      startPersistent(mem.i32(reqPtr));
      return 0;
    },
    MPI_Startall(count, reqsPtr) {
      for (const handle of mem.ints(reqsPtr, count)) startPersistent(handle);
      return 0;
    },

    MPI_Request_free(reqPtr) {
      const handle = mem.i32(reqPtr);
      if (rank.request(handle) === undefined)
        throw mpiError("MPI_ERR_REQUEST", "MPI_Request_free of MPI_REQUEST_NULL");
      if (rank.request(handle)?.kind === "collective") {
        throw mpiError("MPI_ERR_REQUEST", "MPI_Request_free of a nonblocking collective (MPI-3.1 5.12)");
      }
      persistent.delete(handle);
      // A send carries on in the background; the runtime keeps progressing it.
      rank.requests.delete(handle);
      mem.setI32(reqPtr, REQUEST_NULL);
      return 0;
    },

    MPI_Request_get_status(handle, flagPtr, statusPtr) {
      const r = rank.request(handle);
      rank.transport.progress();
      const done = r === undefined || r.complete();
      mem.setI32(flagPtr, done ? 1 : 0);
      if (done) rank.writeStatus(statusPtr, r?.status ?? MpiRank.emptyStatus());
      return 0;
    },

    MPI_Cancel(reqPtr) {
      const r = rank.request(mem.i32(reqPtr));
      if (r?.kind === "recv" && r.recv !== undefined && !r.complete() && rank.transport.cancel(r.recv)) {
        r.status.cancelled = true;
        r.complete = () => true;
      }
      // A send that is already buffered cannot be cancelled; MPI allows the cancel to fail.
      return 0;
    },

    MPI_Test_cancelled(statusPtr, flagPtr) {
      mem.setI32(flagPtr, mem.i32(statusPtr + 16));
      return 0;
    },

    MPI_Probe(source, tag, comm, statusPtr) {
      let s: StatusValue | undefined;
      rank.transport.waitUntil(() => {
        s = probe(source, tag, comm);
        return s !== undefined;
      });
      rank.writeStatus(statusPtr, s as StatusValue);
      return 0;
    },

    MPI_Iprobe(source, tag, comm, flagPtr, statusPtr) {
      rank.transport.progress();
      const s = probe(source, tag, comm);
      mem.setI32(flagPtr, s === undefined ? 0 : 1);
      if (s !== undefined) rank.writeStatus(statusPtr, s);
      return 0;
    },

    MPI_Get_count(statusPtr, type, countPtr) {
      const t = rank.type(type);
      const bytes = rank.readStatusCount(statusPtr);
      mem.setI32(countPtr, t.size === 0 ? 0 : bytes % t.size === 0 ? bytes / t.size : UNDEFINED);
      return 0;
    },

    MPI_Get_elements(statusPtr, type, countPtr) {
      const t = rank.type(type);
      const bytes = rank.readStatusCount(statusPtr);
      const per = t.basic === "opaque" ? t.size : BASIC_SIZE[t.basic];
      mem.setI32(countPtr, per === 0 ? 0 : bytes % per === 0 ? bytes / per : UNDEFINED);
      return 0;
    },
  };
}

// Our own WASI preview 1 ("wasi_snapshot_preview1"), replacing node:wasi, which crashes once a
// memory grows past about 32 MiB (nodejs/node#51303) and keeps state a snapshot cannot reach.
//
// What a granule gets:
// - args, environment, clocks (see clocks.ts), random_get (crypto), sched_yield, proc_exit;
// - stdin (always at end of file), stdout and stderr, handed to a WasiIo as they are written;
// - poll_oneoff with clock subscriptions (sleep, blocking on Atomics.wait over a private
//   SharedArrayBuffer) and stdio read/write subscriptions (always ready);
// - no filesystem and no sockets: there are no preopened directories (fd_prestat_get answers
//   EBADF, so libc's open() fails with ENOENT/ENOTCAPABLE before it calls path_open), path_*
//   answer EBADF/ENOENT, operations stdio cannot do answer ESPIPE/EINVAL/ENOTSOCK, and every other
//   preview 1 function answers ENOSYS (52). A WASI function name the module imports that is not in
//   preview 1 at all also links and answers ENOSYS, so instantiation never fails on WASI.
//
// Memory views are made afresh on every call: memory.grow replaces the buffer. All state lives in
// a WasiState (plain data) and the clocks, so getState() can be put into a snapshot.

import { randomFillSync } from "node:crypto";
import { GranuleClocks } from "./clocks.js";
import {
  ClockId,
  Errno,
  EVENTRWFLAGS_HANGUP,
  EventType,
  FDFLAGS_ALL,
  Filetype,
  Layout,
  PREVIEW1_FUNCTIONS,
  Rights,
  SUBCLOCKFLAGS_ABSTIME,
  WASI_NAMESPACE,
} from "./constants.js";
import { WasiExit } from "./exit.js";
import { type StdioStream, WASI_STATE_VERSION, type WasiFdState, type WasiState } from "./state.js";

/** Where a granule's output goes. Bytes are a private copy the receiver may keep or transfer. */
export interface WasiIo {
  writeStdout(bytes: Uint8Array): void;
  writeStderr(bytes: Uint8Array): void;
}

type Syscall = (...args: never[]) => number | undefined;

const STDIO_RIGHTS: Record<StdioStream, bigint> = {
  stdin: Rights.fdRead | Rights.fdFdstatSetFlags | Rights.pollFdReadwrite,
  stdout: Rights.fdWrite | Rights.fdFdstatSetFlags | Rights.pollFdReadwrite,
  stderr: Rights.fdWrite | Rights.fdFdstatSetFlags | Rights.pollFdReadwrite,
};

const encoder = new TextEncoder();
const MS_PER_NS = 1e-6;

export class WasiPreview1 {
  private readonly args: readonly string[];
  private readonly env: readonly string[];
  private readonly fds: Map<number, { stream: StdioStream; flags: number; open: boolean }>;
  private readonly clocks: GranuleClocks;
  /** Private: nobody notifies it, so Atomics.wait on it is a plain sleep. */
  private readonly sleepCell = new Int32Array(new SharedArrayBuffer(4));
  private memoryGetter: (() => WebAssembly.Memory) | undefined;

  constructor(
    state: WasiState,
    private readonly io: WasiIo,
  ) {
    this.args = [...state.args];
    this.env = [...state.env];
    this.fds = new Map(state.fds.map((f) => [f.fd, { stream: f.stream, flags: f.flags, open: f.open }]));
    this.clocks = new GranuleClocks(state.clock);
  }

  /** The memory to read and write; a getter because the instance exists only after linking. */
  bindMemory(memory: () => WebAssembly.Memory): void {
    this.memoryGetter = memory;
  }

  getState(): WasiState {
    const fds: WasiFdState[] = [...this.fds].map(([fd, f]) => ({ fd, ...f }));
    return {
      version: WASI_STATE_VERSION,
      args: [...this.args],
      env: [...this.env],
      clock: this.clocks.capture(),
      fds,
    };
  }

  /**
   * The import namespace for a module: every preview 1 function, plus an ENOSYS stub for any
   * other name the module imports from wasi_snapshot_preview1.
   */
  imports(module?: WebAssembly.Module): WebAssembly.ModuleImports {
    const table: Record<string, Syscall> = this.syscalls();
    const names = new Set<string>(PREVIEW1_FUNCTIONS);
    if (module !== undefined) {
      for (const imp of WebAssembly.Module.imports(module)) {
        if (imp.module === WASI_NAMESPACE && imp.kind === "function") names.add(imp.name);
      }
    }
    const out: WebAssembly.ModuleImports = {};
    for (const name of names) {
      const fn = table[name];
      out[name] = fn === undefined ? () => Errno.nosys : guardFaults(fn);
    }
    return out;
  }

  // ---- memory access -------------------------------------------------------------------------

  private memory(): WebAssembly.Memory {
    if (this.memoryGetter === undefined) {
      throw new Error("WASI function called before the granule's memory was bound");
    }
    return this.memoryGetter();
  }

  private view(): DataView {
    return new DataView(this.memory().buffer);
  }

  private bytes(): Uint8Array {
    return new Uint8Array(this.memory().buffer);
  }

  private openFd(fd: number): { stream: StdioStream; flags: number; open: boolean } | undefined {
    const f = this.fds.get(fd);
    return f?.open ? f : undefined;
  }

  /** Copies the bytes an iovec list points at into one private buffer. */
  private gather(iovs: number, count: number): Uint8Array {
    const view = this.view();
    const mem = this.bytes();
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < count; i++) {
      const base = iovs + i * Layout.iovecSize;
      const ptr = view.getUint32(base, true);
      const len = view.getUint32(base + 4, true);
      if (ptr + len > mem.length) throw new RangeError("iovec outside linear memory");
      parts.push(mem.subarray(ptr, ptr + len));
      total += len;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  private writeStrings(list: readonly string[], ptrsPtr: number, bufPtr: number): number {
    const view = this.view();
    const mem = this.bytes();
    let at = bufPtr;
    list.forEach((s, i) => {
      const encoded = encoder.encode(s);
      if (at + encoded.length + 1 > mem.length) throw new RangeError("string buffer outside linear memory");
      view.setUint32(ptrsPtr + i * 4, at, true);
      mem.set(encoded, at);
      mem[at + encoded.length] = 0;
      at += encoded.length + 1;
    });
    return Errno.success;
  }

  private writeSizes(list: readonly string[], countPtr: number, sizePtr: number): number {
    const view = this.view();
    const size = list.reduce((n, s) => n + encoder.encode(s).length + 1, 0);
    view.setUint32(countPtr, list.length, true);
    view.setUint32(sizePtr, size, true);
    return Errno.success;
  }

  private clockNow(id: number): bigint | undefined {
    switch (id) {
      case ClockId.realtime:
        return this.clocks.realtimeNs();
      case ClockId.monotonic:
        return this.clocks.monotonicNs();
      case ClockId.processCputime:
      case ClockId.threadCputime:
        return this.clocks.cputimeNs();
      default:
        return undefined;
    }
  }

  private sleepNs(ns: bigint): void {
    const start = this.clocks.monotonicNs();
    const deadline = start + ns;
    for (;;) {
      const left = deadline - this.clocks.monotonicNs();
      if (left <= 0n) break;
      Atomics.wait(this.sleepCell, 0, 0, Math.max(Number(left) * MS_PER_NS, 0.001));
    }
    this.clocks.addBlocked(this.clocks.monotonicNs() - start);
  }

  // ---- the syscalls ----------------------------------------------------------------------------

  private syscalls(): Record<string, Syscall> {
    const u32 = (x: number) => x >>> 0;
    const badfUnlessStdio = (fd: number, stdioErrno: number) => () =>
      this.openFd(fd) ? stdioErrno : Errno.badf;
    return {
      args_get: (argv: number, buf: number) => this.writeStrings(this.args, u32(argv), u32(buf)),
      args_sizes_get: (count: number, size: number) => this.writeSizes(this.args, u32(count), u32(size)),
      environ_get: (envp: number, buf: number) => this.writeStrings(this.env, u32(envp), u32(buf)),
      environ_sizes_get: (count: number, size: number) => this.writeSizes(this.env, u32(count), u32(size)),

      clock_res_get: (id: number, resPtr: number) => {
        if (this.clockNow(id) === undefined) return Errno.inval;
        // performance.now() is specified to microsecond resolution at best.
        this.view().setBigUint64(u32(resPtr), 1000n, true);
        return Errno.success;
      },
      clock_time_get: (id: number, _precision: bigint, timePtr: number) => {
        const now = this.clockNow(id);
        if (now === undefined) return Errno.inval;
        this.view().setBigUint64(u32(timePtr), now, true);
        return Errno.success;
      },

      random_get: (buf: number, len: number) => {
        const ptr = u32(buf);
        const n = u32(len);
        const mem = this.bytes();
        if (ptr + n > mem.length) return Errno.fault;
        // A private buffer: randomFillSync over a shared memory's buffer is not guaranteed.
        mem.set(randomFillSync(new Uint8Array(n)), ptr);
        return Errno.success;
      },

      fd_write: (fd: number, iovs: number, count: number, nwrittenPtr: number) => {
        const f = this.openFd(fd);
        if (f === undefined || f.stream === "stdin") return Errno.badf;
        const data = this.gather(u32(iovs), u32(count));
        // Read the length first: the receiver may transfer (detach) the buffer.
        const written = data.length;
        this.view().setUint32(u32(nwrittenPtr), written, true);
        if (written > 0) {
          if (f.stream === "stdout") this.io.writeStdout(data);
          else this.io.writeStderr(data);
        }
        return Errno.success;
      },
      fd_read: (fd: number, _iovs: number, _count: number, nreadPtr: number) => {
        const f = this.openFd(fd);
        if (f === undefined || f.stream !== "stdin") return Errno.badf;
        // stdin is empty: end of file straight away.
        this.view().setUint32(u32(nreadPtr), 0, true);
        return Errno.success;
      },
      fd_pread: (fd: number) => badfUnlessStdio(fd, Errno.spipe)(),
      fd_pwrite: (fd: number) => badfUnlessStdio(fd, Errno.spipe)(),
      fd_seek: (fd: number) => badfUnlessStdio(fd, Errno.spipe)(),
      fd_tell: (fd: number) => badfUnlessStdio(fd, Errno.spipe)(),
      fd_advise: (fd: number) => badfUnlessStdio(fd, Errno.spipe)(),
      fd_allocate: (fd: number) => badfUnlessStdio(fd, Errno.spipe)(),
      fd_sync: (fd: number) => badfUnlessStdio(fd, Errno.inval)(),
      fd_datasync: (fd: number) => badfUnlessStdio(fd, Errno.inval)(),
      fd_readdir: (fd: number) => badfUnlessStdio(fd, Errno.notdir)(),
      fd_filestat_set_size: (fd: number) => badfUnlessStdio(fd, Errno.inval)(),
      fd_filestat_set_times: (fd: number) => badfUnlessStdio(fd, Errno.nosys)(),
      fd_fdstat_set_rights: (fd: number) => badfUnlessStdio(fd, Errno.nosys)(),
      fd_renumber: (from: number, to: number) =>
        this.openFd(from) && this.openFd(to) ? Errno.nosys : Errno.badf,
      sock_accept: (fd: number) => badfUnlessStdio(fd, Errno.notsock)(),
      sock_recv: (fd: number) => badfUnlessStdio(fd, Errno.notsock)(),
      sock_send: (fd: number) => badfUnlessStdio(fd, Errno.notsock)(),
      sock_shutdown: (fd: number) => badfUnlessStdio(fd, Errno.notsock)(),

      fd_close: (fd: number) => {
        const f = this.openFd(fd);
        if (f === undefined) return Errno.badf;
        f.open = false;
        return Errno.success;
      },
      fd_fdstat_get: (fd: number, statPtr: number) => {
        const f = this.openFd(fd);
        if (f === undefined) return Errno.badf;
        const view = this.view();
        const p = u32(statPtr);
        // A character device without seek/tell rights is what libc takes for a terminal, so
        // stdout is line-buffered and reaches the host as each line is printed.
        view.setUint8(p, Filetype.characterDevice);
        view.setUint8(p + 1, 0);
        view.setUint16(p + 2, f.flags, true);
        view.setUint32(p + 4, 0, true);
        view.setBigUint64(p + 8, STDIO_RIGHTS[f.stream], true);
        view.setBigUint64(p + 16, 0n, true);
        return Errno.success;
      },
      fd_fdstat_set_flags: (fd: number, flags: number) => {
        const f = this.openFd(fd);
        if (f === undefined) return Errno.badf;
        if ((flags & ~FDFLAGS_ALL) !== 0) return Errno.inval;
        f.flags = flags & 0xffff;
        return Errno.success;
      },
      fd_filestat_get: (fd: number, statPtr: number) => {
        const f = this.openFd(fd);
        if (f === undefined) return Errno.badf;
        const p = u32(statPtr);
        this.bytes().fill(0, p, p + Layout.filestatSize);
        this.view().setUint8(p + 16, Filetype.characterDevice);
        return Errno.success;
      },
      fd_prestat_get: () => Errno.badf,
      fd_prestat_dir_name: () => Errno.badf,

      // No preopened directory exists, so no descriptor can name a directory.
      path_create_directory: () => Errno.badf,
      path_filestat_get: () => Errno.badf,
      path_filestat_set_times: () => Errno.badf,
      path_link: () => Errno.badf,
      path_open: () => Errno.badf,
      path_readlink: () => Errno.badf,
      path_remove_directory: () => Errno.badf,
      path_rename: () => Errno.badf,
      path_symlink: () => Errno.badf,
      path_unlink_file: () => Errno.badf,

      poll_oneoff: (inPtr: number, outPtr: number, nsubs: number, neventsPtr: number) =>
        this.pollOneoff(u32(inPtr), u32(outPtr), u32(nsubs), u32(neventsPtr)),

      proc_exit: (code: number): never => {
        throw new WasiExit(u32(code));
      },
      proc_raise: () => Errno.nosys,
      sched_yield: () => Errno.success,
    };
  }

  private pollOneoff(inPtr: number, outPtr: number, nsubs: number, neventsPtr: number): number {
    if (nsubs === 0) return Errno.inval;
    const S = Layout.subscription;
    const E = Layout.event;
    const view = this.view();
    interface Ready {
      userdata: bigint;
      error: number;
      type: number;
      nbytes: bigint;
      flags: number;
    }
    const ready: Ready[] = [];
    const timers: { userdata: bigint; waitNs: bigint }[] = [];
    for (let i = 0; i < nsubs; i++) {
      const s = inPtr + i * Layout.subscriptionSize;
      const userdata = view.getBigUint64(s + S.userdata, true);
      const tag = view.getUint8(s + S.tag);
      if (tag === EventType.clock) {
        const id = view.getUint32(s + S.clockId, true);
        const timeout = view.getBigUint64(s + S.timeout, true);
        const flags = view.getUint16(s + S.flags, true);
        const now = this.clockNow(id);
        if (now === undefined) {
          ready.push({ userdata, error: Errno.inval, type: tag, nbytes: 0n, flags: 0 });
          continue;
        }
        const waitNs = (flags & SUBCLOCKFLAGS_ABSTIME) !== 0 ? timeout - now : timeout;
        timers.push({ userdata, waitNs: waitNs > 0n ? waitNs : 0n });
      } else if (tag === EventType.fdRead || tag === EventType.fdWrite) {
        const fd = view.getUint32(s + S.fd, true);
        const f = this.openFd(fd);
        const wantsRead = tag === EventType.fdRead;
        if (f === undefined || (f.stream === "stdin") !== wantsRead) {
          ready.push({ userdata, error: Errno.badf, type: tag, nbytes: 0n, flags: 0 });
        } else {
          // stdin is at end of file (hang-up); stdout and stderr never block.
          ready.push({
            userdata,
            error: Errno.success,
            type: tag,
            nbytes: 0n,
            flags: wantsRead ? EVENTRWFLAGS_HANGUP : 0,
          });
        }
      } else {
        ready.push({ userdata, error: Errno.inval, type: tag, nbytes: 0n, flags: 0 });
      }
    }
    if (ready.length === 0 && timers.length > 0) {
      // bigint, so no Math.min
      let shortest = timers[0]?.waitNs ?? 0n;
      for (const t of timers) if (t.waitNs < shortest) shortest = t.waitNs;
      this.sleepNs(shortest);
      for (const t of timers) {
        if (t.waitNs <= shortest) {
          ready.push({
            userdata: t.userdata,
            error: Errno.success,
            type: EventType.clock,
            nbytes: 0n,
            flags: 0,
          });
        }
      }
    } else {
      for (const t of timers) {
        if (t.waitNs === 0n) {
          ready.push({
            userdata: t.userdata,
            error: Errno.success,
            type: EventType.clock,
            nbytes: 0n,
            flags: 0,
          });
        }
      }
    }
    const out = this.view();
    ready.forEach((r, i) => {
      const e = outPtr + i * Layout.eventSize;
      this.bytes().fill(0, e, e + Layout.eventSize);
      out.setBigUint64(e + E.userdata, r.userdata, true);
      out.setUint16(e + E.error, r.error, true);
      out.setUint8(e + E.type, r.type);
      out.setBigUint64(e + E.nbytes, r.nbytes, true);
      out.setUint16(e + E.flags, r.flags, true);
    });
    out.setUint32(neventsPtr, ready.length, true);
    return Errno.success;
  }
}

/**
 * A pointer outside linear memory makes DataView throw RangeError; the program gets EFAULT as
 * from a kernel. A stack overflow is a RangeError too, and must keep unwinding as a trap.
 */
function guardFaults(fn: Syscall): (...args: never[]) => number | undefined {
  return (...args: never[]) => {
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof RangeError && !/call stack/i.test(e.message)) return Errno.fault;
      throw e;
    }
  };
}

// WasiPreview1 called directly over a real WebAssembly.Memory (no worker): struct layouts,
// errors for bad pointers and descriptors, poll_oneoff, growth, and state that round-trips.

import { describe, expect, it } from "vitest";
import { createWasiState, Errno, parseWasiState, WasiExit, WasiPreview1 } from "../../wasm-host/wasi/mod.js";
import { runProgram } from "./run-program.js";

type Fn = (...args: (number | bigint)[]) => number;

function setup(state = createWasiState(["prog", "arg1"], { A: "1" })) {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 10 });
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const wasi = new WasiPreview1(state, { writeStdout: (b) => out.push(b), writeStderr: (b) => err.push(b) });
  wasi.bindMemory(() => memory);
  const imports = wasi.imports();
  const call = (name: string, ...args: (number | bigint)[]): number => {
    const fn = imports[name];
    if (typeof fn !== "function") throw new Error(`no ${name}`);
    return (fn as unknown as Fn)(...args);
  };
  const view = () => new DataView(memory.buffer);
  return { memory, wasi, call, view, out, err };
}

describe("WasiPreview1", () => {
  it("writes gathered iovecs to stdout and reports the count", () => {
    const { call, view, memory, out } = setup();
    const bytes = new Uint8Array(memory.buffer);
    bytes.set(new TextEncoder().encode("hello "), 100);
    bytes.set(new TextEncoder().encode("world\n"), 200);
    view().setUint32(0, 100, true);
    view().setUint32(4, 6, true);
    view().setUint32(8, 200, true);
    view().setUint32(12, 6, true);
    expect(call("fd_write", 1, 0, 2, 16)).toBe(Errno.success);
    expect(view().getUint32(16, true)).toBe(12);
    expect(out.map((b) => new TextDecoder().decode(b))).toEqual(["hello world\n"]);
  });

  it("answers EFAULT for pointers outside memory and EBADF for unknown or closed descriptors", () => {
    const { call, view } = setup();
    view().setUint32(0, 65_000, true);
    view().setUint32(4, 10_000, true);
    expect(call("fd_write", 1, 0, 1, 16)).toBe(Errno.fault);
    expect(call("clock_time_get", 0, 0n, 70_000)).toBe(Errno.fault);
    expect(call("fd_write", 9, 0, 0, 16)).toBe(Errno.badf);
    expect(call("fd_close", 2)).toBe(Errno.success);
    expect(call("fd_write", 2, 0, 0, 16)).toBe(Errno.badf);
    expect(call("fd_close", 2)).toBe(Errno.badf);
    expect(call("fd_prestat_get", 3, 0)).toBe(Errno.badf);
    expect(call("path_open", 3, 0, 0, 0, 0, 0n, 0n, 0, 0)).toBe(Errno.badf);
    expect(call("fd_seek", 1, 0n, 0, 0)).toBe(Errno.spipe);
  });

  it("writes to the memory as it is after a grow", () => {
    const { call, memory, view } = setup();
    memory.grow(2);
    const high = 2 * 65_536 + 8;
    expect(call("args_sizes_get", high, high + 4)).toBe(Errno.success);
    expect(view().getUint32(high, true)).toBe(2);
    expect(view().getUint32(high + 4, true)).toBe("prog\0arg1\0".length);
    expect(call("args_get", high + 16, high + 64)).toBe(Errno.success);
    const p = view().getUint32(high + 20, true);
    expect(new TextDecoder().decode(new Uint8Array(memory.buffer, p, 4))).toBe("arg1");
  });

  it("poll_oneoff reports ready stdio at once and otherwise sleeps until the earliest clock", () => {
    const { call, view } = setup();
    const sub = (i: number, userdata: bigint, tag: number, fdOrClock: number, timeoutNs = 0n) => {
      const s = 1000 + i * 48;
      view().setBigUint64(s, userdata, true);
      view().setUint8(s + 8, tag);
      view().setUint32(s + 16, fdOrClock, true);
      view().setBigUint64(s + 24, timeoutNs, true);
      view().setUint16(s + 40, 0, true);
    };
    // stdout writable + a 10 s timer: returns at once with the fd event only.
    sub(0, 11n, 2, 1);
    sub(1, 22n, 0, 1, 10_000_000_000n);
    let t0 = performance.now();
    expect(call("poll_oneoff", 1000, 2000, 2, 3000)).toBe(Errno.success);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(view().getUint32(3000, true)).toBe(1);
    expect(view().getBigUint64(2000, true)).toBe(11n);
    expect(view().getUint8(2010)).toBe(2);

    // Two timers: wakes after the shorter (30 ms) and reports only that one.
    sub(0, 33n, 0, 1, 30_000_000n);
    sub(1, 44n, 0, 1, 10_000_000_000n);
    t0 = performance.now();
    expect(call("poll_oneoff", 1000, 2000, 2, 3000)).toBe(Errno.success);
    const slept = performance.now() - t0;
    expect(slept).toBeGreaterThanOrEqual(29);
    expect(slept).toBeLessThan(1000);
    expect(view().getUint32(3000, true)).toBe(1);
    expect(view().getBigUint64(2000, true)).toBe(33n);
    expect(call("poll_oneoff", 1000, 2000, 0, 3000)).toBe(Errno.inval);
  });

  it("proc_exit throws the exit signal with the code", () => {
    const { call } = setup();
    let thrown: unknown;
    try {
      call("proc_exit", 5);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(WasiExit);
    expect((thrown as WasiExit).code).toBe(5);
  });

  it("keeps descriptor flags and clocks in a state that survives JSON and continues on restore", () => {
    const { call, wasi } = setup();
    expect(call("fd_fdstat_set_flags", 1, 1)).toBe(Errno.success);
    expect(call("fd_fdstat_set_flags", 1, 0x100)).toBe(Errno.inval);
    const ahead = {
      monotonicNs: (BigInt(Date.now()) * 1_000_000n + 3_600_000_000_000n).toString(),
      cputimeNs: "5",
    };
    const state = parseWasiState(JSON.parse(JSON.stringify({ ...wasi.getState(), clock: ahead })));
    expect(state.fds.find((f) => f.fd === 1)?.flags).toBe(1);

    const restored = setup(state);
    expect(restored.call("fd_fdstat_get", 1, 0)).toBe(Errno.success);
    expect(restored.view().getUint16(2, true)).toBe(1);
    // Monotonic continues from the captured reading even though it is an hour ahead of this host.
    expect(restored.call("clock_time_get", 1, 0n, 64)).toBe(Errno.success);
    expect(restored.view().getBigUint64(64, true)).toBeGreaterThanOrEqual(BigInt(ahead.monotonicNs));
    expect(restored.call("clock_time_get", 2, 0n, 64)).toBe(Errno.success);
    expect(restored.view().getBigUint64(64, true)).toBeGreaterThanOrEqual(5n);
  });

  it("refuses malformed state", () => {
    expect(() => parseWasiState({ version: 99 })).toThrow(/unsupported version/);
    expect(() => parseWasiState({ ...createWasiState(["p"]), fds: [{ fd: 1 }] })).toThrow(/bad descriptor/);
    expect(() => createWasiState(["p"], ["NOEQUALS"])).toThrow(/has no '='/);
  });

  it("links WASI names outside preview 1 and unimplemented ones, answering ENOSYS", async () => {
    const run = await runProgram("unknown_wasi");
    expect(run.outcome).toEqual({ kind: "exited", code: 0 });
    expect(run.stdout).toBe("not_in_preview1 -> 52\nproc_raise -> 52\n");
  });
});

// The WASI state of one granule as plain data (strings and numbers only), so that a snapshot can
// carry it in CBOR or JSON and a restored granule sees the same arguments, environment,
// descriptor flags and clocks that continue from where they stopped.

export const WASI_STATE_VERSION = 1;

export type StdioStream = "stdin" | "stdout" | "stderr";

export interface WasiFdState {
  readonly fd: number;
  readonly stream: StdioStream;
  /** WASI fdflags as set by fd_fdstat_set_flags (APPEND, NONBLOCK, ...). */
  readonly flags: number;
  readonly open: boolean;
}

export interface WasiClockState {
  /** Monotonic clock reading (ns, decimal) when the state was captured; a restore continues from it. */
  readonly monotonicNs: string;
  /** CPU-time clock reading (ns, decimal) when the state was captured. */
  readonly cputimeNs: string;
}

export interface WasiState {
  readonly version: typeof WASI_STATE_VERSION;
  /** argv, argv[0] included. */
  readonly args: readonly string[];
  /** The environment as "NAME=value" strings, in the order the program sees them. */
  readonly env: readonly string[];
  /** null for a granule that has not run yet: its clocks start fresh. */
  readonly clock: WasiClockState | null;
  readonly fds: readonly WasiFdState[];
}

export class WasiStateError extends Error {
  override readonly name = "WasiStateError";
}

export function createWasiState(
  args: readonly string[],
  env: Readonly<Record<string, string>> | readonly string[] = {},
): WasiState {
  const envList = Array.isArray(env)
    ? [...(env as readonly string[])]
    : Object.entries(env as Readonly<Record<string, string>>).map(([k, v]) => `${k}=${v}`);
  for (const entry of envList) {
    if (!entry.includes("="))
      throw new WasiStateError(`environment entry ${JSON.stringify(entry)} has no '='`);
  }
  for (const s of [...args, ...envList]) {
    if (s.includes("\0")) throw new WasiStateError(`argument or environment entry contains a NUL byte`);
  }
  return {
    version: WASI_STATE_VERSION,
    args: [...args],
    env: envList,
    clock: null,
    fds: [
      { fd: 0, stream: "stdin", flags: 0, open: true },
      { fd: 1, stream: "stdout", flags: 0, open: true },
      { fd: 2, stream: "stderr", flags: 0, open: true },
    ],
  };
}

/** Checks data that claims to be a WasiState (from a snapshot, so untrusted) and returns it typed. */
export function parseWasiState(value: unknown): WasiState {
  const fail = (why: string): never => {
    throw new WasiStateError(`invalid WASI state: ${why}`);
  };
  if (typeof value !== "object" || value === null) return fail("not an object");
  const v = value as Record<string, unknown>;
  if (v.version !== WASI_STATE_VERSION) return fail(`unsupported version ${String(v.version)}`);
  const isStringArray = (x: unknown): x is string[] =>
    Array.isArray(x) && x.every((s) => typeof s === "string");
  if (!isStringArray(v.args)) return fail("args is not a list of strings");
  if (!isStringArray(v.env)) return fail("env is not a list of strings");
  let clock: WasiClockState | null = null;
  if (v.clock !== null) {
    const c = v.clock as Record<string, unknown> | undefined;
    const isNs = (x: unknown): x is string => typeof x === "string" && /^\d+$/.test(x);
    if (typeof c !== "object" || c === null || !isNs(c.monotonicNs) || !isNs(c.cputimeNs)) {
      return fail("clock must be null or { monotonicNs, cputimeNs } as decimal strings");
    }
    clock = { monotonicNs: c.monotonicNs, cputimeNs: c.cputimeNs };
  }
  if (!Array.isArray(v.fds)) return fail("fds is not a list");
  const fds = v.fds.map((f: unknown): WasiFdState => {
    const e = f as Record<string, unknown> | null;
    if (
      typeof e !== "object" ||
      e === null ||
      !Number.isInteger(e.fd) ||
      (e.stream !== "stdin" && e.stream !== "stdout" && e.stream !== "stderr") ||
      !Number.isInteger(e.flags) ||
      typeof e.open !== "boolean"
    ) {
      return fail(`bad descriptor entry ${JSON.stringify(f)}`);
    }
    return { fd: e.fd as number, stream: e.stream, flags: e.flags as number, open: e.open };
  });
  return { version: WASI_STATE_VERSION, args: v.args, env: v.env, clock, fds };
}

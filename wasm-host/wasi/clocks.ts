// The clocks a granule sees. Realtime is the wall clock shared by all granules of a host
// (performance.timeOrigin + performance.now(): each worker's performance.now() has its own
// origin). Monotonic follows the same clock for a fresh granule and never runs backwards across a
// restore. CPU time is the time the granule has been running minus the time it slept in
// poll_oneoff: a granule owns one vCPU, and Node 20 has no per-thread CPU clock, while
// process.cpuUsage() would count every granule of the host.

import type { WasiClockState } from "./state.js";

const originNs = BigInt(Math.round(performance.timeOrigin * 1e6));

/** Host-wide wall clock in nanoseconds since the Unix epoch. */
export function sharedNowNs(): bigint {
  return originNs + BigInt(Math.round(performance.now() * 1e6));
}

export class GranuleClocks {
  private readonly monotonicOffsetNs: bigint;
  private readonly cputimeBaseNs: bigint;
  private readonly startedNs = sharedNowNs();
  private blockedNs = 0n;
  private lastMonotonicNs = 0n;

  constructor(restored: WasiClockState | null) {
    if (restored === null) {
      this.monotonicOffsetNs = 0n;
      this.cputimeBaseNs = 0n;
    } else {
      // Only ever push forward: on a host whose clock is behind, continue from the captured reading.
      const behind = BigInt(restored.monotonicNs) - this.startedNs;
      this.monotonicOffsetNs = behind > 0n ? behind : 0n;
      this.cputimeBaseNs = BigInt(restored.cputimeNs);
    }
  }

  realtimeNs(): bigint {
    return sharedNowNs();
  }

  monotonicNs(): bigint {
    const now = sharedNowNs() + this.monotonicOffsetNs;
    // Rounding of the float clock must not make two readings go backwards.
    if (now > this.lastMonotonicNs) this.lastMonotonicNs = now;
    return this.lastMonotonicNs;
  }

  cputimeNs(): bigint {
    const ran = sharedNowNs() - this.startedNs - this.blockedNs;
    return this.cputimeBaseNs + (ran > 0n ? ran : 0n);
  }

  /** Time spent blocked (sleeping) is not CPU time. */
  addBlocked(ns: bigint): void {
    if (ns > 0n) this.blockedNs += ns;
  }

  capture(): WasiClockState {
    return { monotonicNs: this.monotonicNs().toString(), cputimeNs: this.cputimeNs().toString() };
  }
}

// The transport's own speed, as a baseline for MPI over NATS: two plain nats.js connections
// (subscribe with a callback, publish) ping-pong messages of each size through the same server
// the cluster's hosts use. MPI's cross-host path adds to this a worker-to-host hop on each side,
// an envelope, fragmenting, flow control and the receiving rank's inbox; the ratio of the two says
// what that costs, where the ratio to OpenMPI's TCP (which busy-polls its sockets) is mostly
// about NATS.
import { connectBus } from "../bus/mod.js";

export interface RawMeasure {
  readonly bytes: number;
  /** One way: half the best round trip. */
  readonly us: number;
}

/** The ping-pong's sizes that fit one NATS message (the server's default max_payload is 1 MiB). */
const SIZES = [8, 64, 512, 4096, 65536, 262144] as const;
const ROUNDS = 3;

export async function rawNatsPingPong(url: string): Promise<RawMeasure[]> {
  const a = await connectBus({ url, name: "bench-raw-a" });
  const b = await connectBus({ url, name: "bench-raw-b" });
  try {
    const echo = b.nc.subscribe("bench.raw.ping", {
      callback: (_e, m) => b.nc.publish("bench.raw.pong", m.data),
    });
    let arrived: (() => void) | undefined;
    const back = a.nc.subscribe("bench.raw.pong", { callback: () => arrived?.() });
    await Promise.all([a.flush(), b.flush()]);
    const roundTrip = (payload: Uint8Array) =>
      new Promise<void>((resolve) => {
        arrived = resolve;
        a.nc.publish("bench.raw.ping", payload);
      });
    const out: RawMeasure[] = [];
    for (const bytes of SIZES) {
      const payload = new Uint8Array(bytes);
      const iters = bytes <= 4096 ? 400 : bytes <= 65536 ? 100 : 30;
      for (let i = 0; i < iters / 10; i++) await roundTrip(payload);
      let best = Number.POSITIVE_INFINITY;
      for (let round = 0; round < ROUNDS; round++) {
        const t0 = performance.now();
        for (let i = 0; i < iters; i++) await roundTrip(payload);
        best = Math.min(best, ((performance.now() - t0) * 1000) / iters / 2);
      }
      out.push({ bytes, us: best });
    }
    echo.unsubscribe();
    back.unsubscribe();
    return out;
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

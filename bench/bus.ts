// Bus overheads against raw nats.js on the same server, in the same run: request/reply latency
// (our CBOR encode, validation and typed dispatch on top of nats.js) and bulk throughput (our
// chunked, acknowledged, hash-checked transfer against plain publishes).
import { randomBytes } from "node:crypto";
import { type Bus, connectBus, message, NatsServer } from "../bus/mod.js";
import { median, type Row, slowdown } from "./table.js";

const ROUND_TRIPS = 2000;
const BULK_BYTES = 64 * 1024 * 1024;
const RAW_MESSAGE = 512 * 1024;

export async function benchBus(): Promise<Row[]> {
  await using server = await NatsServer.start();
  const client = await connectBus({ url: server.url });
  const service = await connectBus({ url: server.url });
  try {
    return [...(await latency(client, service)), ...(await throughput(client, service))];
  } finally {
    await client.close();
    await service.close();
  }
}

async function latency(client: Bus, service: Bus): Promise<Row[]> {
  service.serve("bench.rr", ["granny.v1.host_heartbeat"], (m) =>
    message("job_accepted", { jobId: m.host, queued: false }),
  );
  service.nc.subscribe("bench.raw", {
    callback: (_e, m) => {
      m.respond(m.data);
    },
  });
  await service.flush();
  const msg = message("host_heartbeat", {
    host: "h1",
    slots: 8,
    granules: [{ jobId: "job-1", granule: 0, state: "running" }],
  });
  const rawPayload = randomBytes(96);
  const time = async (fn: () => Promise<unknown>) => {
    for (let i = 0; i < 200; i++) await fn();
    const samples: number[] = [];
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const t = performance.now();
      await fn();
      samples.push((performance.now() - t) * 1000);
    }
    return median(samples);
  };
  const ours = await time(() => client.request("bench.rr", msg, ["granny.v1.job_accepted"]));
  const raw = await time(() => client.nc.request("bench.raw", rawPayload));
  return [
    {
      group: "bus",
      name: "request/reply latency (median)",
      value: ours,
      unit: "µs",
      baseline: raw,
      baselineName: "nats.js request",
      ratio: slowdown(ours, raw),
    },
  ];
}

async function throughput(client: Bus, service: Bus): Promise<Row[]> {
  const payload = randomBytes(BULK_BYTES);
  service.serve("bench.bulk", ["granny.v1.mpi_envelope"], () => undefined);
  let rawReceived = 0;
  let rawDone: () => void = () => {};
  service.nc.subscribe("bench.rawbulk", {
    callback: (_e, m) => {
      rawReceived += m.data.length;
      if (rawReceived >= BULK_BYTES) rawDone();
    },
  });
  await service.flush();
  const envelope = message("mpi_envelope", { jobId: "j", fromHost: "h", data: payload });
  let t = performance.now();
  await client.request("bench.bulk", envelope, ["granny.v1.ack"], { timeoutMs: 60_000 });
  const ours = BULK_BYTES / 1e6 / ((performance.now() - t) / 1000);

  const received = new Promise<void>((r) => {
    rawDone = r;
  });
  t = performance.now();
  for (let off = 0; off < BULK_BYTES; off += RAW_MESSAGE)
    client.nc.publish("bench.rawbulk", payload.subarray(off, off + RAW_MESSAGE));
  await client.nc.flush();
  await received;
  const raw = BULK_BYTES / 1e6 / ((performance.now() - t) / 1000);
  return [
    {
      group: "bus",
      name: "bulk transfer, 64 MiB chunked + SHA-256",
      value: ours,
      unit: "MB/s",
      baseline: raw,
      baselineName: "nats.js publish 512 KiB",
      ratio: slowdown(ours, raw, true),
    },
  ];
}

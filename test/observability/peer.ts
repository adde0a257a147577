// A host-like actor process for the cross-process tracing test, run compiled from dist/ by the
// test (not a test file itself). It initialises telemetry from its environment as a host would,
// serves one subject on the real bus, and plays one side of a migration:
//   PEER_ROLE=source: on a request, keeps its context until "the barrier" (a timer), then opens
//                     migration.snapshot and migration.transfer, which sends a request to
//                     PEER_NEXT (the target);
//   PEER_ROLE=target: on a request, opens migration.restore.
// Any protocol message would do as the request: what is under test is the trace in its headers.
// It prints "ready" on stdout once it serves, and flushes its telemetry and exits on SIGTERM.

import type { Context } from "@opentelemetry/api";
import { connectBus, message } from "../../bus/mod.js";
import {
  ATTR,
  captureContext,
  inContext,
  initTelemetry,
  metrics,
  SPAN,
  shutdownTelemetry,
  withSpan,
} from "../../observability/mod.js";

const role = process.env.PEER_ROLE === "target" ? "target" : "source";
const subject = process.env.PEER_SUBJECT ?? `test.observability.${role}`;
const next = process.env.PEER_NEXT;

await initTelemetry({ service: "host", instance: `host-${role}` });
const bus = await connectBus({ name: `peer-${role}` });
metrics.observeBus(bus);
metrics.observe(() => ({ vcpusUsed: 1, vcpusIdle: 3, granules: { atBarrier: 1 } }));

/** Migrations waiting for "the barrier": the context of the plan is kept with each. */
const atBarrier: { trace: Context; done: (err?: unknown) => void }[] = [];

async function migrateOut(): Promise<void> {
  withSpan(SPAN.migrationSnapshot, { [ATTR.host]: `host-${role}`, [ATTR.granule]: 1 }, () => undefined);
  if (!next) throw new Error("the source needs PEER_NEXT");
  await withSpan(SPAN.migrationTransfer, { [ATTR.bytes]: 0 }, () =>
    bus.request(next, message("status_request", {}), ["granny.v1.ack"]),
  );
}

// Started outside any request, as a granule reaching its barrier is: work it runs joins the
// migration's trace only through the context kept with the plan.
setInterval(() => {
  const waiting = atBarrier.shift();
  if (waiting) inContext(waiting.trace, migrateOut).then(() => waiting.done(), waiting.done);
}, 10).unref();

bus.serve(subject, ["granny.v1.status_request"], async () => {
  if (role === "target") {
    withSpan(SPAN.migrationRestore, { [ATTR.host]: `host-${role}`, [ATTR.granule]: 1 }, () => undefined);
    return message("ack", {});
  }
  await new Promise<void>((resolve, reject) =>
    atBarrier.push({ trace: captureContext(), done: (err) => (err ? reject(err) : resolve()) }),
  );
  return message("ack", {});
});
await bus.flush();
process.stdout.write("ready\n");

process.once("SIGTERM", () => {
  void (async () => {
    await shutdownTelemetry();
    await bus.close();
    process.exit(0);
  })();
});

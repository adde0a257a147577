// The two paths of a message between ranks of one host (wasm-host/mpi/transport.ts): a mailbox
// per pair of ranks for small eager messages, and the receiver's inbox ring for the rest, with
// a sender-side queue for what does not fit the ring yet. With the default 4 MiB inbox the
// conformance run of small_messages.c never fills the ring; here a 4 KiB one fills at once, so
// senders queue, and a message that took the mailbox past queued earlier ones would arrive first
// (with that rule taken out of Transport.send, this test failed in three runs of three; the
// conformance run passed).

import path from "node:path";
import { describe, expect, it } from "vitest";
import { runLocalMpiJob } from "../../wasm-host/mpi/mod.js";
import { PROGRAMS, wasmModule } from "./support/mpi-build.js";

describe("same-host message paths", () => {
  it("keep one sender's order across mailbox, ring and queue when the inbox is tiny", async () => {
    const module = await wasmModule(path.join(PROGRAMS, "small_messages.c"));
    const result = await runLocalMpiJob({
      module,
      placement: ["h0", "h0", "h0", "h0"],
      args: [],
      inboxBytes: 4096,
      timeoutMs: 60_000,
    });
    expect(result.failure, JSON.stringify(result.outcomes)).toBeUndefined();
    expect(result.outcomes).toEqual(Array.from({ length: 4 }, () => ({ kind: "exited", code: 0 })));
    expect(result.stdout.join("")).toMatch(/^small_messages ok: 3 senders, checksum \d+\n$/);
  }, 90_000);
});

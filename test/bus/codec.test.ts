import { Encoder } from "cbor-x";
import { describe, expect, it } from "vitest";
import {
  decode,
  encode,
  MalformedMessageError,
  MESSAGE_NAMES,
  type Message,
  type MessageName,
  type MessageOf,
  message,
  UnexpectedMessageError,
  UnknownMessageTypeError,
  UnsupportedVersionError,
} from "../../bus/mod.js";
import { assertPlainCbor } from "../support/cbor-shape.js";

// One sample per message type; the mapped type makes a missing sample a compile error.
const samples: { [N in MessageName]: Omit<MessageOf<N>, "type"> } = {
  error: { code: "rejected", description: "no" },
  ack: {},
  host_register: { host: "h1", slots: 4, spot: true },
  host_heartbeat: { host: "h1", slots: 4, granules: [{ jobId: "j1", granule: 0, state: "running" }] },
  host_leave: { host: "h1" },
  job_submit: {
    jobId: "j1",
    kind: "mpi",
    size: 2,
    module: { hash: "ab", name: "a.wasm", size: 10 },
    args: ["x"],
    env: { A: "1" },
  },
  job_accepted: { jobId: "j1", queued: false },
  job_kill: { jobId: "j1", reason: "user" },
  status_request: {},
  cluster_status: {
    hosts: [{ name: "h1", slots: 4, used: 2, alive: true }],
    jobs: [
      {
        id: "j1",
        kind: "wasi",
        state: "running",
        size: 2,
        placement: [{ granule: 0, host: "h1" }],
        crossVmLinks: 0,
        submittedAt: 1,
      },
    ],
    queue: ["j2"],
  },
  granules_start: {
    jobId: "j1",
    kind: "wasi",
    module: { hash: "ab", name: "a.wasm", size: 10 },
    args: [],
    env: {},
    granules: [0, 1],
    placement: ["h1", "h1"],
  },
  job_stop: { jobId: "j1", reason: "killed" },
  scale_up: { jobId: "j1", threads: 4, reason: "idle vCPUs" },
  granule_ended: { jobId: "j1", granule: 0, host: "h1", outcome: "exited", exitCode: 0 },
  lifecycle: { jobId: "j1", granule: 0, host: "h1", from: "running", to: "finished", event: "exit", at: 5 },
  job_event: { jobId: "j1", event: "placed", at: 5, placement: ["h1"] },
  job_output: { jobId: "j1", granule: 0, stream: "stdout", data: new Uint8Array([1, 2, 3]) },
  mpi_envelope: { jobId: "j1", fromHost: "h2", data: new Uint8Array(1000).fill(7) },
  migrate_request: { jobId: "j1", granule: 2, to: "h3" },
  evict_request: { host: "h2", graceMs: 60_000 },
  freeze_request: { jobId: "j1" },
  thaw_request: { jobId: "j1" },
  migration_plan: {
    jobId: "j1",
    planId: "p1",
    moves: [{ granule: 1, from: "h1", to: "h2" }],
    placement: ["h2", "h2"],
    reason: "operator",
    kind: "mpi",
    module: { hash: "ab", name: "a.wasm", size: 10 },
  },
  migration_precopy: { jobId: "j1", planId: "p1", moves: [{ granule: 1, to: "h2" }] },
  snapshot_precopy: {
    jobId: "j1",
    planId: "p1",
    granule: 1,
    kind: "mpi",
    module: { hash: "ab", name: "a.wasm", size: 10 },
    precopy: new Uint8Array([4, 5]),
  },
  snapshot_transfer: {
    jobId: "j1",
    planId: "p1",
    granule: 1,
    kind: "mpi",
    module: { hash: "ab", name: "a.wasm", size: 10 },
    args: [],
    env: {},
    placement: ["h2", "h2"],
    lifecycle: new Uint8Array([1]),
    snapshot: new Uint8Array([2, 3]),
  },
  granules_thaw: {
    jobId: "j1",
    planId: "p2",
    kind: "mpi",
    module: { hash: "ab", name: "a.wasm", size: 10 },
    args: [],
    env: {},
    granules: [0, 1],
    placement: ["h3", "h3"],
  },
  job_held: { jobId: "j1", planId: "p1", host: "h1" },
  granule_moved: { jobId: "j1", planId: "p1", granule: 1, host: "h2", snapshotBytes: 2, pauseMs: 12.5 },
  barrier_release: { jobId: "j1", planId: "p1", placement: ["h2", "h2"] },
};

const raw = new Encoder({ useRecords: false, tagUint8Array: false });

describe("the CBOR protocol", () => {
  it.each(MESSAGE_NAMES)("round-trips %s as plain CBOR", (name) => {
    const msg = message(name, samples[name] as never) as Message;
    const bytes = encode(msg);
    assertPlainCbor(bytes);
    // Byte strings decode as Buffers; compare them as plain bytes.
    const plain = (m: object) =>
      Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v instanceof Uint8Array ? [...v] : v]));
    expect(plain(decode(bytes))).toEqual(plain(msg));
  });

  it("refuses bytes that are not CBOR with a MalformedMessageError", () => {
    expect(() => decode(new Uint8Array([0xff, 0xfe, 0x00]))).toThrow(MalformedMessageError);
  });

  it("refuses a CBOR value that is not a map", () => {
    expect(() => decode(raw.encode([1, 2, 3]))).toThrow(/must be a CBOR map/);
  });

  it("refuses a map whose fields do not match the schema, naming the field", () => {
    const bad = raw.encode({ type: "granny.v1.host_register", host: "h1", slots: "four" });
    expect(() => decode(bad)).toThrow(MalformedMessageError);
    expect(() => decode(bad)).toThrow(/slots: expected an integer/);
  });

  it("refuses an unknown type with an UnknownMessageTypeError", () => {
    expect(() => decode(raw.encode({ type: "granny.v1.launch_missiles" }))).toThrow(UnknownMessageTypeError);
    expect(() => decode(raw.encode({ type: "other.v1.ack" }))).toThrow(UnknownMessageTypeError);
  });

  it("refuses a known type at another version with an UnsupportedVersionError", () => {
    expect(() => decode(raw.encode({ type: "granny.v2.ack" }))).toThrow(UnsupportedVersionError);
  });

  it("refuses a valid message that the receiver did not declare", () => {
    const bytes = encode(message("ack", {}));
    expect(() => decode(bytes, ["granny.v1.host_register"])).toThrow(UnexpectedMessageError);
  });
});

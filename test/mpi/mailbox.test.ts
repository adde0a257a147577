// Mailbox sizing (shared-layout.ts mailboxBytes): nine-line boxes for the usual counts of local
// ranks, smaller ones past the memory budget, and at every size a full box of every pair stays
// inside its own bytes of the control block (no box reaches a neighbour or the contributions).

import { describe, expect, test } from "vitest";
import { Mailboxes } from "../../wasm-host/mpi/mailbox.js";
import { Control, controlBytes, mailboxBytes } from "../../wasm-host/mpi/shared-layout.js";

describe("mailboxes", () => {
  test("boxes are nine cache lines up to 85 local ranks, then shrink to keep within 4 MiB, never under two lines", () => {
    expect(mailboxBytes(1)).toBe(576);
    expect(mailboxBytes(85)).toBe(576);
    expect(mailboxBytes(86)).toBeLessThan(576);
    for (const n of [86, 100, 150, 181]) expect(n * n * mailboxBytes(n)).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(mailboxBytes(182)).toBe(128);
    expect(mailboxBytes(1000)).toBe(128);
    for (const n of [1, 8, 86, 100, 1000]) expect(mailboxBytes(n) % 64).toBe(0);
  });

  test.each([2, 5, 90, 120])("with %i local ranks, every pair's full box keeps to its own bytes", (n) => {
    const buffer = new SharedArrayBuffer(controlBytes(n));
    const boxes = new Mailboxes(buffer, n);
    const control = new Control(buffer, n);
    const pairs = n <= 5 ? [...Array(n * n).keys()] : [0, 1, n - 1, n, n * n - 2, n * n - 1];
    for (const p of pairs) {
      const from = p % n;
      const to = Math.floor(p / n);
      const message = Uint8Array.from({ length: boxes.payload }, (_, i) => (p * 7 + i) & 0xff);
      expect(boxes.tryPut(boxes.box(from, to), from, 3, 0, p, message, 0, message.length)).toBe(true);
      expect(boxes.tryPut(boxes.box(from, to), from, 3, 0, p, message, 0, 1)).toBe(false);
    }
    for (const p of pairs) {
      const box = boxes.box(p % n, Math.floor(p / n));
      expect(boxes.msgId(box)).toBe(p);
      expect(boxes.len(box)).toBe(boxes.payload);
      const at = boxes.payloadAt(box);
      const got = boxes.bytes.subarray(at, at + boxes.payload);
      expect(got.every((b, i) => b === ((p * 7 + i) & 0xff))).toBe(true);
      boxes.empty(box);
      expect(boxes.isFull(box)).toBe(false);
    }
    // The contributions that follow the boxes were not written.
    expect(control.contribution(0, 0).every((b) => b === 0)).toBe(true);
    expect(control.contribution(n - 1, 1).every((b) => b === 0)).toBe(true);
  });
});

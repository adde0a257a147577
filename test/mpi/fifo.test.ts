// The unexpected-message queue (wasm-host/mpi/fifo.ts): first-fit order from the head, removal
// at the head and further in, and the same contents across the compaction of taken slots.

import { describe, expect, test } from "vitest";
import { Fifo } from "../../wasm-host/mpi/fifo.js";

describe("Fifo", () => {
  test("keeps order through removals at the head and in the middle", () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 10; i++) q.push(i);
    q.removeAt(0);
    q.removeAt(3); // 4
    expect(q.toArray()).toEqual([1, 2, 3, 5, 6, 7, 8, 9]);
    expect(q.findIndex((x) => x > 4)).toBe(3);
    expect(q.find((x) => x % 4 === 0)).toBe(8);
    expect(q.find((x) => x > 100)).toBeUndefined();
    expect(q.at(0)).toBe(1);
    expect(q.length).toBe(8);
    while (q.length > 0) q.removeAt(0);
    expect(q.toArray()).toEqual([]);
    q.push(42);
    expect(q.at(0)).toBe(42);
  });

  test("compacts taken slots away without losing or reordering what is left", () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 3000; i++) q.push(i);
    for (let i = 0; i < 2000; i++) q.removeAt(0); // compacts once 1500 are taken
    q.push(3000);
    expect(q.length).toBe(1001);
    expect(q.at(0)).toBe(2000);
    expect(q.toArray()).toEqual(Array.from({ length: 1001 }, (_, i) => 2000 + i));
  });

  test("matches a model array across many compactions", () => {
    const q = new Fifo<number>();
    const model: number[] = [];
    let next = 0;
    // Deterministic mix: pushes in bursts, mostly head removals, some further in.
    for (let step = 0; step < 50_000; step++) {
      const r = (step * 2654435761) >>> 0;
      if (r % 3 !== 0 || model.length === 0) {
        q.push(next);
        model.push(next++);
      } else {
        const i = r % 17 === 0 ? (r >>> 8) % model.length : 0;
        q.removeAt(i);
        model.splice(i, 1);
      }
      if (step % 997 === 0) expect(q.toArray()).toEqual(model);
    }
    expect(q.length).toBe(model.length);
    expect(q.toArray()).toEqual(model);
  });
});

// A rank's unexpected messages (wasm-host/mpi/unexpected.ts): whichever index a receive goes
// through, it takes the first matching message in arrival order, exactly as a scan of one
// queue in arrival order does (the model below), and what is left keeps its order.

import { describe, expect, test } from "vitest";
import { UnexpectedMessages } from "../../wasm-host/mpi/unexpected.js";

interface Msg {
  readonly src: number;
  readonly tag: number;
  readonly id: number;
}

describe("UnexpectedMessages", () => {
  test("a receive from one source takes that source's first match; from any source, the first of all", () => {
    const q = new UnexpectedMessages<Msg>();
    const msgs = [
      { src: 1, tag: 0, id: 0 },
      { src: 2, tag: 0, id: 1 },
      { src: 1, tag: 1, id: 2 },
      { src: 2, tag: 1, id: 3 },
    ];
    for (const m of msgs) q.push(m);
    expect(q.take((m) => m.src === 2 && m.tag === 1, 2)?.id).toBe(3);
    expect(q.take((m) => m.tag === 1)?.id).toBe(2);
    expect(q.find(() => true)?.id).toBe(0);
    expect(q.take(() => true)?.id).toBe(0);
    expect(q.take((m) => m.src === 1, 1)).toBeUndefined();
    expect(q.take((m) => m.src === 7, 7)).toBeUndefined();
    expect(q.toArray().map((m) => m.id)).toEqual([1]);
    expect(q.length).toBe(1);
  });

  test("matches a single arrival-ordered queue over a long mixed run", () => {
    const q = new UnexpectedMessages<Msg>();
    const model: Msg[] = [];
    let id = 0;
    for (let step = 0; step < 40_000; step++) {
      const r = (Math.imul(step + 1, 2654435761) >>> 0) ^ (step >>> 3);
      if (r % 5 < 3 || model.length === 0) {
        const m = { src: r % 4, tag: (r >>> 4) % 3, id: id++ };
        q.push(m);
        model.push(m);
      } else {
        // A receive: from one source or any, with one tag or any.
        const src = r % 7 < 4 ? (r >>> 6) % 4 : undefined;
        const tag = r % 11 < 6 ? (r >>> 9) % 3 : undefined;
        const test = (m: Msg) => (src === undefined || m.src === src) && (tag === undefined || m.tag === tag);
        const at = model.findIndex(test);
        const expected = at < 0 ? undefined : model.splice(at, 1)[0];
        expect(q.take(test, src)).toBe(expected);
      }
      if (step % 1009 === 0) {
        expect(q.toArray()).toEqual(model);
        expect(q.find((m) => m.tag === 2)).toBe(model.find((m) => m.tag === 2));
      }
    }
    expect(q.length).toBe(model.length);
    expect(q.toArray()).toEqual(model);
  });
});

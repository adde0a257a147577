// The job's reordering of thread output: writes arrive from different worker threads out of
// the order they were made and are delivered in that order; at the end of the job whatever is
// held is delivered in order, past numbers that never arrived.

import { expect, test } from "vitest";
import { OutputOrder } from "../../wasm-host/omp/output-order.js";

const text = (s: string) => new TextEncoder().encode(s);

function collector() {
  const seen: string[] = [];
  const order = new OutputOrder((fd, bytes) => seen.push(`${fd}:${new TextDecoder().decode(bytes)}`));
  return { seen, order };
}

test("writes that arrive out of order are delivered in the order they were made", () => {
  const { seen, order } = collector();
  order.push(2, 1, text("c"));
  order.push(1, 2, text("b"));
  expect(seen).toEqual([]);
  order.push(0, 1, text("a"));
  expect(seen).toEqual(["1:a", "2:b", "1:c"]);
  order.push(3, 1, text("d"));
  expect(seen).toEqual(["1:a", "2:b", "1:c", "1:d"]);
});

test("flush delivers what is held in order, skipping numbers that never arrived", () => {
  const { seen, order } = collector();
  order.push(0, 1, text("a"));
  order.push(4, 1, text("e"));
  order.push(2, 2, text("c"));
  order.flush();
  expect(seen).toEqual(["1:a", "2:c", "1:e"]);
  order.push(5, 1, text("f"));
  expect(seen).toEqual(["1:a", "2:c", "1:e", "1:f"]);
});

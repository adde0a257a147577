import { describe, expect, it } from "vitest";
import { compact, FreeSlots, POLICY_NAMES, policyByName, spot } from "../../policies/mod.js";
import { clusterView, on } from "./cluster-builder.js";

const view = clusterView({ a: 8, b: 8, c: 8, d: 8 }, [
  { id: "j", placement: [...on("a", 3), ...on("b", 3)] },
  { id: "x", placement: on("a", 4) },
  { id: "y", placement: on("c", 7) },
  { id: "t", kind: "omp", placement: on("d", 2) },
]);

function freeOf(index: FreeSlots): number[] {
  return view.hosts.map((h) => index.freeOn(h.name));
}

describe("free-slot index", () => {
  it("finds the fullest host that fits and the hosts in view order within a free count", () => {
    const index = FreeSlots.fromView(view);
    expect(freeOf(index)).toEqual([1, 5, 1, 6]);
    expect([...index.fullestFirst()]).toEqual(["a", "c", "b", "d"]);
    expect([...index.emptiestFirst()]).toEqual(["d", "b", "a", "c"]);
    expect(index.bestFit(2)).toBe("b");
    expect(index.totalFree).toBe(13);
  });

  it("gives the same decisions when the caller keeps the index as when each call builds one", () => {
    const kept = FreeSlots.fromView(view);
    const withIndex = { ...view, freeSlots: kept };
    for (const name of POLICY_NAMES) {
      const policy = policyByName(name);
      for (const size of [1, 3, 6, 9]) {
        for (const kind of ["mpi", "omp"] as const) {
          const request = { jobId: "new", kind, size };
          expect(policy.place(withIndex, request)).toEqual(policy.place(view, request));
        }
      }
    }
    expect(compact.atBarrier(withIndex, ["j"])).toEqual(compact.atBarrier(view, ["j"]));
    expect(spot.onEvictionNotice(withIndex, ["a"])).toEqual(spot.onEvictionNotice(view, ["a"]));
    expect(compact.atBarrier(view, ["j"])).toHaveLength(1);
  });

  it("is left exactly as it was after a decision ran against it", () => {
    const kept = FreeSlots.fromView(view);
    const before = { free: freeOf(kept), total: kept.totalFree, order: [...kept.fullestFirst()] };
    const withIndex = { ...view, freeSlots: kept };
    spot.onEvictionNotice(withIndex, ["a", "b"]);
    compact.atBarrier(withIndex, ["j"]);
    expect({ free: freeOf(kept), total: kept.totalFree, order: [...kept.fullestFirst()] }).toEqual(before);
  });
});

describe("free-slot index kept by a caller", () => {
  it("answers like a fresh index after hosts are added one by one, beyond one bitset word", () => {
    const hosts: Record<string, number> = {};
    for (let i = 0; i < 200; i++) hosts[`h${i}`] = i % 3 === 0 ? 4 : 8;
    const big = clusterView(hosts, [{ id: "x", placement: on("h150", 3) }]);
    const kept = new FreeSlots();
    for (const host of big.hosts) {
      const used = [...host.used.values()].reduce((a, b) => a + b, 0);
      kept.addHost(host.name, host.slots, host.slots - used);
    }
    const fresh = FreeSlots.fromView(big);
    expect([...kept.fullestFirst()]).toEqual([...fresh.fullestFirst()]);
    expect([...kept.emptyHosts()]).toEqual([...fresh.emptyHosts()]);
    expect(kept.totalFree).toBe(fresh.totalFree);
    expect(kept.bestFit(1)).toBe("h150");
    expect(kept.bestFit(5)).toBe("h1");
  });
});

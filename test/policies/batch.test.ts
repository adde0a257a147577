import { describe, expect, it } from "vitest";
import { batch } from "../../policies/mod.js";
import { clusterView, on } from "./cluster-builder.js";

// a is partly used; b and c are empty.
const view = clusterView({ a: 8, b: 8, c: 8 }, [{ id: "x", placement: on("a", 1) }]);

describe("batch", () => {
  it("gives a job whole empty VMs and never shares a VM", () => {
    expect(batch.place(view, { jobId: "j", kind: "mpi", size: 10 })).toEqual([...on("b", 8), ...on("c", 2)]);
    expect(batch.place(view, { jobId: "j", kind: "mpi", size: 3 })).toEqual(on("b", 3));
  });

  it("makes a job wait when there are too few empty VMs, whatever vCPUs are free", () => {
    // 23 vCPUs are free, but only two VMs are empty.
    expect(batch.place(view, { jobId: "j", kind: "mpi", size: 17 })).toBeNull();
    const noEmpty = clusterView({ a: 8, b: 8 }, [
      { id: "x", placement: ["a"] },
      { id: "y", placement: ["b"] },
    ]);
    expect(batch.place(noEmpty, { jobId: "j", kind: "mpi", size: 2 })).toBeNull();
  });

  it("gives an OpenMP job one empty VM", () => {
    expect(batch.place(view, { jobId: "j", kind: "omp", size: 7 })).toEqual(on("b", 7));
  });

  it("never migrates, scales or evacuates", () => {
    const split = clusterView({ a: 8, b: 8 }, [{ id: "j", placement: [...on("a", 4), ...on("b", 4)] }]);
    expect(batch.atBarrier(split, ["j"])).toEqual([]);
    expect(batch.onVcpusFreed(split, ["a", "b"])).toEqual([]);
    expect(batch.onEvictionNotice(split, ["a"])).toEqual([]);
  });
});

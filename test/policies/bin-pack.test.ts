import { describe, expect, it } from "vitest";
import { binPack, crossVmLinks } from "../../policies/mod.js";
import { clusterView, on } from "./cluster-builder.js";

// a has 2 free, b has 6 free, c is empty.
const view = clusterView({ a: 8, b: 8, c: 8 }, [
  { id: "x", placement: on("a", 6) },
  { id: "y", placement: on("b", 2) },
]);

describe("bin-pack", () => {
  it("fills the fullest host first, per vCPU", () => {
    expect(binPack.place(view, { jobId: "j", kind: "mpi", size: 3 })).toEqual(["a", "a", "b"]);
  });

  it("spreads a job over partly used hosts rather than waiting for an empty one", () => {
    const placement = binPack.place(view, { jobId: "j", kind: "mpi", size: 9 });
    expect(placement).toEqual([...on("a", 2), ...on("b", 6), "c"]);
    expect(crossVmLinks(placement ?? [])).toBeGreaterThan(0);
  });

  it("puts all threads of an OpenMP job on one host, the fullest that fits", () => {
    expect(binPack.place(view, { jobId: "j", kind: "omp", size: 5 })).toEqual(on("b", 5));
    expect(binPack.place(view, { jobId: "j", kind: "omp", size: 7 })).toEqual(on("c", 7));
  });

  it("makes an OpenMP job wait when no single host has room, even if the cluster has", () => {
    const full = clusterView({ a: 8, b: 8 }, [
      { id: "x", placement: on("a", 4) },
      { id: "y", placement: on("b", 4) },
    ]);
    expect(binPack.place(full, { jobId: "j", kind: "omp", size: 6 })).toBeNull();
    expect(binPack.place(full, { jobId: "j", kind: "mpi", size: 6 })).toHaveLength(6);
  });

  it("makes a job wait when the cluster has too few free vCPUs", () => {
    expect(binPack.place(view, { jobId: "j", kind: "mpi", size: 17 })).toBeNull();
  });

  it("places nothing on a host under eviction notice", () => {
    const noticed = clusterView({ a: 8, b: 8 }, [{ id: "x", placement: on("b", 4) }], ["b"]);
    expect(binPack.place(noticed, { jobId: "j", kind: "mpi", size: 8 })).toEqual(on("a", 8));
    expect(binPack.place(noticed, { jobId: "j", kind: "mpi", size: 9 })).toBeNull();
  });
});

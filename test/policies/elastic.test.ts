import { describe, expect, it } from "vitest";
import { elastic, type ScaleUp } from "../../policies/mod.js";
import { clusterView, on } from "./cluster-builder.js";

describe("elastic", () => {
  it("gives idle vCPUs on a host to the OpenMP jobs on it, fewest threads first", () => {
    // a: x has 2 threads, y has 3; 3 vCPUs idle.
    const view = clusterView({ a: 8 }, [
      { id: "x", kind: "omp", placement: on("a", 2) },
      { id: "y", kind: "omp", placement: on("a", 3) },
    ]);
    const ups = elastic.onVcpusFreed(view, ["a"]);
    const byJob = new Map(ups.map((u: ScaleUp) => [u.jobId, u]));
    expect(byJob.get("x")).toMatchObject({ host: "a", fromThreads: 2, toThreads: 4 });
    expect(byJob.get("y")).toMatchObject({ host: "a", fromThreads: 3, toThreads: 4 });
    expect(ups.reduce((sum, u) => sum + u.toThreads - u.fromThreads, 0)).toBe(3);
  });

  it("never scales beyond a job's maximum or its host", () => {
    const view = clusterView({ a: 8 }, [{ id: "x", kind: "omp", placement: on("a", 2), maxThreads: 4 }]);
    expect(elastic.onVcpusFreed(view, ["a"])).toEqual([
      expect.objectContaining({ jobId: "x", toThreads: 4 }),
    ]);
  });

  it("does not scale MPI jobs, nor jobs on hosts where nothing was freed", () => {
    const view = clusterView({ a: 8, b: 8 }, [
      { id: "m", kind: "mpi", placement: on("a", 2) },
      { id: "x", kind: "omp", placement: on("b", 2) },
    ]);
    expect(elastic.onVcpusFreed(view, ["a"])).toEqual([]);
  });

  it("places OpenMP threads on one host, as bin-pack does", () => {
    const view = clusterView({ a: 8, b: 8 }, [{ id: "x", kind: "omp", placement: on("a", 5) }]);
    expect(elastic.place(view, { jobId: "j", kind: "omp", size: 3 })).toEqual(on("a", 3));
    expect(elastic.place(view, { jobId: "j", kind: "omp", size: 4 })).toEqual(on("b", 4));
  });
});

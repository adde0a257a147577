import { describe, expect, it } from "vitest";
import { POLICY_NAMES, policyByName, UnknownPolicyError } from "../../policies/mod.js";
import { clusterView } from "./cluster-builder.js";

describe("policyByName", () => {
  it("returns each of the five policies under its own name", () => {
    for (const name of POLICY_NAMES) expect(policyByName(name).name).toBe(name);
    expect(POLICY_NAMES).toEqual(["bin-pack", "batch", "compact", "elastic", "spot"]);
  });

  it("refuses an unknown name with an error that lists the valid ones", () => {
    expect(() => policyByName("slurm")).toThrow(UnknownPolicyError);
    expect(() => policyByName("slurm")).toThrow(/bin-pack, batch, compact, elastic, spot/);
  });

  it("keeps place(view, request) as the live planner calls it", () => {
    const view = clusterView({ a: 8 });
    for (const name of POLICY_NAMES) {
      expect(policyByName(name).place(view, { jobId: "j", kind: "mpi", size: 4 })).toEqual([
        "a",
        "a",
        "a",
        "a",
      ]);
    }
  });

  it("places nothing for a request of zero or fractional granules", () => {
    const view = clusterView({ a: 8 });
    for (const name of POLICY_NAMES) {
      expect(policyByName(name).place(view, { jobId: "j", kind: "mpi", size: 0 })).toBeNull();
      expect(policyByName(name).place(view, { jobId: "j", kind: "mpi", size: 1.5 })).toBeNull();
    }
  });
});

import { describe, expect, it } from "vitest";
import { binPack, type MigrationPlan, spot } from "../../policies/mod.js";
import { clusterView, on } from "./cluster-builder.js";

describe("spot", () => {
  it("migrates granules off a host under eviction notice when others have room", () => {
    const view = clusterView({ a: 8, b: 8, c: 8 }, [{ id: "j", placement: [...on("a", 4), ...on("b", 4)] }]);
    const decisions = spot.onEvictionNotice(view, ["a"]);
    expect(decisions).toHaveLength(1);
    const plan = decisions[0] as MigrationPlan;
    expect(plan.type).toBe("migrate");
    expect(plan.reason.kind).toBe("eviction");
    expect(plan.moves.filter((m) => m.from === "a")).toHaveLength(4);
    expect(plan.moves.every((m) => m.to !== "a")).toBe(true);
  });

  it("freezes a job when the hosts that stay have no room for it", () => {
    const view = clusterView({ a: 8, b: 8 }, [
      { id: "j", placement: on("a", 6) },
      { id: "x", placement: on("b", 8) },
    ]);
    expect(spot.onEvictionNotice(view, ["a"])).toEqual([
      expect.objectContaining({ type: "freeze", jobId: "j" }),
    ]);
  });

  it("moves an OpenMP job's threads together to one host", () => {
    const view = clusterView({ a: 8, b: 8, c: 8 }, [
      { id: "t", kind: "omp", placement: on("a", 5) },
      { id: "x", placement: on("b", 4) },
    ]);
    const [plan] = spot.onEvictionNotice(view, ["a"]);
    expect(plan?.type).toBe("migrate");
    expect(new Set((plan as MigrationPlan).moves.map((m) => m.to))).toEqual(new Set(["c"]));
  });

  it("evacuates every job on the noticed hosts and uses freed slots for the next", () => {
    // j and k both live on a; b has room for exactly one of them.
    const view = clusterView({ a: 8, b: 8 }, [
      { id: "j", placement: on("a", 4) },
      { id: "k", placement: on("a", 4) },
      { id: "x", placement: on("b", 4) },
    ]);
    const decisions = spot.onEvictionNotice(view, ["a"]);
    expect(decisions.map((d) => d.type).sort()).toEqual(["freeze", "migrate"]);
  });

  it("is what the baselines lack: bin-pack leaves a noticed host's jobs to be killed", () => {
    const view = clusterView({ a: 8, b: 8 }, [{ id: "j", placement: on("a", 4) }]);
    expect(binPack.onEvictionNotice(view, ["a"])).toEqual([]);
  });
});

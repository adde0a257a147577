import { describe, expect, it } from "vitest";
import {
  COMPACTION_BUFFER,
  compact,
  crossVmLinks,
  explainDecision,
  type MigrationPlan,
} from "../../policies/mod.js";
import { clusterView, on } from "./cluster-builder.js";

function apply(placement: readonly string[], plan: MigrationPlan): string[] {
  const next = [...placement];
  for (const move of plan.moves) {
    expect(next[move.granule]).toBe(move.from);
    next[move.granule] = move.to;
  }
  return next;
}

describe("compact", () => {
  it("admits a job only while 5% of the cluster's vCPUs stay free", () => {
    expect(COMPACTION_BUFFER).toBe(0.05);
    // 40 vCPUs; 10 free. 5% is 2 vCPUs: a job of 8 leaves 2 (admitted), one of 9 leaves 1 (waits).
    const view = clusterView({ a: 8, b: 8, c: 8, d: 8, e: 8 }, [
      { id: "x", placement: on("a", 8) },
      { id: "y", placement: on("b", 8) },
      { id: "z", placement: [...on("c", 8), ...on("d", 6)] },
    ]);
    expect(compact.place(view, { jobId: "j", kind: "mpi", size: 9 })).toBeNull();
    expect(compact.place(view, { jobId: "j", kind: "mpi", size: 8 })).toEqual(on("e", 8));
  });

  it("places a new job on the fewest hosts", () => {
    // Free: a 3, b 5, c 8.
    const view = clusterView({ a: 8, b: 8, c: 8 }, [
      { id: "x", placement: on("a", 5) },
      { id: "y", placement: on("b", 3) },
    ]);
    expect(compact.place(view, { jobId: "j", kind: "mpi", size: 8 })).toEqual(on("c", 8));
    expect(compact.place(view, { jobId: "j", kind: "mpi", size: 10 })).toEqual([
      ...on("c", 8),
      ...on("a", 2),
    ]);
  });

  it("migrates ranks at a barrier to cut cross-VM links, and says why", () => {
    // j is split 4+4 over a and b; b has 4 free vCPUs, so j fits on b alone.
    const j = [...on("a", 4), ...on("b", 4)];
    const view = clusterView({ a: 8, b: 8 }, [
      { id: "j", placement: j },
      { id: "x", placement: on("a", 4) },
    ]);
    const plans = compact.atBarrier(view, ["j"]);
    expect(plans).toHaveLength(1);
    const plan = plans[0] as MigrationPlan;
    expect(plan.type).toBe("migrate");
    expect(plan.reason).toMatchObject({ kind: "compaction", crossVmLinksBefore: 16, crossVmLinksAfter: 0 });
    expect(plan.moves).toHaveLength(4);
    expect(crossVmLinks(apply(j, plan))).toBe(0);
  });

  it("does not migrate when no move lowers the links", () => {
    const view = clusterView({ a: 8, b: 8 }, [
      { id: "j", placement: [...on("a", 8), ...on("b", 2)] },
      { id: "x", placement: on("b", 6) },
    ]);
    expect(compact.atBarrier(view, ["j"])).toEqual([]);
  });

  it("plans several jobs against the same free slots without overcommitting them", () => {
    // j and k are each split 2+2; c has 4 free vCPUs: only one of them can consolidate there.
    const view = clusterView({ a: 8, b: 8, c: 8 }, [
      { id: "j", placement: [...on("a", 2), ...on("b", 2)] },
      { id: "k", placement: [...on("a", 2), ...on("b", 2)] },
      { id: "x", placement: on("a", 4) },
      { id: "y", placement: on("b", 4) },
      { id: "z", placement: on("c", 4) },
    ]);
    const plans = compact.atBarrier(view, ["j", "k"]);
    const into = new Map<string, number>();
    for (const plan of plans) for (const m of plan.moves) into.set(m.to, (into.get(m.to) ?? 0) + 1);
    for (const [host, n] of into) {
      const free =
        8 - [...(view.hosts.find((h) => h.name === host)?.used.values() ?? [])].reduce((a, b) => a + b, 0);
      const out = plans.flatMap((p) => p.moves).filter((m) => m.from === host).length;
      expect(n).toBeLessThanOrEqual(free + out);
    }
    expect(plans.length).toBeGreaterThan(0);
  });

  it("leaves OpenMP jobs where they are", () => {
    const view = clusterView({ a: 8, b: 8 }, [{ id: "t", kind: "omp", placement: on("a", 4) }]);
    expect(compact.atBarrier(view, ["t"])).toEqual([]);
  });
});

describe("explained decisions", () => {
  it("say what moves and the cross-VM links before and after", () => {
    const view = clusterView({ a: 8, b: 8 }, [
      { id: "j", placement: [...on("a", 4), ...on("b", 4)] },
      { id: "x", placement: on("a", 4) },
    ]);
    const [plan] = compact.atBarrier(view, ["j"]);
    if (plan === undefined) throw new Error("expected a migration");
    expect(explainDecision(plan)).toBe(
      "j: migrate 4 granule(s) (compaction; cross-VM links 16 -> 0): 4 granule(s) consolidated onto 1 host(s) at a barrier",
    );
  });
});

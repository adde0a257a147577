import { describe, expect, it } from "vitest";
import {
  comparisonOf,
  type Decision,
  type DecisionRecord,
  type Placement,
  type Policy,
  PRESET_NAMES,
  policyByName,
  runPreset,
  scenarioFor,
  simulate,
} from "../../policies/mod.js";

describe("simulator runs", () => {
  it("is deterministic given a seed, and a different seed draws a different workload", () => {
    const a = comparisonOf(runPreset("compaction", { seed: 7 }));
    const b = comparisonOf(runPreset("compaction", { seed: 7 }));
    const c = comparisonOf(runPreset("compaction", { seed: 8 }));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("scales the cluster and the job count together", () => {
    const one = scenarioFor("spot", { scale: 1 });
    const ten = scenarioFor("spot", { scale: 10 });
    expect([one.hosts, one.jobs.length]).toEqual([32, 100]);
    expect([ten.hosts, ten.jobs.length]).toEqual([320, 1000]);
    expect(ten.jobs.every((j) => j.size >= 4 && j.size <= 15)).toBe(true);
    expect(() => scenarioFor("spot", { scale: 0 })).toThrow(RangeError);
  });

  it("finishes every job exactly once under every policy of every preset", () => {
    for (const preset of PRESET_NAMES) {
      const run = runPreset(preset, { seed: 1 });
      for (const r of run.runs) {
        expect(r.jobs).toHaveLength(run.scenario.jobs.length);
        expect(r.jobs.every((j) => j.finish > j.firstStart && j.finish <= r.makespan)).toBe(true);
        expect(r.idleVcpuSeconds).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it("runs a 1x preset in under 2 s", () => {
    for (const preset of PRESET_NAMES) expect(runPreset(preset, { seed: 1 }).wallMs).toBeLessThan(2000);
  });
});

// The live planner hands policies a plain view; the simulator hands them its own structures
// with a maintained free-slot index. Both must get the same answer from the same state.
function replay(policy: Policy, record: DecisionRecord): Placement | readonly Decision[] {
  switch (record.call) {
    case "place":
      return policy.place(record.view, record.request);
    case "atBarrier":
      return policy.atBarrier(record.view, record.jobIds);
    case "onVcpusFreed":
      return policy.onVcpusFreed(record.view, record.hosts);
    case "onEvictionNotice":
      return policy.onEvictionNotice(record.view, record.hosts);
  }
}

const ACTING_CALL = { compaction: "atBarrier", elastic: "onVcpusFreed", spot: "onEvictionNotice" } as const;

describe("the simulator and a planner decide alike", () => {
  for (const preset of PRESET_NAMES) {
    it(`replaying every ${preset} decision against a plain copy of the view gives the same decision`, () => {
      const scenario = scenarioFor(preset, { seed: 1 });
      const acted = new Set<string>();
      let checked = 0;
      for (const name of scenario.policies) {
        const policy = policyByName(name);
        const records: DecisionRecord[] = [];
        simulate(scenario, policy, { record: (record) => records.push(record) });
        for (const record of records) {
          expect(replay(policy, record)).toEqual(record.result);
          const nonEmpty = record.result !== null && (record.call === "place" || record.result.length > 0);
          if (nonEmpty) acted.add(record.call);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(100);
      // The sequence exercised placements and the preset's own kind of decision, not only no-ops.
      expect(acted).toContain("place");
      expect(acted).toContain(ACTING_CALL[preset]);
    });
  }
});

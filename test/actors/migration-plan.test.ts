import { describe, expect, it } from "vitest";
import { ClusterState, type JobRecord } from "../../actors/cluster-state.js";
import { planMigration } from "../../actors/migration.js";
import { message, RejectedError } from "../../bus/mod.js";
import { startSpan } from "../../observability/mod.js";

function cluster(): { state: ClusterState; job: JobRecord } {
  const state = new ClusterState();
  for (const [name, slots] of [
    ["a", 3],
    ["b", 2],
    ["c", 1],
  ] as const)
    state.upsertHost(name, slots, false, 0);
  const submit = message("job_submit", {
    jobId: "j1",
    kind: "mpi",
    size: 3,
    module: { hash: "h", name: "m.wasm", size: 1 },
    args: [],
    env: {},
  });
  const job: JobRecord = {
    submit,
    state: "running",
    placement: ["a", "a", "b"],
    ended: new Map(),
    submittedAt: 0,
    migrations: 0,
    span: startSpan("test-job", {}),
  };
  state.jobs.set("j1", job);
  return { state, job };
}

describe("planning a migration", () => {
  it("moves a rank to a host with room and explains the change in cross-VM links", () => {
    const { state, job } = cluster();
    const plan = planMigration(state, job, [{ granule: 2, to: "a" }], "test");
    expect(plan.placement).toEqual(["a", "a", "a"]);
    expect(plan.moves).toEqual([{ granule: 2, from: "b", to: "a" }]);
    expect(plan.reason).toBe("test; cross-VM links 2 -> 0");
  });

  it("reserves the target slot while the move is in flight", () => {
    const { state, job } = cluster();
    expect(state.usedSlots("c")).toBe(0);
    job.migration = planMigration(state, job, [{ granule: 0, to: "c" }], "test");
    expect(state.usedSlots("c")).toBe(1);
    expect(state.usedSlots("a")).toBe(2);
    expect(state.usedSlots("b")).toBe(1);
  });

  it("refuses moves that cannot be carried out, saying why", () => {
    const { state, job } = cluster();
    const refuse = (granule: number, to: string, why: RegExp) => {
      expect(() => planMigration(state, job, [{ granule, to }], "t")).toThrow(RejectedError);
      expect(() => planMigration(state, job, [{ granule, to }], "t")).toThrow(why);
    };
    refuse(7, "c", /no granule 7/);
    refuse(0, "nowhere", /no live host nowhere/);
    refuse(0, "a", /already runs on a/);
    refuse(2, "b", /already runs on b/);
    state.jobs.set("j2", { ...job, submit: { ...job.submit, jobId: "j2" }, placement: ["c"] });
    refuse(0, "c", /host c has no free slot/);
    job.migration = planMigration(state, job, [{ granule: 2, to: "a" }], "t");
    refuse(0, "b", /already has migration/);
  });

  it("refuses to migrate a job that is not MPI", () => {
    const { state, job } = cluster();
    const omp = { ...job, submit: { ...job.submit, kind: "omp" as const } };
    expect(() => planMigration(state, omp, [{ granule: 0, to: "c" }], "t")).toThrow(/only MPI ranks migrate/);
  });
});

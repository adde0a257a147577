// The live planner and the simulator make the same decisions for the same inputs: both keep
// their own cluster state (ClusterState in the planner, SimCluster in the simulator), and the
// same sequence of arrivals, departures and barriers goes through both.
import { describe, expect, it } from "vitest";
import { ClusterState, type JobRecord } from "../../actors/cluster-state.js";
import { message } from "../../bus/mod.js";
import { startSpan } from "../../observability/mod.js";
import { type JobKind, policyByName } from "../../policies/mod.js";
import { queuedJob, SimCluster, type SimJob } from "../../policies/sim/cluster.js";

function simJob(id: string, kind: JobKind, size: number): SimJob {
  return queuedJob({ id, kind, size, work: 100 });
}

function plannerJob(id: string, kind: JobKind, size: number): JobRecord {
  const submit = message("job_submit", {
    jobId: id,
    kind,
    size,
    module: { hash: "h", name: "m", size: 1 },
    args: [],
    env: {},
  });
  return {
    submit,
    state: "queued",
    placement: [],
    ended: new Map(),
    submittedAt: 0,
    migrations: 0,
    span: startSpan("test-job", {}),
  };
}

describe("the live planner and the simulator", () => {
  for (const policyName of ["bin-pack", "batch", "compact"] as const) {
    it(`decide alike under ${policyName} for one sequence of arrivals, departures and barriers`, () => {
      const policy = policyByName(policyName);
      // Compaction only has work where placements fragmented: arrivals go through bin-pack then.
      const placing = policyName === "compact" ? policyByName("bin-pack") : policy;
      const planner = new ClusterState();
      const sim = new SimCluster();
      for (let h = 0; h < 6; h++) {
        planner.upsertHost(`vm${h}`, 8, false, 0);
        sim.addHost(`vm${h}`, 8);
      }
      // A deterministic pseudo-random workload: sizes 2-15, MPI and OpenMP mixed.
      let seed = 7;
      const next = () => {
        seed = (seed * 48271) % 2147483647;
        return seed;
      };
      const running: string[] = [];
      let decisions = 0;
      let plans = 0;
      for (let step = 0; step < 60; step++) {
        const id = `job${step}`;
        const kind: JobKind = next() % 4 === 0 ? "omp" : "mpi";
        const size = kind === "omp" ? 1 + (next() % 7) : 2 + (next() % 14);
        const a = placing.place(planner.view(), { jobId: id, kind, size });
        const b = placing.place(sim, { jobId: id, kind, size });
        expect(a).toEqual(b);
        decisions++;
        if (a) {
          const pj = plannerJob(id, kind, size);
          pj.state = "running";
          pj.placement = [...a];
          planner.jobs.set(id, pj);
          const sj = simJob(id, kind, size);
          sj.state = "running";
          sim.occupy(sj, a);
          running.push(id);
        }
        // Every second step jobs leave, and the MPI jobs reach a barrier.
        if (step % 2 === 1 && running.length > 0) {
          // One leaves, from the middle of the list, so holes open up between the others.
          for (const gone of running.splice(Math.floor(running.length / 2), 1)) {
            (planner.jobs.get(gone) as JobRecord).state = "finished";
            sim.release(sim.jobById.get(gone) as SimJob);
          }
          const mpi = running.filter((j) => planner.jobs.get(j)?.submit.kind === "mpi");
          const plansA = policy.atBarrier(planner.view(), mpi);
          const plansB = policy.atBarrier(sim, mpi);
          expect(plansA).toEqual(plansB);
          plans += plansA.length;
          for (const plan of plansA) {
            const pjob = planner.jobs.get(plan.jobId) as JobRecord;
            const sjob = sim.jobById.get(plan.jobId) as SimJob;
            for (const mv of plan.moves) {
              pjob.placement[mv.granule] = mv.to;
              sim.moveGranule(sjob, mv.granule, mv.from, mv.to);
            }
          }
        }
      }
      expect(decisions).toBe(60);
      // Compaction must actually have been exercised, not only agreed on doing nothing.
      if (policyName === "compact") expect(plans).toBeGreaterThan(0);
    });
  }
});

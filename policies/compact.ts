// compact: Granny's compaction. New jobs go on the fewest hosts, and are admitted only while
// 5% of the cluster's vCPUs stay free, so that ranks have somewhere to move; at a barrier an MPI
// job's ranks migrate when that lowers its cross-VM links.

import { consolidate } from "./consolidate.js";
import { FreeSlots } from "./free-slots.js";
import { jobsById } from "./job-lookup.js";
import { fewestHostsPlacement } from "./placement.js";
import type { MigrationPlan, Policy } from "./types.js";

/** The paper's buffer: free vCPUs minus the job's size must stay at or above 5% of the cluster. */
export const COMPACTION_BUFFER = 0.05;

export const compact: Policy = {
  name: "compact",
  description: "fewest hosts, 5% of vCPUs kept free, MPI ranks migrate at barriers to cut cross-VM links",
  place: (view, request) =>
    FreeSlots.decide(view, [], (index) => {
      if (index.totalFree - request.size < COMPACTION_BUFFER * index.clusterSlots) return null;
      return fewestHostsPlacement(index, request);
    }),
  atBarrier: (view, jobIds) =>
    FreeSlots.decide(view, [], (index) => {
      const jobs = jobsById(view);
      const plans: MigrationPlan[] = [];
      for (const id of jobIds) {
        const job = jobs.get(id);
        if (job === undefined || job.kind === "omp") continue;
        const plan = consolidate(index, job, "compaction");
        if (plan !== null) plans.push(plan);
      }
      return plans;
    }),
  onVcpusFreed: () => [],
  onEvictionNotice: () => [],
};

// elastic: Granny's elastic scale-up. Jobs are placed as bin-pack does; vCPUs left idle on a
// host are handed to the OpenMP jobs already on it, which take them at their next fork.

import { FreeSlots } from "./free-slots.js";
import { hostsByName, jobsById } from "./job-lookup.js";
import { binPackPlacement } from "./placement.js";
import type { ClusterView, HostView, Policy, ScaleUp } from "./types.js";

interface Grower {
  readonly jobId: string;
  readonly fromThreads: number;
  threads: number;
  readonly cap: number;
}

function freeOn(host: HostView): number {
  if (host.evicting === true) return 0;
  let used = 0;
  for (const n of host.used.values()) used += n;
  return Math.max(0, host.slots - used);
}

// Only the named hosts matter, so this reads them directly instead of indexing the cluster.
function scaleUps(view: ClusterView, hosts: readonly string[]): ScaleUp[] {
  const jobs = jobsById(view);
  const hostByName = hostsByName(view);
  const decisions: ScaleUp[] = [];
  for (const name of new Set(hosts)) {
    const host = hostByName.get(name);
    if (host === undefined) continue;
    let free = freeOn(host);
    if (free === 0) continue;
    const growers: Grower[] = [];
    for (const [jobId, threads] of host.used) {
      const job = jobs.get(jobId);
      if (job?.kind !== "omp") continue;
      const cap = Math.min(job.maxThreads ?? host.slots, host.slots);
      if (threads < cap) growers.push({ jobId, fromThreads: threads, threads, cap });
    }
    // One thread at a time to the job with the fewest, so co-located jobs share the idle vCPUs
    // fairly rather than the first one taking all of them.
    while (free > 0) {
      let smallest: Grower | undefined;
      for (const g of growers)
        if (g.threads < g.cap && (smallest === undefined || g.threads < smallest.threads)) smallest = g;
      if (smallest === undefined) break;
      smallest.threads++;
      free--;
    }
    for (const g of growers) {
      if (g.threads === g.fromThreads) continue;
      decisions.push({
        type: "scaleUp",
        jobId: g.jobId,
        host: name,
        fromThreads: g.fromThreads,
        toThreads: g.threads,
        reason: `${g.threads - g.fromThreads} idle vCPU(s) on ${name}`,
      });
    }
  }
  return decisions;
}

export const elastic: Policy = {
  name: "elastic",
  description: "bin-pack placement; idle vCPUs go to OpenMP jobs on the same host at their next fork",
  place: (view, request) => FreeSlots.decide(view, [], (index) => binPackPlacement(index, request)),
  atBarrier: () => [],
  onVcpusFreed: scaleUps,
  onEvictionNotice: () => [],
};

// spot: Granny on spot VMs. Placement as bin-pack; when hosts get an eviction notice, each job
// on them migrates its granules to hosts that stay (at its next barrier, well within the grace
// period) or, when there is no room, is frozen as snapshots and placed again later.

import { consolidate } from "./consolidate.js";
import { FreeSlots } from "./free-slots.js";
import { hostsByName, jobsById } from "./job-lookup.js";
import { countsByHost } from "./links.js";
import { binPackPlacement } from "./placement.js";
import type { ClusterView, EvictionDecision, JobView, Policy } from "./types.js";

function evacuateThreads(index: FreeSlots, job: JobView): EvictionDecision | null {
  const threads = job.placement.length;
  const from = job.placement[0];
  const to = index.bestFit(threads);
  if (from === undefined || to === undefined) return null;
  index.take(to, threads);
  return {
    type: "migrate",
    jobId: job.id,
    moves: job.placement.map((host, granule) => ({ granule, from: host, to })),
    reason: {
      kind: "eviction",
      crossVmLinksBefore: 0,
      crossVmLinksAfter: 0,
      detail: `${threads} thread(s) leave ${from} under eviction notice`,
    },
  };
}

function evacuate(view: ClusterView, leaving: readonly string[]): EvictionDecision[] {
  return FreeSlots.decide(view, leaving, (index) => evacuateWith(index, view, leaving));
}

function evacuateWith(index: FreeSlots, view: ClusterView, leaving: readonly string[]): EvictionDecision[] {
  const jobs = jobsById(view);
  const hosts = hostsByName(view);
  const affected = new Set<string>();
  for (const name of leaving) for (const jobId of hosts.get(name)?.used.keys() ?? []) affected.add(jobId);
  const decisions: EvictionDecision[] = [];
  for (const jobId of affected) {
    const job = jobs.get(jobId);
    if (job === undefined) continue;
    const plan = job.kind === "omp" ? evacuateThreads(index, job) : consolidate(index, job, "eviction");
    if (plan !== null) {
      decisions.push(plan);
      continue;
    }
    // No room for the whole job: freeze it, which also frees its slots on the hosts that stay.
    for (const [host, n] of countsByHost(job.placement)) index.give(host, n);
    decisions.push({
      type: "freeze",
      jobId,
      reason: `no room for ${job.placement.length} granule(s) outside hosts under eviction notice`,
    });
  }
  return decisions;
}

export const spot: Policy = {
  name: "spot",
  description: "bin-pack placement; on an eviction notice, migrate granules off the VM or freeze the job",
  place: (view, request) => FreeSlots.decide(view, [], (index) => binPackPlacement(index, request)),
  atBarrier: () => [],
  onVcpusFreed: () => [],
  onEvictionNotice: evacuate,
};

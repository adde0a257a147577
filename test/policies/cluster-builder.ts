// Builds small cluster views for policy tests from what a reader can check by eye: host slots
// and each job's placement; the per-host usage is derived, so the view is always consistent.

import type { ClusterView, HostView, JobKind, JobView } from "../../policies/mod.js";

export interface JobLayout {
  readonly id: string;
  readonly kind?: JobKind;
  readonly placement: readonly string[];
  readonly maxThreads?: number;
}

/** `hosts` maps host name to slots, in view order; `evicting` hosts are under notice. */
export function clusterView(
  hosts: Readonly<Record<string, number>>,
  jobs: readonly JobLayout[] = [],
  evicting: readonly string[] = [],
): ClusterView {
  const used = new Map<string, Map<string, number>>(Object.keys(hosts).map((name) => [name, new Map()]));
  for (const job of jobs) {
    for (const host of job.placement) {
      const onHost = used.get(host);
      if (onHost === undefined) throw new Error(`test layout names unknown host ${host}`);
      onHost.set(job.id, (onHost.get(job.id) ?? 0) + 1);
    }
  }
  const hostViews: HostView[] = Object.entries(hosts).map(([name, slots]) => ({
    name,
    slots,
    used: used.get(name) ?? new Map(),
    evicting: evicting.includes(name),
  }));
  const jobViews: JobView[] = jobs.map((job) => ({
    id: job.id,
    kind: job.kind ?? "mpi",
    placement: job.placement,
    ...(job.maxThreads === undefined ? {} : { maxThreads: job.maxThreads }),
  }));
  return { hosts: hostViews, jobs: jobViews };
}

/** n copies of a host name: a job's granules on one host. */
export function on(host: string, n: number): string[] {
  return Array.from({ length: n }, () => host);
}

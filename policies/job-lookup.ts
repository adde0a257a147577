// Finding jobs and hosts of a view by id or name, using the caller's map when it keeps one.

import type { ClusterView, HostView, JobView } from "./types.js";

export function jobsById(view: ClusterView): ReadonlyMap<string, JobView> {
  return view.jobById ?? new Map(view.jobs.map((job) => [job.id, job]));
}

export function hostsByName(view: ClusterView): ReadonlyMap<string, HostView> {
  return view.hostByName ?? new Map(view.hosts.map((host) => [host.name, host]));
}

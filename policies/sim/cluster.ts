// The simulator's mutable cluster: hosts, running jobs and their placement, kept in the shape
// of a ClusterView so that policies read it directly, with no copy per decision.

import { fewestLinks } from "../consolidate.js";
import { FreeSlots } from "../free-slots.js";
import { countsByHost, crossVmLinks } from "../links.js";
import type { ClusterView, JobKind } from "../types.js";
import type { JobSpec } from "./presets.js";

export interface SimHost {
  readonly name: string;
  readonly slots: number;
  readonly used: Map<string, number>;
  evicting: boolean;
}

export type JobState = "queued" | "running" | "frozen" | "done";

export interface SimJob {
  readonly spec: JobSpec;
  readonly id: string;
  readonly kind: JobKind;
  placement: string[];
  state: JobState;
  /** Fraction of the job's work still to do. */
  remaining: number;
  lastUpdate: number;
  /** No progress before this time: the job is waiting out a migration or restore. */
  resumeAt: number;
  /** When the current attempt began: a restart throws away everything since. */
  attemptStart: number;
  firstStart: number | null;
  finishedAt: number | null;
  links: number;
  /** Bumped on every rate change, so that stale finish events are ignored. */
  version: number;
  migrations: number;
  restarts: number;
  freezes: number;
}

/** A job as it arrives in the simulation: queued, nothing done yet. */
export function queuedJob(spec: JobSpec): SimJob {
  return {
    spec,
    id: spec.id,
    kind: spec.kind,
    placement: [],
    state: "queued",
    remaining: 1,
    lastUpdate: 0,
    resumeAt: 0,
    attemptStart: 0,
    firstStart: null,
    finishedAt: null,
    links: 0,
    version: 0,
    migrations: 0,
    restarts: 0,
    freezes: 0,
  };
}

export class SimCluster implements ClusterView {
  readonly hosts: SimHost[] = [];
  readonly jobs: SimJob[] = [];
  readonly jobById = new Map<string, SimJob>();
  readonly hostByName = new Map<string, SimHost>();
  /** Kept in step with the hosts, so that a decision costs O(granules), not O(hosts). */
  readonly freeSlots = new FreeSlots();
  private readonly hostPosition = new Map<string, number>();
  private readonly position = new Map<string, number>();
  private maxSlots = 0;
  usedSlots = 0;
  capacity = 0;
  links = 0;
  /**
   * Running jobs with more cross-VM links than the fewest their size allows: the only ones that
   * a migration can improve, so the only ones worth presenting at a barrier.
   */
  readonly fragmented = new Set<SimJob>();

  addHost(name: string, slots: number): void {
    const host: SimHost = { name, slots, used: new Map(), evicting: false };
    this.hostPosition.set(name, this.hosts.length);
    this.hosts.push(host);
    this.hostByName.set(name, host);
    this.freeSlots.addHost(name, slots, slots);
    this.capacity += slots;
    this.maxSlots = Math.max(this.maxSlots, slots);
  }

  /** A host told of its eviction takes no new work. */
  markEvicting(name: string): void {
    this.host(name).evicting = true;
    this.freeSlots.setUsable(name, false);
  }

  /** A replacement VM takes the evicted one's place in the list, keeping host order stable. */
  replaceHost(name: string, replacement: string): void {
    const i = this.hostPosition.get(name) ?? -1;
    const old = this.hosts[i];
    if (old === undefined) throw new Error(`no host ${name}`);
    if (old.used.size > 0) throw new Error(`host ${name} still runs granules`);
    const fresh: SimHost = { name: replacement, slots: old.slots, used: new Map(), evicting: false };
    this.hosts[i] = fresh;
    this.hostByName.delete(name);
    this.hostByName.set(replacement, fresh);
    this.hostPosition.delete(name);
    this.hostPosition.set(replacement, i);
    this.freeSlots.replaceHost(name, replacement, old.slots);
  }

  host(name: string): SimHost {
    const host = this.hostByName.get(name);
    if (host === undefined) throw new Error(`policy named unknown host ${name}`);
    return host;
  }

  /** Put a job's granules on hosts; checks what a policy asked for against the real slots. */
  occupy(job: SimJob, placement: readonly string[]): void {
    for (const [name, n] of countsByHost(placement)) this.addGranules(job, name, n);
    job.placement = [...placement];
    this.position.set(job.id, this.jobs.length);
    this.jobs.push(job);
    this.jobById.set(job.id, job);
    this.relink(job);
  }

  release(job: SimJob): void {
    for (const [name, n] of countsByHost(job.placement)) this.removeGranules(job, name, n);
    job.placement = [];
    const i = this.position.get(job.id);
    if (i !== undefined) {
      // Swap-remove keeps removal O(1) with thousands of running jobs.
      const last = this.jobs.pop() as SimJob;
      if (last !== job) {
        this.jobs[i] = last;
        this.position.set(last.id, i);
      }
      this.position.delete(job.id);
    }
    this.jobById.delete(job.id);
    this.relink(job);
  }

  moveGranule(job: SimJob, granule: number, from: string, to: string): void {
    if (job.placement[granule] !== from) throw new Error(`${job.id} granule ${granule} is not on ${from}`);
    this.removeGranules(job, from, 1);
    this.addGranules(job, to, 1);
    job.placement[granule] = to;
  }

  addThreads(job: SimJob, hostName: string, n: number): void {
    this.addGranules(job, hostName, n);
    for (let i = 0; i < n; i++) job.placement.push(hostName);
  }

  /** Recompute a job's links after its placement changed, keeping the cluster total. */
  relink(job: SimJob): void {
    this.links -= job.links;
    job.links = job.kind === "omp" ? 0 : crossVmLinks(job.placement);
    this.links += job.links;
    if (job.links > fewestLinks(job.placement.length, this.maxSlots)) this.fragmented.add(job);
    else this.fragmented.delete(job);
  }

  private addGranules(job: SimJob, name: string, n: number): void {
    const host = this.host(name);
    let used = 0;
    for (const k of host.used.values()) used += k;
    if (host.evicting) throw new Error(`policy placed ${job.id} on ${name}, which is under eviction notice`);
    if (used + n > host.slots) throw new Error(`policy overfilled ${name}: ${used} + ${n} > ${host.slots}`);
    host.used.set(job.id, (host.used.get(job.id) ?? 0) + n);
    this.freeSlots.take(name, n);
    this.usedSlots += n;
  }

  private removeGranules(job: SimJob, name: string, n: number): void {
    const host = this.host(name);
    const left = (host.used.get(job.id) ?? 0) - n;
    if (left < 0) throw new Error(`${job.id} has fewer than ${n} granules on ${name}`);
    if (left === 0) host.used.delete(job.id);
    else host.used.set(job.id, left);
    this.freeSlots.give(name, n);
    this.usedSlots -= n;
  }
}

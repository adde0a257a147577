// Policy and simulator benchmarks: decisions per second on clusters of 32, 1,000 and 10,000 VMs
// (target: a placement under 1 ms at 1,000 VMs), and each preset's wall time at 1x, 10x and
// 100x (targets: under 2 s at 1x, under a minute at 100x). Baselines are those targets.

import { pathToFileURL } from "node:url";
import {
  binPack,
  type ClusterView,
  FreeSlots,
  type HostView,
  type JobView,
  type PlacementRequest,
  type Policy,
  PRESET_NAMES,
  policyByName,
  Rng,
  runPreset,
} from "../policies/mod.js";
import type { Row } from "./table.js";

interface BusyCluster {
  readonly view: ClusterView;
  readonly kept: ClusterView;
}

/** A cluster about 75% full of MPI jobs of 4 to 15 ranks, placed as bin-pack would. */
function busyCluster(vms: number, seed = 1): BusyCluster {
  const rng = new Rng(seed);
  const used = new Map<string, Map<string, number>>();
  const hosts: HostView[] = [];
  for (let i = 0; i < vms; i++) {
    const name = `vm-${i}`;
    const onHost = new Map<string, number>();
    used.set(name, onHost);
    hosts.push({ name, slots: 8, used: onHost });
  }
  const jobs: JobView[] = [];
  const freeSlots = FreeSlots.fromView({ hosts, jobs });
  const view: ClusterView = { hosts, jobs };
  const kept: ClusterView = { hosts, jobs, freeSlots };
  while (freeSlots.totalFree > 0.25 * 8 * vms) {
    const id = `job-${jobs.length}`;
    const placement = binPack.place(kept, { jobId: id, kind: "mpi", size: rng.int(4, 15) });
    if (placement === null) break;
    for (const host of placement) {
      const onHost = used.get(host);
      onHost?.set(id, (onHost.get(id) ?? 0) + 1);
      freeSlots.take(host, 1);
    }
    jobs.push({ id, kind: "mpi", placement });
  }
  return { view, kept };
}

/** Mean microseconds per call over at least `minMs` of calls (after a short warm-up). */
function timeCalls(call: (i: number) => void, minMs = 150): number {
  for (let i = 0; i < 20; i++) call(i);
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 20; i++) call(calls++);
    elapsed = performance.now() - start;
  }
  return (elapsed * 1000) / calls;
}

function decisionRows(vms: number): Row[] {
  const { view, kept } = busyCluster(vms);
  const rows: Row[] = [];
  const requests: PlacementRequest[] = Array.from({ length: 64 }, (_, i) => ({
    jobId: `new-${i}`,
    kind: i % 4 === 0 ? "omp" : "mpi",
    size: 2 + (i % 12),
  }));
  const fragmented = view.jobs.filter((j) => new Set(j.placement).size > 1).map((j) => j.id);
  const place = (policy: Policy, v: ClusterView) => (i: number) => {
    policy.place(v, requests[i % requests.length] as PlacementRequest);
  };
  for (const name of ["bin-pack", "compact"] as const) {
    const policy = policyByName(name);
    const fresh = timeCalls(place(policy, view));
    rows.push({
      name: `${name} placement, ${vms} VMs, index built per call`,
      value: fresh,
      unit: "µs",
      baseline: 1000,
      baselineName: "target",
      ratio: fresh / 1000,
    });
    const warm = timeCalls(place(policy, kept));
    rows.push({
      name: `${name} placement, ${vms} VMs, index kept by caller`,
      value: warm,
      unit: "µs",
      baseline: 1000,
      baselineName: "target",
      ratio: warm / 1000,
    });
    rows.push({ name: `${name} placements per second, ${vms} VMs`, value: 1e6 / fresh, unit: "/s" });
  }
  const compact = policyByName("compact");
  const barrier = timeCalls((i) => {
    compact.atBarrier(view, [fragmented[i % Math.max(1, fragmented.length)] ?? ""]);
  });
  rows.push({
    name: `compact barrier decision (one job), ${vms} VMs`,
    value: barrier,
    unit: "µs",
    baseline: 1000,
    baselineName: "target",
    ratio: barrier / 1000,
  });
  const spot = policyByName("spot");
  const eviction = timeCalls((i) => {
    spot.onEvictionNotice(view, [view.hosts[i % view.hosts.length]?.name ?? ""]);
  });
  rows.push({ name: `spot eviction decision (one VM), ${vms} VMs`, value: eviction, unit: "µs" });
  return rows;
}

function presetRows(scales: readonly number[]): Row[] {
  const rows: Row[] = [];
  for (const scale of scales) {
    for (const preset of PRESET_NAMES) {
      const run = runPreset(preset, { scale, seed: 1 });
      const target = scale === 1 ? 2000 : 60_000;
      const decisions = run.runs.reduce((sum, r) => sum + r.decisions, 0);
      rows.push({
        name: `sim ${preset} x${scale} (${run.scenario.hosts} VMs, ${run.scenario.jobs.length} jobs, ${run.runs.length} policies, ${decisions} decisions)`,
        value: run.wallMs,
        unit: "ms",
        baseline: target,
        baselineName: "target",
        ratio: run.wallMs / target,
      });
    }
  }
  return rows;
}

export async function benchPolicies(scales: readonly number[] = [1, 10, 100]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const vms of [32, 1000, 10_000]) rows.push(...decisionRows(vms));
  rows.push(...presetRows(scales));
  for (const row of rows) {
    const ratio =
      row.ratio === undefined ? "" : `  (${row.ratio.toFixed(3)}x ${row.baselineName ?? "baseline"})`;
    process.stdout.write(
      `policies: ${row.name}: ${row.value.toFixed(row.value >= 100 ? 0 : 2)} ${row.unit}${ratio}\n`,
    );
  }
  return rows;
}

// Runnable on its own: `node dist/bench/policies.js [scale...]`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const scales = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  await benchPolicies(scales.length > 0 ? scales : undefined);
}

// Writing a preset's comparison to disk: a JSON summary, CSV of jobs and of the timeline, and
// SVG charts (job-completion CDF; utilisation and fragmentation over time).

import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Comparison, comparisonOf, type PresetRun } from "./compare.js";
import type { Sample, SimRun } from "./simulator.js";
import { renderLineChart, type Series } from "./svg-chart.js";

export interface WrittenReport {
  readonly comparison: Comparison;
  readonly files: readonly string[];
}

/** At most this many timeline rows per policy: enough for a chart, small enough to diff. */
const TIMELINE_POINTS = 1000;

/** The state in effect at evenly spaced instants over [0, makespan] (timelines are steps). */
export function downsample(samples: readonly Sample[], makespan: number, points = TIMELINE_POINTS): Sample[] {
  if (samples.length <= points || makespan <= 0) return [...samples];
  const out: Sample[] = [];
  let i = 0;
  for (let b = 0; b <= points; b++) {
    const t = (makespan * b) / points;
    while (i + 1 < samples.length && (samples[i + 1]?.t ?? Number.POSITIVE_INFINITY) <= t) i++;
    const s = samples[i];
    if (s !== undefined) out.push({ ...s, t });
  }
  return out;
}

function csv(rows: readonly (readonly (string | number)[])[]): string {
  return `${rows.map((row) => row.map((cell) => (typeof cell === "number" ? String(Number(cell.toFixed(3))) : cell)).join(",")).join("\n")}\n`;
}

function jobsCsv(runs: readonly SimRun[]): string {
  const rows: (string | number)[][] = [
    ["policy", "job", "kind", "size", "firstStart", "finish", "jct", "migrations", "restarts", "freezes"],
  ];
  for (const run of runs) {
    for (const j of run.jobs)
      rows.push([
        run.policy,
        j.id,
        j.kind,
        j.size,
        j.firstStart,
        j.finish,
        j.jct,
        j.migrations,
        j.restarts,
        j.freezes,
      ]);
  }
  return csv(rows);
}

function timelineCsv(runs: readonly SimRun[]): string {
  const rows: (string | number)[][] = [
    ["policy", "t", "usedVcpus", "capacity", "utilisationPct", "crossVmLinks", "queued"],
  ];
  for (const run of runs) {
    for (const s of downsample(run.samples, run.makespan)) {
      rows.push([
        run.policy,
        s.t,
        s.usedVcpus,
        s.capacity,
        s.capacity === 0 ? 0 : (100 * s.usedVcpus) / s.capacity,
        s.crossVmLinks,
        s.queued,
      ]);
    }
  }
  return csv(rows);
}

function cdfSeries(run: SimRun): Series {
  const jcts = run.jobs.map((j) => j.jct).sort((a, b) => a - b);
  const points: [number, number][] = [
    [0, 0],
    ...jcts.map((jct, i): [number, number] => [jct, (i + 1) / jcts.length]),
  ];
  return { name: run.policy, points };
}

function timelineSeries(run: SimRun, value: (s: Sample) => number): Series {
  return {
    name: run.policy,
    points: downsample(run.samples, run.makespan).map((s) => [s.t, value(s)] as const),
  };
}

/** Write everything for one preset run into `dir`; returns the comparison and the paths. */
export async function writeReport(run: PresetRun, dir: string): Promise<WrittenReport> {
  await mkdir(dir, { recursive: true });
  const { preset, scale, seed } = run.scenario;
  const base = `${preset}-x${scale}`;
  const comparison = comparisonOf(run);
  const label = `${preset} (${run.scenario.hosts} VMs x ${run.scenario.slotsPerHost} vCPUs, ${run.scenario.jobs.length} jobs)`;
  const outputs: [string, string][] = [
    [
      `${base}-summary.json`,
      `${JSON.stringify({ preset, scale, seed, hosts: run.scenario.hosts, jobs: run.scenario.jobs.length, comparison }, null, 2)}\n`,
    ],
    [`${base}-jobs.csv`, jobsCsv(run.runs)],
    [`${base}-timeline.csv`, timelineCsv(run.runs)],
    [
      `${base}-jct-cdf.svg`,
      renderLineChart({
        title: `Job completion times, ${label}`,
        xLabel: "job completion time (s)",
        yLabel: "fraction of jobs",
        series: run.runs.map(cdfSeries),
        step: true,
        yMax: 1,
      }),
    ],
    [
      `${base}-utilisation.svg`,
      renderLineChart({
        title: `vCPU utilisation, ${label}`,
        xLabel: "time (s)",
        yLabel: "vCPUs in use (%)",
        series: run.runs.map((r) =>
          timelineSeries(r, (s) => (s.capacity === 0 ? 0 : (100 * s.usedVcpus) / s.capacity)),
        ),
        step: true,
        yMax: 100,
      }),
    ],
    [
      `${base}-fragmentation.svg`,
      renderLineChart({
        title: `Cross-VM links, ${label}`,
        xLabel: "time (s)",
        yLabel: "cross-VM links",
        series: run.runs.map((r) => timelineSeries(r, (s) => s.crossVmLinks)),
        step: true,
      }),
    ],
  ];
  const files: string[] = [];
  for (const [name, text] of outputs) {
    const path = join(dir, name);
    await writeFile(path, text);
    files.push(path);
  }
  return { comparison, files };
}

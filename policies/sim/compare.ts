// Running a preset under each policy it compares, and the comparison as JSON and as a table.

import { policyByName } from "../registry.js";
import {
  isPresetName,
  PRESET_NAMES,
  type PresetName,
  type Scenario,
  type ScenarioOptions,
  scenarioFor,
} from "./presets.js";
import { type SimOptions, type SimRun, simulate } from "./simulator.js";
import { type RunSummary, summarise } from "./stats.js";

export type RunOptions = ScenarioOptions;

export interface PresetRun {
  readonly scenario: Scenario;
  readonly runs: readonly SimRun[];
  /** Wall-clock milliseconds for all the policies of the preset. */
  readonly wallMs: number;
}

/** The comparison keyed by policy name, as `granny sim --json` prints it. */
export type Comparison = Readonly<Record<string, RunSummary>>;

function presetName(name: string): PresetName {
  if (!isPresetName(name))
    throw new RangeError(`unknown preset "${name}"; valid presets are: ${PRESET_NAMES.join(", ")}`);
  return name;
}

export function runPreset(name: string, options: RunOptions = {}, simOptions: SimOptions = {}): PresetRun {
  const started = performance.now();
  const scenario = scenarioFor(presetName(name), options);
  const runs = scenario.policies.map((policy) => simulate(scenario, policyByName(policy), simOptions));
  return { scenario, runs, wallMs: performance.now() - started };
}

export function comparisonOf(run: PresetRun): Comparison {
  return Object.fromEntries(run.runs.map((r) => [r.policy, summarise(r)]));
}

export function compare(name: string, options: RunOptions = {}): Comparison {
  return comparisonOf(runPreset(name, options));
}

const COLUMNS: readonly (readonly [string, (s: RunSummary, batch: RunSummary | undefined) => string])[] = [
  ["median JCT s", (s) => s.medianJct.toFixed(0)],
  ["p90 JCT s", (s) => s.p90Jct.toFixed(0)],
  ["p99 JCT s", (s) => s.p99Jct.toFixed(0)],
  ["makespan s", (s) => s.makespan.toFixed(0)],
  ["idle vCPU %", (s) => s.idleVcpuPct.toFixed(1)],
  [
    "links (x batch)",
    (s, b) => (b === undefined || b.crossVmLinks === 0 ? "-" : (s.crossVmLinks / b.crossVmLinks).toFixed(2)),
  ],
  ["migrations", (s) => String(s.migrations)],
  ["scale-ups", (s) => String(s.scaleUps)],
  ["freezes", (s) => String(s.freezes)],
  ["restarts", (s) => String(s.restarts)],
  ["lost vCPU-s", (s) => String(s.lostWorkVcpuS)],
];

/** A fixed-width text table, one row per policy, links shown relative to batch as in the paper. */
export function formatComparisonTable(comparison: Comparison): string {
  const batch = comparison.batch;
  const header = ["policy", ...COLUMNS.map(([title]) => title)];
  const rows = Object.entries(comparison).map(([policy, s]) => [
    policy,
    ...COLUMNS.map(([, cell]) => cell(s, batch)),
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

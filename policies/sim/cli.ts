// `granny sim`: run the paper's presets in the simulator and print the comparison. The bin/
// command forwards its arguments here, so all parsing and printing lives in this room.

import { parseArgs } from "node:util";
import { comparisonOf, formatComparisonTable, runPreset } from "./compare.js";
import { isPresetName, PRESET_NAMES, type PresetName } from "./presets.js";
import { writeReport } from "./report.js";

const USAGE = `usage: granny sim [--preset ${PRESET_NAMES.join("|")}] [--scale N] [--seed N] [--json] [--out DIR] [--evict-fraction F]

  --preset NAME        one of ${PRESET_NAMES.join(", ")} (default: all three)
  --scale N            N times the paper's cluster and job count: 1, 10, 100, ... (default 1)
  --seed N             workload and eviction seed; the same seed gives the same results (default 1)
  --json               print the comparison as JSON keyed by policy (by preset, then policy, for all)
  --out DIR            also write JSON, CSV and SVG charts to DIR
  --evict-fraction F   spot: fraction of VMs told of eviction every 60 s (default 0.25)`;

class UsageError extends Error {
  override readonly name = "UsageError";
}

function positiveInteger(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`${flag} wants a positive integer, got "${text}"`);
  return value;
}

interface SimArgs {
  readonly presets: readonly PresetName[];
  readonly scale: number;
  readonly seed: number;
  readonly json: boolean;
  readonly out: string | undefined;
  readonly evictFraction: number | undefined;
  readonly help: boolean;
}

function parse(argv: readonly string[]): SimArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      preset: { type: "string" },
      scale: { type: "string" },
      seed: { type: "string" },
      json: { type: "boolean", default: false },
      out: { type: "string" },
      "evict-fraction": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const preset = values.preset;
  if (preset !== undefined && !isPresetName(preset)) {
    throw new UsageError(`unknown preset "${preset}"; valid presets are: ${PRESET_NAMES.join(", ")}`);
  }
  const fractionText = values["evict-fraction"];
  const evictFraction = fractionText === undefined ? undefined : Number(fractionText);
  if (evictFraction !== undefined && !(evictFraction >= 0 && evictFraction <= 1)) {
    throw new UsageError(`--evict-fraction wants a number in [0, 1], got "${fractionText}"`);
  }
  return {
    presets: preset === undefined ? PRESET_NAMES : [preset],
    scale: positiveInteger("--scale", values.scale, 1),
    seed: positiveInteger("--seed", values.seed, 1),
    json: values.json === true,
    out: values.out,
    evictFraction,
    help: values.help === true,
  };
}

/** Runs `granny sim` with the arguments after "sim"; returns the process exit code. */
export async function simMain(argv: string[]): Promise<number> {
  let args: SimArgs;
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`granny sim: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const json: Record<string, unknown> = {};
  for (const preset of args.presets) {
    const run = runPreset(preset, {
      scale: args.scale,
      seed: args.seed,
      ...(args.evictFraction === undefined ? {} : { evictFraction: args.evictFraction }),
    });
    const comparison = comparisonOf(run);
    json[preset] = comparison;
    if (!args.json) {
      const { hosts, slotsPerHost, jobs } = run.scenario;
      process.stdout.write(
        `${preset} x${args.scale} (seed ${args.seed}): ${hosts} VMs x ${slotsPerHost} vCPUs, ${jobs.length} jobs, simulated in ${(run.wallMs / 1000).toFixed(2)} s\n`,
      );
      process.stdout.write(`${formatComparisonTable(comparison)}\n\n`);
    }
    if (args.out !== undefined) {
      const written = await writeReport(run, args.out);
      if (!args.json) process.stdout.write(`wrote ${written.files.join(", ")}\n\n`);
    }
  }
  if (args.json) {
    const only = args.presets.length === 1 ? json[args.presets[0] as string] : json;
    process.stdout.write(`${JSON.stringify(only)}\n`);
  }
  return 0;
}

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { comparisonOf, formatComparisonTable, runPreset, simMain, writeReport } from "../../policies/mod.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "granny-sim-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("simulator reports", () => {
  it("write a JSON summary, job and timeline CSVs and three SVG charts", async () => {
    const run = runPreset("elastic", { seed: 1 });
    const { comparison, files } = await writeReport(run, dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
      "elastic-x1-summary.json",
      "elastic-x1-jobs.csv",
      "elastic-x1-timeline.csv",
      "elastic-x1-jct-cdf.svg",
      "elastic-x1-utilisation.svg",
      "elastic-x1-fragmentation.svg",
    ]);
    const summary = JSON.parse(await readFile(join(dir, "elastic-x1-summary.json"), "utf8")) as {
      comparison: unknown;
    };
    expect(summary.comparison).toEqual(comparison);
    const jobs = (await readFile(join(dir, "elastic-x1-jobs.csv"), "utf8")).trim().split("\n");
    expect(jobs[0]).toBe("policy,job,kind,size,firstStart,finish,jct,migrations,restarts,freezes");
    expect(jobs).toHaveLength(1 + 3 * 200);
    const timeline = (await readFile(join(dir, "elastic-x1-timeline.csv"), "utf8")).trim().split("\n");
    expect(timeline[0]).toBe("policy,t,usedVcpus,capacity,utilisationPct,crossVmLinks,queued");
    for (const chart of ["jct-cdf", "utilisation", "fragmentation"]) {
      const svg = await readFile(join(dir, `elastic-x1-${chart}.svg`), "utf8");
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg.trim().endsWith("</svg>")).toBe(true);
      // One line per policy, each named in the legend.
      for (const policy of ["elastic", "bin-pack", "batch"]) expect(svg).toContain(`>${policy}</text>`);
      expect(svg.match(/<path /g)).toHaveLength(3);
    }
  });

  it("format the comparison as a table with one row per policy and links relative to batch", () => {
    const comparison = comparisonOf(runPreset("compaction", { seed: 1 }));
    const lines = formatComparisonTable(comparison).split("\n");
    expect(lines).toHaveLength(2 + Object.keys(comparison).length);
    expect(lines[0]).toMatch(/^policy +median JCT s +p90 JCT s +p99 JCT s +makespan s/);
    const binPack = comparison["bin-pack"];
    const batch = comparison.batch;
    if (binPack === undefined || batch === undefined) throw new Error("missing policy");
    expect(lines.find((l) => l.startsWith("batch "))).toContain(" 1.00 ");
    expect(lines.find((l) => l.startsWith("bin-pack "))).toContain(
      ` ${(binPack.crossVmLinks / batch.crossVmLinks).toFixed(2)} `,
    );
  });
});

describe("granny sim", () => {
  it("writes the preset's report with --out and exits 0", async () => {
    const out = join(dir, "cli");
    expect(await simMain(["--preset", "spot", "--seed", "2", "--json", "--out", out])).toBe(0);
    const summary = JSON.parse(await readFile(join(out, "spot-x1-summary.json"), "utf8")) as {
      seed: number;
      comparison: Record<string, { restarts: number }>;
    };
    expect(summary.seed).toBe(2);
    expect(Object.keys(summary.comparison)).toEqual(["spot", "bin-pack", "batch"]);
  });

  it("exits 2 on an unknown preset or a bad scale", async () => {
    expect(await simMain(["--preset", "slurm"])).toBe(2);
    expect(await simMain(["--scale", "0"])).toBe(2);
    expect(await simMain(["--bogus"])).toBe(2);
  });
});

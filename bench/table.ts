// The one table `npm run bench` prints: each measurement beside the baseline measured in the
// same run, and their ratio (ours / baseline; for throughputs, baseline / ours, so > 1 is
// always "slower than the baseline").
export interface Row {
  /** Which part of the system, e.g. "bus", "actors", "mpi". */
  readonly group?: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The same measurement of the baseline (raw nats.js, native OpenMPI, native OpenMP...). */
  readonly baseline?: number;
  readonly baselineName?: string;
  /** Ours relative to the baseline, oriented so that 1.0 is parity and larger is worse. */
  readonly ratio?: number;
}

export function slowdown(ours: number, baseline: number, higherIsBetter = false): number {
  return higherIsBetter ? baseline / ours : ours / baseline;
}

export function formatTable(rows: readonly Row[]): string {
  const fmt = (n: number | undefined) =>
    n === undefined
      ? ""
      : Math.abs(n) >= 100
        ? n.toFixed(0)
        : Math.abs(n) >= 1
          ? n.toFixed(2)
          : n.toPrecision(3);
  const cells = rows.map((r) => [
    r.group ?? "",
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    r.baseline === undefined
      ? ""
      : `${fmt(r.baseline)} ${r.unit}${r.baselineName ? ` (${r.baselineName})` : ""}`,
    r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}x`,
  ]);
  const header = ["group", "measurement", "granny", "baseline", "ratio"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** Median of a sample. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

// A small line-chart renderer to standalone SVG: enough for JCT CDFs and utilisation or
// fragmentation over time, without pulling a plotting stack into a pure-TypeScript room.

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [x: number, y: number])[];
}

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Draw as a step function (value holds until the next point), as for CDFs and timelines. */
  readonly step?: boolean;
  readonly yMax?: number;
}

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { left: 70, right: 150, top: 40, bottom: 55 } as const;
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"] as const;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Round tick steps (1, 2 or 5 times a power of ten) giving about `count` ticks over [0, max]. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = 0; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  if ((ticks.at(-1) ?? 0) < max) ticks.push(Number(((ticks.at(-1) ?? 0) + step).toPrecision(12)));
  return ticks;
}

function formatTick(value: number): string {
  return Math.abs(value) >= 1000 ? value.toFixed(0) : String(Number(value.toPrecision(3)));
}

export function renderLineChart(chart: LineChart): string {
  const xMaxData = Math.max(0, ...chart.series.flatMap((s) => s.points.map(([x]) => x)));
  const yMaxData = chart.yMax ?? Math.max(0, ...chart.series.flatMap((s) => s.points.map(([, y]) => y)));
  const xTicks = niceTicks(xMaxData);
  const yTicks = niceTicks(yMaxData);
  const xMax = xTicks.at(-1) ?? 1;
  const yMax = yTicks.at(-1) ?? 1;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (x: number): number => MARGIN.left + (x / xMax) * plotW;
  const py = (y: number): number => MARGIN.top + plotH - (y / yMax) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(chart.title)}</text>`,
  ];
  for (const t of xTicks) {
    const x = px(t).toFixed(1);
    out.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`);
    out.push(`<text x="${x}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  for (const t of yTicks) {
    const y = py(t).toFixed(1);
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#eee"/>`);
    out.push(
      `<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`,
    );
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
  );
  chart.series.forEach((series, i) => {
    const colour = COLOURS[i % COLOURS.length] ?? "#000";
    const path: string[] = [];
    let previousY: number | undefined;
    for (const [x, y] of series.points) {
      if (path.length === 0) path.push(`M${px(x).toFixed(1)},${py(y).toFixed(1)}`);
      else {
        if (chart.step === true && previousY !== undefined)
          path.push(`L${px(x).toFixed(1)},${py(previousY).toFixed(1)}`);
        path.push(`L${px(x).toFixed(1)},${py(y).toFixed(1)}`);
      }
      previousY = y;
    }
    out.push(`<path d="${path.join("")}" fill="none" stroke="${colour}" stroke-width="1.8"/>`);
    const ly = MARGIN.top + 10 + i * 20;
    const lx = MARGIN.left + plotW + 14;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${colour}" stroke-width="3"/>`);
    out.push(`<text x="${lx + 28}" y="${ly}" dominant-baseline="middle">${escapeXml(series.name)}</text>`);
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

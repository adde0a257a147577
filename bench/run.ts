// `npm run bench`: every benchmark of the project in one run, printed as one table of
// measurements beside baselines measured in the same run. `npm run bench -- bus actors` runs
// only the named groups.
import { benchActors } from "./actors.js";
import { benchBus } from "./bus.js";
import { benchMpi } from "./mpi.js";
import { benchOmp } from "./omp.js";
import { benchPolicies } from "./policies.js";
import { benchSnapshot } from "./snapshot.js";
import { formatTable, type Row } from "./table.js";

const groups: Record<string, () => Promise<Row[]>> = {
  bus: benchBus,
  actors: benchActors,
  mpi: benchMpi,
  omp: benchOmp,
  snapshot: benchSnapshot,
  policies: () => benchPolicies(),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((g) => !(g in groups));
if (unknown.length) {
  process.stderr.write(
    `unknown benchmark group(s) ${unknown.join(", ")}; known: ${Object.keys(groups).join(", ")}\n`,
  );
  process.exit(2);
}
const rows: Row[] = [];
for (const [name, bench] of Object.entries(groups)) {
  if (wanted.length && !wanted.includes(name)) continue;
  process.stderr.write(`bench: ${name}...\n`);
  try {
    rows.push(...(await bench()).map((r) => ({ ...r, group: r.group ?? name })));
  } catch (err) {
    process.stderr.write(`bench: ${name} failed: ${(err as Error).stack}\n`);
    process.exitCode = 1;
  }
}
process.stdout.write(`${formatTable(rows)}\n`);

// Rank consolidation: the target per-host counts that minimise a job's cross-VM links given the
// slots free now, and the fewest granule moves that reach it. Used by compaction at barriers and
// by spot evacuation, where hosts under notice offer no capacity and their granules must move.

import type { FreeSlots } from "./free-slots.js";
import { countsByHost, linksFromCounts } from "./links.js";
import type { GranuleMove, JobView, MigrationPlan, MigrationReason } from "./types.js";

interface Candidate {
  readonly host: string;
  readonly current: number;
  readonly capacity: number;
}

/** Hosts the job could use: its own (its granules plus free slots) and the emptiest others. */
function candidates(index: FreeSlots, counts: ReadonlyMap<string, number>, size: number): Candidate[] {
  const list: Candidate[] = [];
  for (const [host, current] of counts) {
    const capacity = index.isUsable(host) ? current + index.freeOn(host) : 0;
    list.push({ host, current, capacity });
  }
  // At most `size` other hosts can matter, and the emptiest are the only ones worth having.
  let others = 0;
  for (const host of index.emptiestFirst()) {
    if (others >= size) break;
    if (counts.has(host)) continue;
    list.push({ host, current: 0, capacity: index.freeOn(host) });
    others++;
  }
  // Links = (N² − Σ a_h²)/2, so filling the largest capacities first maximises Σ a_h²; among
  // equal capacities, hosts that already hold more of the job's granules mean fewer moves.
  list.sort((a, b) => b.capacity - a.capacity || b.current - a.current);
  return list;
}

function movesTo(job: JobView, target: ReadonlyMap<string, number>): GranuleMove[] {
  const keep = new Map(target);
  const leaving: { granule: number; from: string }[] = [];
  job.placement.forEach((host, granule) => {
    const room = keep.get(host) ?? 0;
    if (room > 0) keep.set(host, room - 1);
    else leaving.push({ granule, from: host });
  });
  const moves: GranuleMove[] = [];
  for (const [host, room] of keep) {
    for (let i = 0; i < room; i++) {
      const next = leaving.shift();
      if (next === undefined) break;
      moves.push({ granule: next.granule, from: next.from, to: host });
    }
  }
  return moves;
}

/** Links of a job packed on full hosts of `slots` vCPUs: no migration can go below this. */
export function fewestLinks(size: number, slots: number): number {
  if (slots <= 0) return 0;
  const full = Math.floor(size / slots);
  const counts: number[] = Array.from({ length: full }, () => slots);
  if (size % slots > 0) counts.push(size % slots);
  return linksFromCounts(counts);
}

/**
 * A migration plan that puts the job on the fewest, fullest hosts, or null when the job cannot
 * be placed whole (evacuation must then freeze it) or, for compaction, when links would not drop.
 * Applies the plan to `index` so that later decisions in the same call see the slots it took.
 */
export function consolidate(
  index: FreeSlots,
  job: JobView,
  kind: MigrationReason["kind"],
): MigrationPlan | null {
  const size = job.placement.length;
  const counts = countsByHost(job.placement);
  const before = linksFromCounts(counts.values());
  const mustMove = [...counts.keys()].some((host) => !index.isUsable(host));
  if (kind === "compaction" && (mustMove || before <= fewestLinks(size, index.maxSlots))) return null;

  const target = new Map<string, number>();
  let remaining = size;
  for (const candidate of candidates(index, counts, size)) {
    if (remaining === 0) break;
    const n = Math.min(candidate.capacity, remaining);
    if (n > 0) target.set(candidate.host, n);
    remaining -= n;
  }
  if (remaining > 0) return null;
  const after = linksFromCounts(target.values());
  if (kind === "compaction" && after >= before) return null;

  const moves = movesTo(job, target);
  if (moves.length === 0) return null;
  for (const [host, n] of counts) {
    const delta = n - (target.get(host) ?? 0);
    if (delta > 0) index.give(host, delta);
  }
  for (const [host, n] of target) {
    const delta = n - (counts.get(host) ?? 0);
    if (delta > 0) index.take(host, delta);
  }
  const detail =
    kind === "compaction"
      ? `${moves.length} granule(s) consolidated onto ${target.size} host(s) at a barrier`
      : `${moves.length} granule(s) leave host(s) under eviction notice`;
  return {
    type: "migrate",
    jobId: job.id,
    moves,
    reason: { kind, crossVmLinksBefore: before, crossVmLinksAfter: after, detail },
  };
}

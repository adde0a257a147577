// The three ways of choosing hosts for a new job. Each takes slots from a FreeSlots index (so a
// caller can place several jobs against one index) and returns granule index -> host, or null.

import type { FreeSlots } from "./free-slots.js";
import type { PlacementRequest } from "./types.js";

type Pick = readonly [host: string, granules: number];

function expand(picks: readonly Pick[]): string[] {
  const placement: string[] = [];
  for (const [host, n] of picks) for (let i = 0; i < n; i++) placement.push(host);
  return placement;
}

function commit(index: FreeSlots, picks: readonly Pick[]): string[] {
  for (const [host, n] of picks) index.take(host, n);
  return expand(picks);
}

function invalid(request: PlacementRequest): boolean {
  return !Number.isInteger(request.size) || request.size < 1;
}

/** Per-vCPU fill, fullest hosts first (Slurm-like): dense, but spreads jobs across hosts. */
export function binPackPlacement(index: FreeSlots, request: PlacementRequest): string[] | null {
  if (invalid(request)) return null;
  if (request.kind === "omp") {
    // Threads share one linear memory: all of them on the fullest host that still fits.
    const host = index.bestFit(request.size);
    return host === undefined ? null : commit(index, [[host, request.size]]);
  }
  if (index.totalFree < request.size) return null;
  const picks: Pick[] = [];
  let remaining = request.size;
  for (const host of index.fullestFirst()) {
    const n = Math.min(index.freeOn(host), remaining);
    picks.push([host, n]);
    remaining -= n;
    if (remaining === 0) break;
  }
  return commit(index, picks);
}

/** Whole empty VMs per job (Azure Batch-like): nothing shares a VM, leftovers stay idle. */
export function wholeVmPlacement(index: FreeSlots, request: PlacementRequest): string[] | null {
  if (invalid(request)) return null;
  const picks: Pick[] = [];
  let remaining = request.size;
  for (const host of index.emptyHosts()) {
    const slots = index.slotsOf(host);
    if (request.kind === "omp") {
      if (slots < request.size) continue;
      picks.push([host, request.size]);
      remaining = 0;
      break;
    }
    const n = Math.min(slots, remaining);
    picks.push([host, n]);
    remaining -= n;
    if (remaining === 0) break;
  }
  return remaining === 0 ? commit(index, picks) : null;
}

/**
 * Fewest hosts for the job (minimum cross-VM links for the slots free now): the best-fitting
 * single host if one fits, otherwise the emptiest hosts, with the remainder on a best fit.
 */
export function fewestHostsPlacement(index: FreeSlots, request: PlacementRequest): string[] | null {
  if (invalid(request)) return null;
  if (request.kind === "omp") return binPackPlacement(index, request);
  if (index.totalFree < request.size) return null;
  const picks: Pick[] = [];
  let remaining = request.size;
  while (remaining > 0) {
    const fit = index.bestFit(remaining);
    if (fit !== undefined) {
      picks.push([fit, remaining]);
      index.take(fit, remaining);
      remaining = 0;
      break;
    }
    const emptiest = index.emptiestFirst().next();
    if (emptiest.done === true) break;
    const n = index.freeOn(emptiest.value);
    picks.push([emptiest.value, n]);
    index.take(emptiest.value, n);
    remaining -= n;
  }
  if (remaining === 0) return expand(picks);
  // Each step needed the slots of the previous ones taken; a failed attempt hands them back.
  for (const [host, n] of picks) index.give(host, n);
  return null;
}

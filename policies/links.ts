// Fragmentation as the paper measures it: cross-VM links of a job of N granules with n_h on
// host h are Σ_h n_h·(N − n_h)/2, the number of rank pairs whose messages cross the network.

/** Cross-VM links from per-host granule counts. */
export function linksFromCounts(counts: Iterable<number>): number {
  let total = 0;
  let sumOfSquares = 0;
  for (const n of counts) {
    total += n;
    sumOfSquares += n * n;
  }
  // Σ n_h (N − n_h) / 2 = (N² − Σ n_h²) / 2, one pass and no second map.
  return (total * total - sumOfSquares) / 2;
}

/** Granules per host of a placement (granule index -> host name). */
export function countsByHost(placement: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const host of placement) counts.set(host, (counts.get(host) ?? 0) + 1);
  return counts;
}

/** Cross-VM links of one job's placement. */
export function crossVmLinks(placement: readonly string[]): number {
  return linksFromCounts(countsByHost(placement).values());
}

/** Links if every pair of granules crossed the network; the denominator of the slowdown model. */
export function maxLinks(size: number): number {
  return (size * (size - 1)) / 2;
}

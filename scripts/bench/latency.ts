// Percentiles of a list of latencies (ms), for the raw runs; autocannon computes its own.
export function percentile(sortedMs: number[], fraction: number): number {
  if (sortedMs.length === 0) return NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor(fraction * sortedMs.length))] ?? NaN;
}

/** Summaries of latency samples (milliseconds) and event timestamps, for the benchmark report. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarise(samples: number[]): LatencySummary {
  if (samples.length === 0)
    return { count: 0, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = Float64Array.from(samples).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1]!,
  };
}

/** Nearest-rank percentile: the smallest sample with at least `fraction` of all samples at or below it. */
function percentile(sorted: Float64Array, fraction: number): number {
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * Completions per whole second between the first and the last event, so a "sustained" rate is the
 * slowest full second rather than an average that hides a stall.
 */
export function perSecondRates(eventTimes: number[], startedAt: number): { min: number; median: number } {
  const buckets = new Map<number, number>();
  for (const time of eventTimes) {
    const second = Math.floor((time - startedAt) / 1000);
    buckets.set(second, (buckets.get(second) ?? 0) + 1);
  }
  const seconds = [...buckets.keys()];
  const first = Math.min(...seconds);
  const last = Math.max(...seconds);
  // The first and the last second are partial (ramp-up and drain); a second with no event counts as 0.
  const full: number[] = [];
  for (let second = first + 1; second < last; second++) full.push(buckets.get(second) ?? 0);
  if (full.length === 0) return { min: Number.NaN, median: Number.NaN };
  const sorted = [...full].sort((left, right) => left - right);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]! };
}

export function formatMs(value: number): string {
  if (Number.isNaN(value)) return '–';
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

export function formatRate(value: number): string {
  return Number.isNaN(value) ? '–' : Math.round(value).toLocaleString('en-US');
}

export function formatMiB(bytes: number): string {
  return Number.isNaN(bytes) ? '–' : `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

// Repeated samples -> one metric: median, range, spread, and the one rule
// that decides whether two numbers differ (used to name a winner and to
// flag a regression). On a shared 2-core machine one sample in five can be
// 30-50% off (a neighbour's test run), so we keep every sample and only
// call a difference real when it clears the samples' own range.

/** Which direction is good for a metric. */
export type Better = 'higher' | 'lower';

export interface Metric {
  /** Unit of every number below, e.g. 'ms', 'ops/s', 'MiB'. */
  unit: string;
  better: Better;
  median: number;
  min: number;
  max: number;
  /** (max - min) / median: 0.2 reads "±10%". */
  spread: number;
  /** Every sample, in the order taken (one per round). */
  samples: number[];
}

/**
 * A case whose spread exceeds this is marked noisy: (max - min) / median >
 * 0.5, i.e. wider than ±25%. Quiet runs here sit at 0.02-0.15 for kernels
 * and 0.05-0.3 for thread-pool cases; a neighbour's burst pushes past 0.5.
 */
export const NOISY_SPREAD = 0.5;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function metric(samples: readonly number[], unit: string, better: Better): Metric {
  if (samples.length === 0) throw new Error('metric: no samples');
  const med = median(samples);
  const min = Math.min(...samples);
  const max = Math.max(...samples);
  return { unit, better, median: med, min, max, spread: med === 0 ? 0 : (max - min) / Math.abs(med), samples: [...samples] };
}

export function noisy(m: Metric): boolean {
  return m.spread > NOISY_SPREAD;
}

/**
 * Two measurements differ when their medians are further apart than the
 * wider of the two half-ranges (max - min) / 2. With 3-5 samples a case this
 * rule calls "different" is, in practice, different on a re-run; a case it
 * calls "tie" often flips. Used for winners and for --compare.
 */
export function separated(a: Metric, b: Metric): boolean {
  const halfRange = Math.max(a.max - a.min, b.max - b.min) / 2;
  return Math.abs(a.median - b.median) > halfRange;
}

/** True when a is better than b (by median, in the metric's direction). */
export function betterThan(a: Metric, b: Metric): boolean {
  return a.better === 'higher' ? a.median > b.median : a.median < b.median;
}

/**
 * The best of several labelled metrics, or a tie when the best is not
 * separated from the runner-up (the spread is too wide to claim a winner).
 */
export function pickBest(entries: readonly { name: string; metric: Metric }[]): { best: string | null; runnerUp: string | null; note: string } {
  if (entries.length === 0) return { best: null, runnerUp: null, note: 'none qualifies' };
  const sorted = [...entries].sort((x, y) => (betterThan(x.metric, y.metric) ? -1 : betterThan(y.metric, x.metric) ? 1 : 0));
  const [first, second] = sorted;
  if (second === undefined) return { best: first.name, runnerUp: null, note: `${first.name} (only case)` };
  if (!separated(first.metric, second.metric)) {
    return { best: null, runnerUp: second.name, note: `tie: ${first.name} ≈ ${second.name} (spread too wide to call)` };
  }
  const ratio = first.metric.median / second.metric.median;
  const by = first.metric.better === 'higher' ? ratio : 1 / ratio;
  return { best: first.name, runnerUp: second.name, note: `${first.name} (${by.toFixed(2)}x over ${second.name})` };
}

/** "±12%" for a spread of 0.24. */
export function pm(spread: number): string {
  return `±${(spread * 50).toFixed(0)}%`;
}

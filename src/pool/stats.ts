// Per kernel x placement counters and wait/run histograms. Node's own
// RecordableHistogram (perf_hooks, HDR-based) records in microseconds:
// ~20 ns per record, fixed memory, percentiles without keeping samples.
// Utilization comes from measured busy time, not Piscina's `utilization`
// (about 1000x low in 5.3.2, and 'sync' atomics make idle workers look busy).
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { RunEstimate } from './dispatch/queue.js';
import type { KernelStats, Outcome, Percentiles, Placement } from './types.js';

const toUs = (ms: number): number => Math.max(1, Math.round(ms * 1000));

/** The counters of one kernel x placement. A task looks its entry up once and keeps it. */
export class Counters {
  readonly outcomes: Record<Outcome, number> = { ok: 0, error: 0, aborted: 0, timeout: 0, rejected: 0 };
  readonly wait: RecordableHistogram = createHistogram();
  readonly run: RecordableHistogram = createHistogram();
  /** Mean run time of completed (not cancelled) runs: what deadline admission expects. */
  readonly runEstimate = new RunEstimate();

  constructor(readonly kernel: string, readonly placement: Placement, private readonly listeners: Set<TimingListener>) {}

  /** A task that reached its kernel: its wait and run times. */
  timing(waitMs: number, runMs: number): void {
    this.wait.record(toUs(waitMs));
    this.run.record(toUs(runMs));
    if (this.listeners.size > 0) for (const l of this.listeners) l(this.kernel, this.placement, waitMs, runMs);
  }
}

function percentiles(h: RecordableHistogram): Percentiles {
  if (h.count === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  return {
    count: h.count,
    mean: h.mean / 1000,
    p50: h.percentile(50) / 1000,
    p90: h.percentile(90) / 1000,
    p99: h.percentile(99) / 1000,
    max: h.max / 1000,
  };
}

/** Called with each task's queue wait and run time, ms, as it finishes (Pool.onTiming). */
export type TimingListener = (kernel: string, placement: Placement, waitMs: number, runMs: number) => void;

export class StatsBook {
  private readonly entries = new Map<string, Map<Placement, Counters>>();
  readonly listeners = new Set<TimingListener>();
  /** Kernel time spent in worker threads, ms. */
  busyMs = 0;
  restarts = 0;
  startedAt = performance.now();

  // Two levels of Map, not one keyed by `${kernel}|${placement}`: no string
  // built and hashed per task (about 2% of the event loop at 130k tasks/s).
  counters(kernel: string, placement: Placement): Counters {
    let byPlacement = this.entries.get(kernel);
    if (byPlacement === undefined) this.entries.set(kernel, (byPlacement = new Map()));
    let c = byPlacement.get(placement);
    if (c === undefined) byPlacement.set(placement, (c = new Counters(kernel, placement, this.listeners)));
    return c;
  }

  /** Forgets everything (after the pool's own warm-up tasks). */
  reset(): void {
    this.entries.clear();
    this.busyMs = 0;
    this.restarts = 0;
    this.startedAt = performance.now();
  }

  kernels(): KernelStats[] {
    return [...this.entries.values()].flatMap((m) => [...m.values()]).map((e) => ({
      kernel: e.kernel, placement: e.placement, outcomes: { ...e.outcomes },
      wait: percentiles(e.wait), run: percentiles(e.run),
    }));
  }
}

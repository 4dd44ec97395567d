// Where each task's time went, from the pool's task traces (pool.traceTasks):
// main thread before dispatch (validation, input copies), queue wait,
// transfer to the worker, run, and return (result back to the caller and the
// main thread's turn to settle it). The parts telescope to settledAt -
// calledAt, so their means add up to the mean total exactly; percentiles do
// not add up (a task's p99 parts are different tasks).
import type { TaskTrace } from '../pool/types.js';

export const PARTS = ['main', 'queue', 'transfer', 'run', 'return'] as const;
export type Part = (typeof PARTS)[number];

export const PART_LABELS: Record<Part | 'total' | 'measured', string> = {
  main: 'main thread before dispatch',
  queue: 'queue wait',
  transfer: 'transfer to worker',
  run: 'run (kernel)',
  return: 'return to caller',
  total: 'total (run() to settled)',
  measured: 'measured by the caller',
};

export interface Dist {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export type Bound = 'loop' | 'queue' | 'transfer' | 'kernel';

export interface Breakdown {
  /** Tasks in the breakdown: settled ok, with every timestamp set. */
  tasks: number;
  /** Traced tasks left out: failed, cancelled or rejected. */
  excluded: number;
  /** ms per part, and the total. */
  parts: Record<Part | 'total', Dist>;
  /** Each part's share of the mean total, 0..1. */
  shares: Record<Part, number>;
  /** Latency measured by the caller around `await pool.run()`, when the caller recorded it. */
  measured?: Dist;
  /** What dominates the mean: the loop (main + return), the queue, the transfer or the kernel. */
  bound: Bound | 'none';
  /** Tasks per kernel/placement in the breakdown. */
  mix: Record<string, number>;
}

export function dist(values: ArrayLike<number>): Dist {
  const n = values.length;
  if (n === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  // Nearest rank: the smallest value with at least q of the tasks at or below it.
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))];
  return { count: n, mean: sum / n, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1] };
}

/** Collects task traces (and optionally caller-measured latencies) into a Breakdown. */
export class BreakdownRecorder {
  private readonly values: Record<Part | 'total', number[]> = { main: [], queue: [], transfer: [], run: [], return: [], total: [] };
  private readonly measured: number[] = [];
  private readonly mix = new Map<string, number>();
  private excluded = 0;

  /** A listener for pool.traceTasks. */
  readonly onTrace = (t: TaskTrace): void => {
    // A task cancelled while running settles before its worker returns:
    // startedAt/endedAt are 0 (or it never ran). Only complete tasks add up.
    if (t.outcome !== 'ok' || t.startedAt === 0 || t.endedAt === 0 || t.dispatchedAt === 0) {
      this.excluded++;
      return;
    }
    const v = this.values;
    v.main.push(t.enqueuedAt - t.calledAt);
    v.queue.push(t.dispatchedAt - t.enqueuedAt);
    v.transfer.push(t.startedAt - t.dispatchedAt);
    v.run.push(t.endedAt - t.startedAt);
    v.return.push(t.settledAt - t.endedAt);
    v.total.push(t.settledAt - t.calledAt);
    const key = `${t.kernel}/${t.placement}`;
    this.mix.set(key, (this.mix.get(key) ?? 0) + 1);
  };

  /** A latency the caller measured around one `await pool.run()`, ms. */
  recordMeasured(ms: number): void {
    this.measured.push(ms);
  }

  result(): Breakdown {
    const parts = Object.fromEntries(Object.entries(this.values).map(([k, xs]) => [k, dist(xs)])) as Record<Part | 'total', Dist>;
    const total = parts.total.mean;
    const shares = Object.fromEntries(PARTS.map((p) => [p, total > 0 ? parts[p].mean / total : 0])) as Record<Part, number>;
    const out: Breakdown = { tasks: parts.total.count, excluded: this.excluded, parts, shares, bound: boundOf(shares, parts.total.count), mix: Object.fromEntries(this.mix) };
    if (this.measured.length > 0) out.measured = dist(this.measured);
    return out;
  }
}

function boundOf(s: Record<Part, number>, tasks: number): Bound | 'none' {
  if (tasks === 0) return 'none';
  const candidates: [Bound, number][] = [['loop', s.main + s.return], ['queue', s.queue], ['transfer', s.transfer], ['kernel', s.run]];
  candidates.sort((a, b) => b[1] - a[1]);
  return candidates[0][0];
}

const f = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(3));

/** The breakdown as a Markdown table. */
export function breakdownMarkdown(b: Breakdown): string {
  if (b.tasks === 0) return `No task completed while profiling (${b.excluded} traced tasks failed or were cancelled).\n`;
  const rows = [...PARTS, 'total' as const].map((p) => {
    const d = b.parts[p];
    const share = p === 'total' ? '100%' : `${(b.shares[p] * 100).toFixed(1)}%`;
    return `| ${PART_LABELS[p]} | ${f(d.mean)} | ${share} | ${f(d.p50)} | ${f(d.p90)} | ${f(d.p99)} | ${f(d.max)} |`;
  });
  if (b.measured !== undefined) {
    const d = b.measured;
    rows.push(`| ${PART_LABELS.measured} | ${f(d.mean)} | | ${f(d.p50)} | ${f(d.p90)} | ${f(d.p99)} | ${f(d.max)} |`);
  }
  const mix = Object.entries(b.mix).map(([k, n]) => `${k} ${n}`).join(', ');
  const verdict: Record<Bound, string> = {
    loop: 'the main thread (validation, copies, settling results): move work off the loop or batch calls',
    queue: 'the queue: more tasks arrive than the workers finish; add threads or shed load',
    transfer: 'the transfer to workers: inputs are large or the main thread is slow to post; share or shrink inputs',
    kernel: 'the kernel itself: a faster placement (native) or a smaller input is the next win',
  };
  return [
    `${b.tasks} tasks (${mix})${b.excluded > 0 ? `, ${b.excluded} failed or cancelled left out` : ''}. Times in ms; shares are of the mean total (the means add up to it).`,
    '',
    '| part | mean | share | p50 | p90 | p99 | max |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    b.bound === 'none' ? '' : `Bound by **${b.bound}**: ${verdict[b.bound]}.`,
    '',
  ].join('\n');
}

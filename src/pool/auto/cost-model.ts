// What a candidate costs. What auto learns a cost from: ms as a function of
// input size, one model per kernel and placement (run time), and per kernel
// and lane (main-thread cost of an offloaded task; its unloaded round trip
// beyond the run). Then what an offloaded lane costs a call when calls keep
// it busy.
import type { Lane } from '../dispatch/lane.js';
import { RunEstimate } from '../dispatch/queue.js';
import { NATIVE_ASYNC, NATIVE_WORKER, TS_WORKER } from './choice.js';

/** log2 of the size: the bucket a size's samples go to. */
export const bucketOf = (size: number): number => 31 - Math.clz32(size + 1 > 0xffffffff ? 0xffffffff : size + 1);

/**
 * Ms by input size: an EWMA of ms and of size per power-of-two size bucket, scaled linearly within
 * and across buckets (local: large inputs cannot bend small ones' estimate). An array: no hashing.
 */
export class CostModel {
  private readonly ms: (RunEstimate | undefined)[] = [];
  private readonly size: (RunEstimate | undefined)[] = [];
  private measured = 0;

  get known(): boolean {
    return this.measured > 0;
  }

  add(bucket: number, size: number, ms: number): void {
    if (this.ms[bucket] === undefined) {
      this.ms[bucket] = new RunEstimate(undefined, true);
      this.size[bucket] = new RunEstimate();
      this.measured++;
    }
    this.ms[bucket]!.add(ms);
    this.size[bucket]!.add(size);
  }

  /** Runs measured in this bucket (a prediction from fewer is scaled from another bucket, or one run's). */
  samples(bucket: number): number {
    return this.ms[bucket]?.count ?? 0;
  }

  /** Predicted ms, or `otherwise` when nothing was measured yet. */
  predict(bucket: number, size: number, otherwise = Infinity): number {
    if (this.measured === 0) return otherwise;
    let b = bucket;
    if (this.ms[b] === undefined) {
      // The nearest measured bucket, scaled by size.
      for (let d = 1; ; d++) {
        if (this.ms[bucket - d] !== undefined) { b = bucket - d; break; }
        if (this.ms[bucket + d] !== undefined) { b = bucket + d; break; }
      }
    }
    const s = this.size[b]!.ms;
    return s > 0 ? (this.ms[b]!.ms * size) / s : this.ms[b]!.ms;
  }
}

// A call's cost when all calls keep one lane busy: its bottleneck, the loop (d ms a task), the
// `parallel` threads (w ms, then `gap` idle), or the `cores` (a worker also pays `copy`, its input's clone).
export function perCallMs(parallel: number, w: number, d: number, copy: number, gap: number, cores: number): number {
  return Math.max(d, (w + gap) / parallel, (w + d + copy) / cores);
}

/** Whether the lanes' running tasks and the loop use every core: a queue in one lane then makes the other no faster. */
export function coresBusy(lanes: Record<'worker' | 'async', Lane>, endedUnread: number, cores: number): boolean {
  const w = lanes.worker;
  const a = lanes.async;
  return Math.min(w.parallel, w.inflight - endedUnread) + Math.min(a.parallel, a.inflight) >= cores - 1;
}

// With every core busy, the offloaded candidate whose `base` (cost without queues) is least, whatever
// the queues; the others' `expected` are raised above its own. Returns its index.
export function pickOffloaded(expected: number[], base: number[]): number {
  let lane = base[NATIVE_WORKER] <= base[TS_WORKER] ? NATIVE_WORKER : TS_WORKER;
  if (base[NATIVE_ASYNC] < base[lane]) lane = NATIVE_ASYNC;
  for (let i = NATIVE_WORKER; i <= NATIVE_ASYNC; i++) {
    if (i !== lane && expected[i] < Infinity) expected[i] = Math.max(expected[i], expected[lane]) + (base[i] - base[lane]);
  }
  return lane;
}

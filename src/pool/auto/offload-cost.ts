// How auto (auto/planner.ts) costs the offloaded lanes when calls keep them busy.
import type { Lane } from '../dispatch/lane.js';
import { NATIVE_ASYNC, NATIVE_WORKER, TS_WORKER } from './choice.js';

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

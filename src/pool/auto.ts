// The `auto` placement: per call, the placement with the lowest expected
// completion time among those that keep the event loop's blocking under
// `inlineBudgetMs`. Expected time = queue wait (from the lane's depth and
// mean run time) + the lane's measured dispatch overhead (message out, wake,
// message back) + the kernel's predicted run time for this input size,
// learned per kernel and implementation from every run the pool sees (run
// time does not depend on the thread, so worker runs teach inline estimates).
// Every EXPLORE_EVERY-th call per kernel tries the next other candidate, so
// the model follows the machine when its load changes.
import type { Impl } from '../kernels/common.js';
import type { Lane } from './lane.js';
import { RunEstimate } from './queue.js';
import type { Placement } from './types.js';

const EXPLORE_EVERY = 32;
const CONCRETE: readonly Placement[] = ['native-inline', 'ts-inline', 'native-worker', 'ts-worker', 'native-async'];

/** Least squares of run ms on input size with exponential forgetting (weight 0.97 a sample: ~30 samples dominate). */
class CostModel {
  private w = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private sxy = 0;

  add(size: number, ms: number): void {
    const d = 0.97;
    this.w = this.w * d + 1;
    this.sx = this.sx * d + size;
    this.sy = this.sy * d + ms;
    this.sxx = this.sxx * d + size * size;
    this.sxy = this.sxy * d + size * ms;
  }

  get known(): boolean {
    return this.w > 0;
  }

  predict(size: number): number {
    const mx = this.sx / this.w;
    const my = this.sy / this.w;
    const varx = this.sxx / this.w - mx * mx;
    // One size seen so far (or nearly): scale the mean cost per unit.
    if (!(varx > 1e-9 * (mx * mx + 1))) return mx > 0 ? (my * size) / mx : my;
    const slope = Math.max(0, (this.sxy / this.w - mx * my) / varx);
    return Math.max(0, my + slope * (size - mx));
  }
}

export interface AutoChoice {
  placement: Placement;
  /** Expected completion per candidate, ms (Infinity: not yet measured, or blocks the loop too long). */
  expectedMs: Partial<Record<Placement, number>>;
  /** True when this call tried another candidate than the best, to keep the model current. */
  explored: boolean;
}

export class AutoPlanner {
  private readonly models = new Map<string, Record<Impl, CostModel>>();
  private readonly overhead: Record<'worker' | 'async', RunEstimate> = { worker: new RunEstimate(), async: new RunEstimate() };
  private readonly calls = new Map<string, number>();
  /** How often each placement was chosen, per kernel. */
  readonly chosen = new Map<string, Map<Placement, number>>();

  constructor(
    private readonly budgetMs: number,
    private readonly lanes: Record<'worker' | 'async', Lane>,
  ) {}

  // Per kernel, one model per implementation: no key string built per task.
  private model(kernel: string, impl: Impl): CostModel {
    let m = this.models.get(kernel);
    if (m === undefined) this.models.set(kernel, (m = { ts: new CostModel(), native: new CostModel() }));
    return m[impl];
  }

  /** A run that completed (not cancelled): its kernel, implementation, input size and run time. */
  observeRun(kernel: string, impl: Impl, size: number, runMs: number): void {
    this.model(kernel, impl).add(size, runMs);
  }

  /** A task that found its lane free: what dispatch itself cost (completion - enqueue - run). */
  observeOverhead(lane: 'worker' | 'async', ms: number): void {
    this.overhead[lane].add(ms);
  }

  choose(kernel: string, size: number, nativeOk: boolean): AutoChoice {
    const expectedMs: Partial<Record<Placement, number>> = {};
    const candidates: Placement[] = [];
    for (const p of CONCRETE) {
      const impl: Impl = p.startsWith('native') ? 'native' : 'ts';
      if (impl === 'native' && !nativeOk) continue;
      const m = this.model(kernel, impl);
      const run = m.known ? m.predict(size) : Infinity;
      let e: number;
      if (p.endsWith('inline')) e = run <= this.budgetMs ? run : Infinity;
      else {
        const lane = this.lanes[p === 'native-async' ? 'async' : 'worker'];
        e = lane.expectedWaitMs() + this.overhead[p === 'native-async' ? 'async' : 'worker'].ms + run;
      }
      expectedMs[p] = e;
      candidates.push(p);
    }
    // Never measured: start in a worker (never block the loop on a guess).
    const fallback: Placement = nativeOk ? 'native-worker' : 'ts-worker';
    let best: Placement = fallback;
    for (const p of candidates) if (expectedMs[p]! < expectedMs[best]!) best = p;
    const n = (this.calls.get(kernel) ?? 0) + 1;
    this.calls.set(kernel, n);
    let placement: Placement = best;
    let explored = false;
    if (n % EXPLORE_EVERY === 0) {
      // Try another candidate in turn; inline only if it fits the budget by
      // what we know (an unmeasured implementation is explored in a worker).
      const others = candidates.filter((p) => p !== best && (!p.endsWith('inline') || expectedMs[p]! < Infinity));
      if (others.length > 0) {
        placement = others[(n / EXPLORE_EVERY) % others.length];
        explored = true;
      }
    }
    let byKernel = this.chosen.get(kernel);
    if (byKernel === undefined) this.chosen.set(kernel, (byKernel = new Map()));
    byKernel.set(placement, (byKernel.get(placement) ?? 0) + 1);
    return { placement, expectedMs, explored };
  }
}

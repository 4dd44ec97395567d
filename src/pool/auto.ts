// The `auto` placement: per call, the placement with the lowest expected
// completion time among those that keep the event loop's blocking under
// `inlineBudgetMs`. Expected time = queue wait (from the lane's depth and
// mean run time) + the lane's measured dispatch overhead (message out, wake,
// message back) + the kernel's predicted run time for this input size,
// learned per kernel and implementation from every run the pool sees (run
// time does not depend on the thread, so worker runs teach inline estimates).
// Now and then it runs a call elsewhere, so that the model follows the
// machine when its load changes; exploring is paced so that each alternative
// costs at most EXPLORE_SHARE of the time auto spends (a fixed "every Nth
// call" cost 30% on tiny tasks, where the alternative is a 10x slower round
// trip).
import type { Impl } from '../kernels/common.js';
import type { Lane } from './lane.js';
import { RunEstimate } from './queue.js';
import type { Placement } from './types.js';

// Per alternative: with up to four alternatives, exploring costs at most ~4%.
const EXPLORE_SHARE = 0.01;
// An implementation never measured (TS while native runs) is assumed this
// many times slower than the best for pacing: exploring it is then rare.
const UNKNOWN_FACTOR = 20;
const CONCRETE: readonly Placement[] = ['native-inline', 'ts-inline', 'native-worker', 'ts-worker', 'native-async'];

/**
 * Run time by input size: an EWMA of ms and of size per power-of-two size
 * bucket, scaled linearly within and across buckets. Local, so a few large
 * inputs cannot bend the estimate for small ones (a global least-squares fit
 * over 100..1M events predicted 2 ms for 100 events). Buckets live in an
 * array indexed by log2(size): no hashing on the per-call path.
 */
class CostModel {
  private readonly ms: (RunEstimate | undefined)[] = [];
  private readonly size: (RunEstimate | undefined)[] = [];
  private known = 0;

  add(bucket: number, size: number, ms: number): void {
    if (this.ms[bucket] === undefined) {
      this.ms[bucket] = new RunEstimate(undefined, true);
      this.size[bucket] = new RunEstimate();
      this.known++;
    }
    this.ms[bucket]!.add(ms);
    this.size[bucket]!.add(size);
  }

  /** Predicted ms, or Infinity when nothing was measured yet. */
  predict(bucket: number, size: number): number {
    if (this.known === 0) return Infinity;
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

const bucketOf = (size: number): number => 31 - Math.clz32(size + 1 > 0xffffffff ? 0xffffffff : size + 1);

// Candidates in a fixed order, with what each needs, so that a choice is a
// loop over small arrays (about 0.15 us; a first version with records keyed
// by placement took 0.6 us, on a 3 us inline task).
const INLINE = [true, true, false, false, false];
const NATIVE = [true, false, true, false, true];
const LANE: ('worker' | 'async' | undefined)[] = [undefined, undefined, 'worker', 'worker', 'async'];

/** What `auto` chose for a call, and why. */
export class AutoChoice {
  constructor(
    readonly placement: Placement,
    /** True when this call ran elsewhere than the best, to keep the model current. */
    readonly explored: boolean,
    private readonly expected: Float64Array,
    private readonly nativeOk: boolean,
  ) {}

  /** Expected completion per candidate, ms (Infinity: not measured yet, or it would block the loop too long). */
  get expectedMs(): Partial<Record<Placement, number>> {
    const out: Partial<Record<Placement, number>> = {};
    for (let i = 0; i < CONCRETE.length; i++) if (this.nativeOk || !NATIVE[i]) out[CONCRETE[i]] = this.expected[i];
    return out;
  }

  toJSON(): { placement: Placement; explored: boolean; expectedMs: Partial<Record<Placement, number>> } {
    return { placement: this.placement, explored: this.explored, expectedMs: this.expectedMs };
  }
}

interface KernelState {
  /** ts and native: kernel run time alone; async: native-async end to end. */
  models: Record<Impl | 'async', CostModel>;
  /**
   * Per size bucket, per candidate: expected ms auto spent at that size since
   * the candidate was last tried there (its exploration budget). Per size, so
   * that large calls do not buy exploration of small ones.
   */
  spent: (Float64Array | undefined)[];
  chosen: Float64Array;
}

export class AutoPlanner {
  private readonly kernels = new Map<string, KernelState>();
  // A round trip here is 25-80 us (bench:pool); start there, robust to cold outliers.
  private readonly overhead: Record<'worker' | 'async', RunEstimate> = {
    worker: new RunEstimate(0.05, true),
    async: new RunEstimate(0.05, true),
  };

  constructor(
    private readonly budgetMs: number,
    private readonly lanes: Record<'worker' | 'async', Lane>,
  ) {}

  private state(kernel: string): KernelState {
    let s = this.kernels.get(kernel);
    if (s === undefined) {
      s = { models: { ts: new CostModel(), native: new CostModel(), async: new CostModel() }, spent: [], chosen: new Float64Array(5) };
      this.kernels.set(kernel, s);
    }
    return s;
  }

  /** How often each placement was chosen, per kernel. */
  chosen(): Record<string, Partial<Record<Placement, number>>> {
    const out: Record<string, Partial<Record<Placement, number>>> = {};
    for (const [k, s] of this.kernels) {
      const c: Partial<Record<Placement, number>> = {};
      for (let i = 0; i < CONCRETE.length; i++) if (s.chosen[i] > 0) c[CONCRETE[i]] = s.chosen[i];
      out[k] = c;
    }
    return out;
  }

  /** A run that completed (not cancelled): its kernel, implementation, input size and run time. */
  observeRun(kernel: string, impl: Impl, size: number, runMs: number): void {
    this.state(kernel).models[impl].add(bucketOf(size), size, runMs);
  }

  /** A worker task that found its lane free: what dispatch itself cost (completion - enqueue - run). */
  observeOverhead(lane: 'worker' | 'async', ms: number): void {
    this.overhead[lane].add(ms);
  }

  /**
   * A native-async task that found its lane free, timed end to end on the
   * main thread (libuv gives no kernel-only time): the async placement gets
   * a model of its own, of what it is predicted by.
   */
  observeAsync(kernel: string, size: number, totalMs: number): void {
    this.state(kernel).models.async.add(bucketOf(size), size, totalMs);
  }

  choose(kernel: string, size: number, nativeOk: boolean): AutoChoice {
    const st = this.state(kernel);
    const bucket = bucketOf(size);
    const runNative = nativeOk ? st.models.native.predict(bucket, size) : Infinity;
    const runTs = st.models.ts.predict(bucket, size);
    const expected = new Float64Array(5);
    // Never measured: start in a worker (never block the loop on a guess).
    let best = nativeOk ? 2 : 3;
    let bestMs = Infinity;
    for (let i = 0; i < 5; i++) {
      if (NATIVE[i] && !nativeOk) {
        expected[i] = Infinity;
        continue;
      }
      const run = NATIVE[i] ? runNative : runTs;
      const lane = LANE[i];
      let e: number;
      if (lane === undefined) e = run <= this.budgetMs ? run : Infinity;
      else if (lane === 'worker') e = this.lanes.worker.expectedWaitMs() + this.overhead.worker.ms + run;
      else {
        const total = st.models.async.predict(bucket, size);
        e = this.lanes.async.expectedWaitMs() + (total < Infinity ? total : this.overhead.async.ms + run);
      }
      expected[i] = e;
      if (e < bestMs) {
        bestMs = e;
        best = i;
      }
    }
    let pick = best;
    if (bestMs < Infinity) {
      const spent = (st.spent[bucket] ??= new Float64Array(5));
      // Each other candidate earns exploration budget as auto spends time,
      // and is tried once its expected cost fits EXPLORE_SHARE of what it
      // earned: cheap alternatives are re-checked often, dear ones rarely.
      for (let i = 0; i < 5; i++) {
        if (i === best || (NATIVE[i] && !nativeOk)) continue;
        const e = expected[i];
        if (INLINE[i] && e === Infinity) continue; // never block the loop on a guess
        const earned = spent[i] + bestMs;
        const cost = e < Infinity ? e : UNKNOWN_FACTOR * bestMs + 0.1;
        if (pick === best && cost <= EXPLORE_SHARE * earned) {
          pick = i;
          spent[i] = 0;
        } else {
          spent[i] = earned;
        }
      }
    }
    st.chosen[pick]++;
    return new AutoChoice(CONCRETE[pick], pick !== best, expected, nativeOk);
  }
}

// The simple rule, auto's yardstick: inline while the predicted run fits the
// budget and no other call waits on the pool, otherwise the offloaded lane
// with the least predicted wait + run. Run times are the ones the planner
// learns (per kernel, placement and size bucket: cost-model.ts), from auto's
// own calls; one call in EXPLORE_EVERY re-measures another placement of the
// same implementation, so the model follows the machine.
import type { Lane } from '../dispatch/lane.js';
import type { Planner } from '../planner.js';
import type { Task } from '../task.js';
import type { Placement } from '../types.js';
import { AutoChoice, CONCRETE, type Concrete } from './choice.js';
import { bucketOf, CostModel } from './cost-model.js';

/** One call in this many per kernel runs elsewhere, to keep the other placements measured. */
const EXPLORE_EVERY = 128;
/** An inline placement never run is predicted from its worker twin (same code). */
const TWIN: Partial<Record<Concrete, Concrete>> = { 'native-inline': 'native-worker', 'ts-inline': 'ts-worker' };
const LANE: Record<Concrete, 'worker' | 'async' | undefined> = {
  'native-inline': undefined, 'ts-inline': undefined, 'native-worker': 'worker', 'ts-worker': 'worker', 'native-async': 'async',
};

interface KernelRuns {
  run: Map<Concrete, CostModel>;
  chosen: Map<Concrete, number>;
  calls: number;
}

export class SimplePlanner implements Planner {
  private readonly kernels = new Map<string, KernelRuns>();

  constructor(private readonly budgetMs: number, private readonly lanes: Record<'worker' | 'async', Lane>) {}

  choose(kernel: string, size: number, nativeOk: boolean): AutoChoice {
    let st = this.kernels.get(kernel);
    if (st === undefined) this.kernels.set(kernel, (st = { run: new Map(CONCRETE.map((p) => [p, new CostModel()])), chosen: new Map(), calls: 0 }));
    const bucket = bucketOf(size);
    const runs = st.run;
    const predict = (p: Concrete): number => {
      const own = runs.get(p)!;
      return own.known || TWIN[p] === undefined ? own.predict(bucket, size) : runs.get(TWIN[p]!)!.predict(bucket, size);
    };
    const waiting = !this.lanes.worker.idle || !this.lanes.async.idle;
    const expected = CONCRETE.map((p) => {
      if (p.startsWith('native') && !nativeOk) return Infinity;
      const lane = LANE[p];
      // A budget of 0 means off the loop, even for a run read as 0 ms.
      if (lane === undefined) return this.budgetMs > 0 && predict(p) <= this.budgetMs ? predict(p) : Infinity;
      return this.lanes[lane].expectedWaitMs() + predict(p);
    });
    // Inline when it fits and nothing waits, whatever an offloaded lane's run would be.
    const offloaded = waiting || !expected.some((e, i) => LANE[CONCRETE[i]] === undefined && e < Infinity);
    let best = -1;
    for (let i = 0; i < CONCRETE.length; i++) {
      if (expected[i] === Infinity || (LANE[CONCRETE[i]] !== undefined) !== offloaded) continue;
      if (best < 0 || expected[i] < expected[best]) best = i;
    }
    // Never measured: a worker first (never block the loop on a guess).
    if (best < 0) best = CONCRETE.indexOf(nativeOk ? 'native-worker' : 'ts-worker');
    let pick = best;
    if (++st.calls % EXPLORE_EVERY === 0) {
      // Another placement of the same implementation, in turn: TS twins of a native kernel run 10-20x slower.
      const native = CONCRETE[best].startsWith('native');
      const same = CONCRETE.filter((p, i) => p.startsWith('native') === native && i !== best && (LANE[p] !== undefined || expected[i] < Infinity));
      if (same.length > 0) pick = CONCRETE.indexOf(same[(st.calls / EXPLORE_EVERY) % same.length]);
    }
    st.chosen.set(CONCRETE[pick], (st.chosen.get(CONCRETE[pick]) ?? 0) + 1);
    return new AutoChoice(CONCRETE[pick], pick !== best, expected, nativeOk, waiting ? 1 : 0);
  }

  inlineStart(): number {
    return NaN;
  }

  ranInline(task: Task, runMs: number): void {
    this.observe(task, runMs);
  }

  settledInline(): void {}

  sent(): void {}

  completed(task: Task, runMs: number): void {
    this.observe(task, runMs);
  }

  dispatched(): void {}

  chosen(): Record<string, Partial<Record<Placement, number>>> {
    const out: Record<string, Partial<Record<Placement, number>>> = {};
    for (const [k, st] of this.kernels) out[k] = Object.fromEntries(st.chosen);
    return out;
  }

  private observe(task: Task, runMs: number): void {
    this.kernels.get(task.kernel)?.run.get(task.placement as Concrete)?.add(bucketOf(task.size), task.size, runMs);
  }
}

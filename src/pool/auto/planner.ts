// The `auto` placement: per call, the candidate with the least expected cost (completion time + its
// main-thread time x the calls sharing the loop) among those that block the loop at most `inlineBudgetMs`,
// all learned from the runs the pool sees. Reference and measurements: docs/auto.md. Parts: cost-model.ts,
// state.ts (what is learned), loop-account.ts, realized.ts, observe.ts, tuning.ts.
import { performance } from 'node:perf_hooks';
import { CPU_TIMED_MS } from '../clock.js';
import { AutoChoice, CONCRETE, INLINE, LANE, NATIVE, NATIVE_ASYNC, NATIVE_INLINE, NATIVE_WORKER, TS_WORKER, TWIN } from './choice.js';
import { chosenCounts, loadedDispatchMs, newKernelState, slackOf, type KernelState, type LoopSignals } from './state.js';
import { bucketOf, coresBusy, perCallMs, pickOffloaded } from './cost-model.js';
import { RealizedRate } from './realized.js';
import { ChainCount, InlineRuns, learn } from './observe.js';
import { ASYNC_LANE, INLINE_LANE, LoopAccount, WORKER_LANE } from './loop-account.js';
import {
  CONCURRENCY_KEEP_DOWN, CONCURRENCY_KEEP_UP, CONCURRENCY_MAX_STEPS, CPU_SAMPLE_EVERY_MS, EXPLORE_SHARE, FIRM_SAMPLES, MAX_CONCURRENCY,
  OVERHEAD_PRIOR_MS, REUSE_CALLS, REUSE_LEAD, REUSE_LOAD_EXTRA, REUSE_LOAD_FACTOR, SWITCH_MARGIN, TWIN_EXPLORE_SHARE,
  UNKNOWN_EXTRA_MS, UNKNOWN_FACTOR,
} from './tuning.js';
import type { Lane } from '../dispatch/lane.js';
import type { Planner } from '../planner.js';
import type { Task } from '../task.js';
import { RunEstimate } from '../dispatch/queue.js';
import type { Placement } from '../types.js';

export type { LoopSignals };

const INDEX = Object.fromEntries(CONCRETE.map((p, i) => [p, i])) as Record<Placement, number>;

export class AutoPlanner implements Planner {
  private readonly kernels = new Map<string, KernelState>();
  // Robust to cold outliers.
  private readonly overhead: Record<'worker' | 'async', RunEstimate> = {
    worker: new RunEstimate(OVERHEAD_PRIOR_MS, true),
    async: new RunEstimate(OVERHEAD_PRIOR_MS, true),
  };
  private readonly concurrency = new RunEstimate(0);
  /** The inline runs' CPU share and wall total (observe.ts; ranInline feeds it). */
  readonly inline = new InlineRuns();
  /** The loop's unseen cost a call, per lane (loop-account.ts); undefined without a CPU clock. */
  readonly account: LoopAccount | undefined;
  /** The offloaded lanes' realized time a call against the model's (realized.ts). */
  readonly realized: RealizedRate;
  private readonly chain: ChainCount;
  // Scratch for choose(), read only within one call: not allocated per call.
  private readonly perCall = [NaN, NaN, NaN, NaN, NaN];
  private readonly tryInline = [Infinity, Infinity];

  constructor(
    private readonly budgetMs: number,
    private readonly lanes: Record<'worker' | 'async', Lane>,
    private readonly signals: LoopSignals,
    /** CPU cores the process may use: the event loop and every lane share them. */
    private readonly cores: number,
    /** The event loop's CPU clock, ms: without one, no LoopAccount. */
    private readonly cpu?: () => number,
    /** The wall clock, ms (tests give their own). */
    wall: () => number = () => performance.now(),
  ) {
    this.account = cpu === undefined ? undefined : new LoopAccount(cpu, wall);
    this.realized = new RealizedRate(wall);
    this.chain = new ChainCount(signals, this);
  }

  /** Times an inline run when the last was long (CPU_TIMED_MS), else at most every CPU_SAMPLE_EVERY_MS; the rest are scaled. */
  inlineStart(): number {
    const runs = this.inline;
    return this.cpu !== undefined && (runs.lastRunMs >= CPU_TIMED_MS || performance.now() >= runs.cpuSampleAt) ? this.cpu() : NaN;
  }

  ranInline(task: Task, runMs: number, c0: number): void {
    const runs = this.inline;
    runs.lastRunMs = runMs;
    runs.wallMs += runMs;
    let cpuMs: number;
    if (c0 === c0) {
      cpuMs = Math.min(runMs, this.cpu!() - c0);
      runs.observe(runMs, cpuMs);
      runs.cpuSampleAt = performance.now() + CPU_SAMPLE_EVERY_MS;
    } else {
      cpuMs = runs.cpuMs(runMs);
    }
    this.observeRun(task.kernel, task.placement, task.size, cpuMs);
    this.account?.inline(cpuMs);
    this.chain.inline(task.callsAt);
  }

  settledInline(_task: Task, promise: Promise<unknown>): void {
    this.chain.watch(promise);
  }

  sent(task: Task): void {
    if (task.lane === 'async') task.inlineAt = this.inline.wallMs;
  }

  completed(task: Task, runMs: number, cpuMs: number): void {
    learn(this, this.signals, task, runMs, cpuMs);
  }

  dispatched(task: Task, loopMs: number, loaded: boolean): void {
    this.account?.offloaded(task.lane === 'worker' ? WORKER_LANE : ASYNC_LANE, loopMs);
    if (loopMs === loopMs) this.observeDispatch(task.kernel, task.lane, task.size, loopMs, loaded);
  }

  private state(kernel: string): KernelState {
    let s = this.kernels.get(kernel);
    if (s === undefined) this.kernels.set(kernel, (s = newKernelState()));
    return s;
  }

  /** How often each placement was chosen, per kernel. */
  chosen(): Record<string, Partial<Record<Placement, number>>> {
    return chosenCounts(this.kernels);
  }

  /** A completed run's CPU ms, by placement: inline and worker runs apart (a worker's input is a cold copy, 1.3 ms vs 0.83). */
  observeRun(kernel: string, placement: Placement, size: number, runMs: number): void {
    this.state(kernel).run[INDEX[placement]].add(bucketOf(size), size, runMs);
  }

  /** An offloaded task that met no queue and no other call: what its round trip added to the run (completion - enqueue - run). */
  observeOverhead(kernel: string, lane: 'worker' | 'async', size: number, ms: number): void {
    this.overhead[lane].add(ms);
    this.state(kernel).overhead[lane].add(bucketOf(size), size, ms);
  }

  /** A libuv task sent under load: how long its thread idled for the loop (KernelState.gap). */
  observeGap(kernel: string, size: number, ms: number): void {
    this.state(kernel).gap.add(bucketOf(size), size, ms);
  }

  /** Main-thread ms of an offloaded task (its shares of message, answer, result); `loaded`: sent while its lane was busy. */
  observeDispatch(kernel: string, lane: 'worker' | 'async', size: number, ms: number, loaded: boolean): void {
    (loaded ? this.state(kernel).dispatch : this.state(kernel).dispatchLone)[lane].add(bucketOf(size), size, ms);
  }

  /** How many other run() calls arrived while an offloaded task was out, as a mean over `tasks` tasks. Up fast, down slowly. */
  observeArrivals(calls: number, tasks = 1): void {
    const n = Math.min(Math.max(0, calls), MAX_CONCURRENCY);
    // `tasks` samples of mean n weigh as much as `tasks` EWMA steps.
    const keep = n > this.concurrency.ms ? CONCURRENCY_KEEP_UP : CONCURRENCY_KEEP_DOWN;
    const alpha = 1 - keep ** Math.min(tasks, CONCURRENCY_MAX_STEPS);
    this.concurrency.add(n, alpha);
  }

  /** Other calls sharing the loop now: the concurrency learned from arrivals, or the calls waiting on the lanes, if more. */
  private othersNow(): number {
    const w = this.lanes.worker;
    const a = this.lanes.async;
    return Math.max(this.concurrency.ms, Math.min(MAX_CONCURRENCY, w.inflight + w.queue.length + a.inflight + a.queue.length));
  }

  /** Predicted run time of candidate i; never measured there, its TWIN's. */
  private runMs(st: KernelState, i: number, bucket: number, size: number): number {
    const own = st.run[i];
    return own.known ? own.predict(bucket, size) : st.run[TWIN[i]].predict(bucket, size);
  }

  choose(kernel: string, size: number, nativeOk: boolean): AutoChoice {
    const st = this.state(kernel);
    const bucket = bucketOf(size);
    const reused = st.reuse[bucket];
    if (reused !== undefined) {
      // Not once the load may have changed: arrivals to take, or more callers than when it was chosen.
      const loadMax = REUSE_LOAD_FACTOR * reused.choice.concurrency + REUSE_LOAD_EXTRA;
      if (reused.left > 0 && !this.signals.arrivalsWaiting && this.othersNow() <= loadMax) {
        reused.left--;
        st.chosen[reused.index]++;
        return reused.choice;
      }
      st.reuse[bucket] = undefined;
    }
    const arrivals = this.signals.takeArrivals();
    if (arrivals >= 0) this.observeArrivals(arrivals, this.signals.arrivalsTaken);
    const others = this.othersNow();
    const acc = this.account;
    // A plain array: a Float64Array per call (its own ArrayBuffer) cost more.
    const expected = [0, 0, 0, 0, 0];
    // base: offloaded candidates' cost without the lanes' current queues;
    // perCall: their model time a call under load (without slack).
    const base = [0, 0, Infinity, Infinity, Infinity];
    const perCall = this.perCall.fill(NaN);
    const tryInline = this.tryInline.fill(Infinity);
    const last = st.last[bucket];
    const limit = last !== undefined && !INLINE[last] && others >= 1 ? SWITCH_MARGIN * this.budgetMs : this.budgetMs;
    // Never measured: start in a worker (never block the loop on a guess).
    let best = nativeOk ? NATIVE_WORKER : TS_WORKER;
    let bestMs = Infinity;
    for (let i = 0; i < CONCRETE.length; i++) {
      if (NATIVE[i] && !nativeOk) {
        expected[i] = Infinity;
        continue;
      }
      const lane = LANE[i];
      // A budget of 0 keeps auto off the loop, even for a run read as 0 ms
      // (the addon times in whole microseconds: a sub-microsecond run is 0).
      if (lane === undefined && this.budgetMs <= 0) {
        expected[i] = Infinity;
        continue;
      }
      let e: number;
      if (lane === undefined) {
        // Inline: done in `run`, and the others wait for it all along.
        const run = this.runMs(st, i, bucket, size);
        const cost = run + others * (run + (acc === undefined ? 0 : acc.unseenMs(INLINE_LANE)));
        e = run <= limit ? cost : Infinity;
        // Still tried (explore) within the budget, and over it while libuv's run of the same code fits.
        const tryRun = run <= this.budgetMs ? run : i === NATIVE_INLINE ? st.run[NATIVE_ASYNC].predict(bucket, size) : Infinity;
        if (tryRun <= this.budgetMs) tryInline[i] = tryRun + others * (tryRun + (acc === undefined ? 0 : acc.unseenMs(INLINE_LANE)));
      } else {
        const overhead = st.overhead[lane].predict(bucket, size, this.overhead[lane].ms);
        // w: a task's time on the lane's thread (the addon times libuv's).
        const w = this.runMs(st, i, bucket, size);
        const run = overhead + w;
        const timed = loadedDispatchMs(st, lane, bucket, size);
        const li = lane === 'worker' ? WORKER_LANE : ASYNC_LANE;
        // The loop's and the other threads' costs of a call that auto does not time (loop-account.ts).
        const d = timed + (acc === undefined ? 0 : acc.unseenMs(li));
        // A worker task whose run ended is not ahead of this one, even while its answer waits for the loop.
        const l = this.lanes[lane];
        const now = l.expectedWaitMs(lane === 'worker' ? this.signals.endedUnread : 0, l.typicalRun.ms);
        const gap = lane === 'worker' ? 0 : st.gap.predict(bucket, size, overhead);
        perCall[i] = perCallMs(l.parallel, w, d, lane === 'worker' ? timed : 0, gap, this.cores);
        const steady = (others + 1) * perCall[i] * slackOf(st, bucket, i);
        base[i] = Math.max(run + others * d, steady);
        e = Math.max(now + run + others * d, steady);
      }
      expected[i] = e;
      if (e < bestMs) {
        bestMs = e;
        best = i;
      }
    }
    if (!INLINE[best] && coresBusy(this.lanes, this.signals.endedUnread, this.cores)) best = pickOffloaded(expected, base);
    if (last !== undefined && last !== best && expected[last] < Infinity && expected[best] > SWITCH_MARGIN * expected[last]) best = last;
    st.last[bucket] = best;
    bestMs = expected[best];
    // The calls that reused the last choice here spent about its cost each.
    const skipped = reused === undefined ? 0 : REUSE_CALLS * reused.bestMs;
    const pick = bestMs < Infinity ? explore(st, bucket, expected, tryInline, best, bestMs + skipped, nativeOk) : best;
    st.chosen[pick]++;
    const bestLane = LANE[best];
    this.realized.note(st, bucket, pick, pick === best ? perCall[best] : NaN, bestLane === undefined ? undefined : this.lanes[bestLane]);
    const choice = new AutoChoice(CONCRETE[pick], pick !== best, expected, nativeOk, others);
    if (pick === best && INLINE[best] && this.farAhead(expected, best)) st.reuse[bucket] = { choice, index: best, bestMs, left: REUSE_CALLS };
    return choice;
  }

  /** Whether inline candidate `best` may be reused: its run fits 1 / REUSE_LEAD of the budget, its cost that of any other's. */
  private farAhead(expected: number[], best: number): boolean {
    const e = expected[best];
    // Inline cost is run x (1 + others): the run alone.
    if (e / (1 + this.othersNow()) > this.budgetMs / REUSE_LEAD) return false;
    for (let i = 0; i < CONCRETE.length; i++) if (i !== best && expected[i] < REUSE_LEAD * e) return false;
    return true;
  }
}

// Explorations are paced by spending: each alternative earns a share of what auto spends, and is
// tried once its cost fits it (cheap ones often, dear ones rarely; "every Nth call" cost 30% on tiny tasks).
/**
 * The candidate this call goes to: `best`, or an alternative whose turn has come. `tryInline`: the inline
 * ones' cost to try (Infinity: never); `spentMs`: this call's cost (the best's, and the calls that reused it).
 */
function explore(st: KernelState, bucket: number, expected: number[], tryInline: number[], best: number, spentMs: number, nativeOk: boolean): number {
  const spent = (st.spent[bucket] ??= new Float64Array(CONCRETE.length));
  let pick = best;
  for (let i = 0; i < CONCRETE.length; i++) {
    if (i === best || (NATIVE[i] && !nativeOk)) continue;
    const e = INLINE[i] ? tryInline[i] : expected[i];
    if (INLINE[i] && e === Infinity) continue; // never block the loop over its budget
    const earned = spent[i] + spentMs;
    // Read from fewer than FIRM_SAMPLES runs here, a cost is paced at most as an unknown one's.
    const unknown = UNKNOWN_FACTOR * expected[best] + UNKNOWN_EXTRA_MS;
    const cost = st.run[i].samples(bucket) >= FIRM_SAMPLES ? e : Math.min(e, unknown);
    if (pick === best && cost <= (nativeOk && !NATIVE[i] ? TWIN_EXPLORE_SHARE : EXPLORE_SHARE) * earned) {
      pick = i;
      spent[i] = 0;
    } else {
      spent[i] = earned;
    }
  }
  return pick;
}

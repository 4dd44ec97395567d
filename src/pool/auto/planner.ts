// The `auto` placement: per call, the placement with the lowest expected
// cost among those that keep the event loop's blocking under
// `inlineBudgetMs`. A candidate's cost is its expected completion time
// (queue wait + the lane's unloaded dispatch overhead + the kernel's
// predicted run time there) plus what it makes the other calls sharing the
// event loop wait: its main-thread time x the calls that arrive while one is
// out (`concurrency`). Alone, that is latency; under load, main-thread time:
// 8 callers of a 0.19 ms topk on the loop wait for each other (4.8k calls/s),
// in workers they do not (6.2k/s; bench placements, 2 cores).
//
// Everything is learned from the runs the pool sees: run time per kernel,
// placement and input size, the main thread's cost of an offloaded task, the
// lanes' overhead and libuv's idle gap, the concurrency. Work is measured
// in CPU time (cpu-clock.ts), waits in wall time: by wall clock a lane's
// costs read 1.4-5x high while busy threads shared the cores, and auto
// compared lanes measured under different loads. Now and then it runs a
// call elsewhere, so that the model follows the machine when its load
// changes; exploring is paced by what auto spends (explore.ts). The cost
// terms are in offload-cost.ts, the loop's unseen costs in loop-account.ts,
// the lanes' realized pace in realized.ts, what auto keeps per kernel in
// auto/state.ts, what a call reports in auto/choice.ts.
import { performance } from 'node:perf_hooks';
import { AutoChoice, CONCRETE, INLINE, NATIVE } from './choice.js';
import { chosenCounts, loadedDispatchMs, newKernelState, slackOf, type KernelState, type LoopSignals } from './state.js';
import { bucketOf } from './cost-model.js';
import { explore } from './explore.js';
import { coresBusy, perCallMs, pickOffloaded } from './offload-cost.js';
import { RealizedRate } from './realized.js';
import { ChainCount } from './chain.js';
import { InlineRuns } from './cpu-clock.js';
import { learn } from './learn.js';
import { ASYNC_LANE, INLINE_LANE, LoopAccount, WORKER_LANE } from './loop-account.js';
import type { Lane } from '../dispatch/lane.js';
import type { Planner } from '../planner.js';
import type { Task } from '../task.js';
import { RunEstimate } from '../dispatch/queue.js';
import type { Placement } from '../types.js';

export type { LoopSignals };

// One task's count of calls that arrived while it was out is capped here: a
// slow alternative tried while calls chain inline through the microtask queue
// (ts-worker, 4 ms where native inline takes 0.2) sees dozens, which says
// "saturated", not how many callers wait.
const MAX_CONCURRENCY = 64;
const INDEX = Object.fromEntries(CONCRETE.map((p, i) => [p, i])) as Record<Placement, number>;

// Candidates in a fixed order, with what each needs, so that a choice is a
// loop over small arrays (about 0.15 us; a first version with records keyed
// by placement took 0.6 us, on a 3 us inline task).
const LANE: ('worker' | 'async' | undefined)[] = [undefined, undefined, 'worker', 'worker', 'async'];
const ASYNC = 4;

/**
 * A new best candidate must cost at most this share of the last best of its
 * size to replace it, and under load an inline run coming from an
 * offloaded best must fit this share of the budget. Two candidates within
 * the model's noise were taken in turn, and the mix ran worse than either:
 * toplist over 1M events (0.8-1.2 ms inline, about the budget) at 8 in
 * flight, 53% inline and 45% libuv, 1.16k calls/s against 1.20k inline and
 * 1.37k on libuv alone. Alone, a mix costs nothing more than its parts, and
 * the margin kept the same kernel off the loop at 1 in flight while its run
 * read 0.9-1.0 ms in a slow phase: 1.32 ms on libuv against 0.90 inline.
 */
const SWITCH = 0.9;

/**
 * An inline choice far ahead of every other candidate is reused for the next
 * REUSE calls of its size bucket, instead of predicting all five again: on a
 * 4 us kernel (toplist over 1k events, 8 in flight) a full choice and its
 * AutoChoice were about 0.4 us a call, 9% of the call (auto 213k calls/s
 * against 233k for native-inline, 2 cores). Far ahead: at most half of the
 * next candidate's cost, with the run at most half the inline budget (a
 * bucket's sizes differ up to 2x). The calls it skips still earn the other
 * candidates their exploration budget. A change of load ends the reuse.
 */
const REUSE = 16;

/**
 * An inline run's CPU time is read (two clock reads, about 1.2 us) when the
 * last inline run took at least CPU_TIMED_MS of wall time (at most 2.4% of
 * the run, as in workers: worker/run.ts), and otherwise at most once a ms
 * (0.1% of the loop: a toplist over 1k events runs 4 us). Runs not read are
 * scaled by the share of wall time the loop had a core in those read
 * (InlineRuns, cpu-clock.ts).
 */
const CPU_TIMED_MS = 0.05;

export class AutoPlanner implements Planner {
  private readonly kernels = new Map<string, KernelState>();
  // An unloaded round trip here is 25-150 us (bench pool, placements); start
  // there, robust to cold outliers.
  private readonly overhead: Record<'worker' | 'async', RunEstimate> = {
    worker: new RunEstimate(0.05, true),
    async: new RunEstimate(0.05, true),
  };
  private readonly concurrency = new RunEstimate(0);
  /** The inline runs' CPU share and wall total (cpu-clock.ts; placement.ts feeds it). */
  readonly inline = new InlineRuns();

  constructor(
    private readonly budgetMs: number,
    private readonly lanes: Record<'worker' | 'async', Lane>,
    private readonly signals: LoopSignals,
    /** CPU cores the process may use: the event loop and every lane share them. */
    private readonly cores: number,
    /** The event loop's CPU clock, ms (cpu-clock.ts): without one, no LoopAccount. */
    private readonly cpu?: () => number,
    /** The wall clock, ms (tests give their own). */
    wall: () => number = () => performance.now(),
  ) {
    this.account = cpu === undefined ? undefined : new LoopAccount(cpu, wall);
    this.realized = new RealizedRate(wall);
    this.chain = new ChainCount(signals, this);
  }

  private readonly chain: ChainCount;

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
      runs.cpuSampleAt = performance.now() + 1;
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

  /** The loop's unseen cost a call, per lane (loop-account.ts); undefined without a CPU clock. */
  readonly account: LoopAccount | undefined;
  /** The offloaded lanes' realized time a call against the model's (realized.ts). */
  readonly realized: RealizedRate;
  private readonly perCall = [NaN, NaN, NaN, NaN, NaN];
  private readonly tryInline = [Infinity, Infinity];

  private state(kernel: string): KernelState {
    let s = this.kernels.get(kernel);
    if (s === undefined) this.kernels.set(kernel, (s = newKernelState()));
    return s;
  }

  /** How often each placement was chosen, per kernel. */
  chosen(): Record<string, Partial<Record<Placement, number>>> {
    return chosenCounts(this.kernels);
  }

  /**
   * A run that completed (not cancelled), by the placement it ran in: its
   * CPU ms (cpu-clock.ts). Inline
   * and worker runs of one implementation are kept apart: a worker's input is
   * a fresh copy, cold in cache (toplist over 1M events: 0.83 ms inline on a
   * reused input, 1.3 ms in a worker), and one model for both made inputs
   * near the inline budget flip between placements.
   */
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


  /**
   * Main-thread ms an offloaded task took: its share of the message out, of
   * the answer, and its result. `loaded`: it was sent while its lane was
   * busy (queued behind others, or batched with them).
   */
  observeDispatch(kernel: string, lane: 'worker' | 'async', size: number, ms: number, loaded: boolean): void {
    (loaded ? this.state(kernel).dispatch : this.state(kernel).dispatchLone)[lane].add(bucketOf(size), size, ms);
  }

  /**
   * How many other run() calls arrived while an offloaded task was out (until
   * its run ended). Up fast, down at the EWMA's pace: while calls run inline
   * only the rare explored ones measure it, and a rise must be acted on from
   * the first (from 1 to 8 callers of a 0.2 ms kernel, alpha 0.2 took ~100 ms
   * to leave the loop).
   */
  observeArrivals(calls: number, tasks = 1): void {
    const n = Math.min(Math.max(0, calls), MAX_CONCURRENCY);
    // `tasks` samples of mean n weigh as much as `tasks` EWMA steps.
    const alpha = 1 - (n > this.concurrency.ms ? 0.5 : 0.8) ** Math.min(tasks, 64);
    this.concurrency.add(n, alpha);
  }

  /**
   * How many other calls share the event loop now: the concurrency learned
   * from arrivals, or the calls waiting on the lanes, whichever is more.
   * Arrivals come only from worker tasks and chained inline calls: while
   * every call went to libuv, the estimate kept the 0.75 it had at 1 in
   * flight with 8 callers waiting, and auto stayed on libuv at 5.0-5.7k
   * calls/s where workers ran 7-8k (fingerprint over 1 s, 2 cores).
   */
  private othersNow(): number {
    const w = this.lanes.worker;
    const a = this.lanes.async;
    return Math.max(this.concurrency.ms, Math.min(MAX_CONCURRENCY, w.inflight + w.queue.length + a.inflight + a.queue.length));
  }

  /** Predicted run time of candidate i; never measured there, its twin across the thread boundary (same impl). */
  private runMs(st: KernelState, i: number, bucket: number, size: number): number {
    const own = st.run[i];
    return own.known ? own.predict(bucket, size) : st.run[INLINE[i] ? i + 2 : i - 2].predict(bucket, size);
  }

  choose(kernel: string, size: number, nativeOk: boolean): AutoChoice {
    const st = this.state(kernel);
    const bucket = bucketOf(size);
    const reused = st.reuse[bucket];
    if (reused !== undefined) {
      // Not once the load may have changed: new arrivals to take, or more
      // callers counted on the loop than when it was chosen.
      if (reused.left > 0 && !this.signals.arrivalsWaiting && this.othersNow() <= 1.25 * reused.choice.concurrency + 0.5) {
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
    // Offloaded candidates' cost without the lanes' current queues, and
    // their model time a call under load (without slack). perCall and
    // tryInline are read only within this call: scratch, not allocated.
    const base = [0, 0, Infinity, Infinity, Infinity];
    const perCall = this.perCall.fill(NaN);
    const tryInline = this.tryInline.fill(Infinity);
    const last = st.last[bucket];
    const limit = last !== undefined && !INLINE[last] && others >= 1 ? SWITCH * this.budgetMs : this.budgetMs;
    // Never measured: start in a worker (never block the loop on a guess).
    let best = nativeOk ? 2 : 3;
    let bestMs = Infinity;
    for (let i = 0; i < CONCRETE.length; i++) {
      if (NATIVE[i] && !nativeOk) {
        expected[i] = Infinity;
        continue;
      }
      const lane = LANE[i];
      let e: number;
      if (lane === undefined) {
        // Inline: done in `run`, and the others wait for it all along.
        const run = this.runMs(st, i, bucket, size);
        const cost = run + others * (run + (acc === undefined ? 0 : acc.unseenMs(INLINE_LANE)));
        e = run <= limit ? cost : Infinity;
        // Over the switching limit but within the budget, it is still
        // tried now and then: otherwise a run time read high (0.95 ms for
        // toplist over 1M events, against 0.83 alone, while workers shared
        // the cores) keeps it out, unmeasured, for good. So is a native run
        // read over the budget while libuv's run of the same code fits it
        // (1.0-1.05 ms in a slow phase, then 0.83 again on libuv).
        const tryRun = run <= this.budgetMs ? run : i === 0 ? st.run[ASYNC].predict(bucket, size) : Infinity;
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
        // A worker task whose run ended is no longer ahead of this one, even
        // while its answer waits for the loop (inline calls chained through
        // the microtask queue hold answers back: counting those tasks kept
        // auto inline at 8 in flight where workers were 1.3x faster).
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
    if (last !== undefined && last !== best && expected[last] < Infinity && expected[best] > SWITCH * expected[last]) best = last;
    st.last[bucket] = best;
    bestMs = expected[best];
    // The calls that reused the last choice here spent about its cost each.
    const skipped = reused === undefined ? 0 : REUSE * reused.bestMs;
    const pick = bestMs < Infinity ? explore(st, bucket, expected, tryInline, best, bestMs + skipped, nativeOk) : best;
    st.chosen[pick]++;
    const bestLane = LANE[best];
    this.realized.note(st, bucket, pick, pick === best ? perCall[best] : NaN, bestLane === undefined ? undefined : this.lanes[bestLane]);
    const choice = new AutoChoice(CONCRETE[pick], pick !== best, expected, nativeOk, others);
    if (pick === best && INLINE[best] && this.farAhead(expected, best)) st.reuse[bucket] = { choice, index: best, bestMs, left: REUSE };
    return choice;
  }

  /** Whether inline candidate `best` may be reused (REUSE): its run fits half the budget, its cost half any other's. */
  private farAhead(expected: number[], best: number): boolean {
    const e = expected[best];
    // Inline cost is run x (1 + others): the run alone must fit half the budget.
    if (e / (1 + this.othersNow()) > this.budgetMs / 2) return false;
    for (let i = 0; i < CONCRETE.length; i++) if (i !== best && expected[i] < 2 * e) return false;
    return true;
  }
}

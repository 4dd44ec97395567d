// auto's choice from given observations (no threads, no clocks): the margins
// that keep it from taking two near-equal candidates in turn, and what it
// takes for load.
import { describe, expect, it } from 'vitest';
import { loadedDispatchMs } from '../../src/pool/auto/state.js';
import { AutoPlanner, type LoopSignals } from '../../src/pool/auto/planner.js';
import { bucketOf } from '../../src/pool/auto/cost-model.js';
import { Lane } from '../../src/pool/dispatch/lane.js';

// What the workers would report through shared memory: nothing ended, no arrivals.
const quiet: LoopSignals = { callCount: 0, endedUnread: 0, takeArrivals: () => -1, arrivalsTaken: 0, arrivalsWaiting: false };
const SIZE = 1000;

type Lanes = { worker: Lane; async: Lane };

/** A planner on 2 cores with 2 workers and 2 libuv threads, and unloaded round trips of `overheadMs`. */
function bare(overheadMs: number, wall?: () => number): { p: AutoPlanner; lanes: Lanes } {
  const lanes = { worker: new Lane('worker', 2, 4, 64), async: new Lane('async', 2, 2, 1) };
  const p = new AutoPlanner(1, lanes, quiet, 2, undefined, wall);
  for (let i = 0; i < 5; i++) {
    p.observeOverhead('k', 'worker', SIZE, overheadMs);
    p.observeOverhead('k', 'async', SIZE, overheadMs);
  }
  return { p, lanes };
}

function planner(lanes?: (l: Lanes) => void): AutoPlanner {
  // Unloaded round trips of 0.5 ms (offloading is dear here), and the loop
  // time of an offloaded task, as the pool would learn them.
  const { p, lanes: l } = bare(0.5);
  lanes?.(l);
  for (let i = 0; i < 5; i++) {
    p.observeDispatch('k', 'worker', SIZE, 0.01, true);
    p.observeDispatch('k', 'async', SIZE, 0.01, true);
  }
  return p;
}

/** Feeds `n` runs of `ms` to every native placement. */
function runs(p: AutoPlanner, ms: number, n = 30): void {
  for (let i = 0; i < n; i++) for (const pl of ['native-inline', 'native-worker', 'native-async'] as const) p.observeRun('k', pl, SIZE, ms);
}

/**
 * 8 callers (7 others share the loop) of a 0.2 ms kernel, unloaded round
 * trips of 0.05 ms, and each lane's loop time a task as given.
 */
function eightCallers(workerMs: number, asyncMs: number, loaded: boolean, wall?: () => number): AutoPlanner {
  const { p } = bare(0.05, wall);
  p.observeArrivals(7, 64);
  runs(p, 0.2);
  for (let i = 0; i < 5; i++) {
    p.observeDispatch('k', 'worker', SIZE, workerMs, loaded);
    p.observeDispatch('k', 'async', SIZE, asyncMs, loaded);
  }
  return p;
}

/** The placement after 20 choices: past any reused inline choice (16 calls). */
function settled(p: AutoPlanner): string {
  let placement = '';
  for (let i = 0; i < 20; i++) placement = p.choose('k', SIZE, true).placement;
  return placement;
}

describe('auto placement model', () => {
  it('runs a call inline when its run fits the budget and costs least', () => {
    const p = planner();
    runs(p, 0.5);
    expect(settled(p)).toBe('native-inline');
  });

  it('coming from a worker under load, takes the inline placement only once the run fits the budget with a margin', () => {
    // Round trips of 2 ms (offloading is dear here), and one other call sharing the loop.
    const { p } = bare(2);
    p.observeArrivals(1, 64);
    runs(p, 1.2); // over the 1 ms budget: offloaded
    expect(settled(p)).not.toMatch(/inline/);
    // Fits the budget and costs less (2 x 0.95 against 3.2 ms), but not 0.9
    // of the budget: stays offloaded.
    runs(p, 0.95);
    expect(settled(p)).not.toMatch(/inline/);
    // Within the margin (0.85 ms): inline.
    runs(p, 0.85);
    expect(settled(p)).toBe('native-inline');
    // Once inline, a run at about 0.95 ms keeps it there (the budget, without
    // the margin; slower runs move the estimate slowly, hence 100).
    runs(p, 0.95, 100);
    expect(settled(p)).toBe('native-inline');
  });

  it('alone, takes the inline placement as soon as its run fits the budget', () => {
    const p = planner();
    runs(p, 1.2);
    expect(settled(p)).not.toMatch(/inline/);
    // No other call shares the loop: taking inline and offloaded in turn
    // costs nothing more than either, so the budget itself is the limit.
    runs(p, 0.95);
    expect(settled(p)).toBe('native-inline');
  });

  it('still tries an inline run read over the budget while libuv\'s run of the same code fits it', () => {
    const p = planner();
    // Inline read 1.2 ms (a slow phase), libuv's runs of the same code 0.6.
    for (let i = 0; i < 30; i++) {
      p.observeRun('k', 'native-inline', SIZE, 1.2);
      p.observeRun('k', 'native-worker', SIZE, 1.2);
      p.observeRun('k', 'native-async', SIZE, 0.6);
    }
    const tried = () => {
      for (let i = 0; i < 2000; i++) if (p.choose('k', SIZE, true).placement === 'native-inline') return true;
      return false;
    };
    expect(tried()).toBe(true);
    // Measured again at 0.6 ms: inline, where it belongs.
    runs(p, 0.6);
    expect(settled(p)).toBe('native-inline');
    // Over the budget with libuv's run over it too: never tried.
    for (let i = 0; i < 100; i++) runs(p, 1.2, 1);
    expect(tried()).toBe(false);
  });

  it('counts the calls waiting on the lanes among those that share the loop', () => {
    let lanes: Lanes | undefined;
    const p = planner((l) => { lanes = l; });
    runs(p, 0.3);
    // No arrivals reported: alone, 0.3 ms inline against 0.8 with a round trip.
    expect(settled(p)).toBe('native-inline');
    // 7 calls wait on libuv, whose threads report no arrivals: an inline run
    // holds all their answers (0.3 x 8 ms), more than workers cost them.
    lanes!.async.inflight = 7;
    expect(settled(p)).toBe('native-worker');
  });

  it('takes a task sent alone for a dearer one than a task sent under load', () => {
    // 8 callers of a 0.2 ms kernel: inline costs the loop 0.2 x 8 = 1.6 ms a
    // round; workers 8 x (0.2 + 2d) / 2 on 2 cores (d each way: the send here,
    // the worker's copy there). libuv is made dear, out of the way.
    const loop = (loaded: boolean) => eightCallers(0.12, 0.3, loaded).choose('k', SIZE, true).placement;
    // Measured under load, 0.12 ms: workers cost 1.76, inline wins.
    expect(loop(true)).toBe('native-inline');
    // Measured alone: 0.03 of it is a lone message's own, which load shares
    // out (0.09: 1.52 against 1.6).
    expect(loop(false)).toBe('native-worker');
  });

  it('keeps its last best unless another costs 10% less', () => {
    const p = planner();
    runs(p, 0.3);
    expect(settled(p)).toBe('native-inline');
    // Workers become a little cheaper (0.28 + 0.001 ms against 0.3 inline): not enough to move.
    for (let i = 0; i < 30; i++) {
      p.observeOverhead('k', 'worker', SIZE, 0.001);
      p.observeRun('k', 'native-worker', SIZE, 0.28);
    }
    expect(settled(p)).toBe('native-inline');
    // Clearly cheaper (0.2 ms): they take over.
    for (let i = 0; i < 30; i++) p.observeRun('k', 'native-worker', SIZE, 0.2);
    expect(settled(p)).toBe('native-worker');
  });

  it('counts the time libuv\'s threads idle for the loop under load', () => {
    // 8 callers of a 0.2 ms kernel, the same in workers and on libuv; 0.08
    // ms of loop time a worker task, 0.05 a libuv one (inline: 8 x 0.2 =
    // 1.6 ms). Workers pay a copy of the input on their side (steady 8 x
    // 0.36 / 2 = 1.44 ms); libuv does
    // not (8 x 0.25 / 2 = 1.0 ms, 1.25 with its slack before it is
    // measured), so it is taken while its threads are thought to idle only
    // its unloaded round trip (0.05 ms) after each task.
    const p = eightCallers(0.08, 0.05, true);
    expect(p.choose('k', SIZE, true).placement).toBe('native-async');
    // Under load each libuv thread idles 0.2 ms after each task until the
    // loop sends the next: 8 x (0.2 + 0.2) / 2 x 1.25 = 2.0 ms, workers win.
    for (let i = 0; i < 5; i++) p.observeGap('k', SIZE, 0.2);
    expect(p.choose('k', SIZE, true).placement).toBe('native-worker');
  });

  it('holds a lane to what it delivers: a lane slower than its model loses its calls', () => {
    // 8 callers of a 0.2 ms kernel: inline, 8 x 0.2 = 1.6 ms a round;
    // workers 8 x (0.2 + 0.05 + 0.05) / 2 = 1.2 ms by the model (libuv is
    // made dear, out of the way).
    const clock = { now: 0 };
    const p = eightCallers(0.05, 0.3, true, () => clock.now);
    const lanes = (p as unknown as { lanes: Lanes }).lanes;
    lanes.worker.inflight = 7; // the other callers' tasks: calls wait for the workers
    expect(p.choose('k', SIZE, true).placement).toBe('native-worker');
    // The workers deliver a call every 0.3 ms where the model said 0.15
    // (1.2 / 8): twice the model's cost. Their slack rises window by window
    // (to at most 1.6: 1.92 ms a round), and inline wins.
    let best = '';
    for (let i = 0; i < 4000 && best !== 'native-inline'; i++) {
      clock.now += 0.3;
      const c = p.choose('k', SIZE, true);
      if (!c.explored) best = c.placement;
    }
    expect(best).toBe('native-inline');
    expect(settled(p)).toBe('native-inline');
  });

  it('never takes a task sent under load for dearer than one sent alone', () => {
    const { p } = bare(0.05);
    // A cold first measure under load, then warm ones, all sent alone (as
    // auto's explorations of a lane it does not use go).
    p.observeDispatch('k', 'worker', SIZE, 0.3, true);
    for (let i = 0; i < 20; i++) p.observeDispatch('k', 'worker', SIZE, 0.06, false);
    const st = (p as unknown as { kernels: Map<string, Parameters<typeof loadedDispatchMs>[0]> }).kernels.get('k')!;
    // 0.06 alone, less its per-message part (0.03): not the 0.3 of the cold one.
    expect(loadedDispatchMs(st, 'worker', bucketOf(SIZE), SIZE)).toBeCloseTo(0.03, 6);
  });

  it('with a budget of 0 never runs a call inline, not even one measured at 0 ms', () => {
    // A sub-microsecond native run reads 0 us on the addon's clock: 0 ms fits
    // a budget of 0 by `<=`, but 0 means "off the event loop".
    const lanes = { worker: new Lane('worker', 2, 4, 64), async: new Lane('async', 2, 2, 1) };
    const p = new AutoPlanner(0, lanes, quiet, 2);
    for (let i = 0; i < 5; i++) for (const lane of ['worker', 'async'] as const) p.observeOverhead('k', lane, SIZE, 0.05);
    runs(p, 0);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(p.choose('k', SIZE, true).placement);
    expect([...seen].filter((pl) => pl.endsWith('inline'))).toEqual([]);
  });

  it('tries again soon a candidate read from one cold run, and paces one read from several by its cost', () => {
    // Off the loop (budget 0): native-worker is best at 0.085 ms, native-async
    // read 11.9 ms (a cold first run) once, or three times.
    const firstTry = (asyncRuns: number): number => {
      const lanes = { worker: new Lane('worker', 2, 4, 64), async: new Lane('async', 2, 2, 1) };
      const p = new AutoPlanner(0, lanes, quiet, 2);
      for (let i = 0; i < 5; i++) {
        for (const lane of ['worker', 'async'] as const) {
          p.observeOverhead('k', lane, SIZE, 0.05);
          p.observeDispatch('k', lane, SIZE, 0.01, false);
        }
      }
      for (let i = 0; i < 30; i++) p.observeRun('k', 'native-worker', SIZE, 0.085);
      for (let i = 0; i < asyncRuns; i++) p.observeRun('k', 'native-async', SIZE, 11.9);
      for (let i = 0; i < 100_000; i++) if (p.choose('k', SIZE, true).placement === 'native-async') return i;
      return Infinity;
    };
    const once = firstTry(1);
    const thrice = firstTry(3);
    // Paced as never measured (20x the best + 0.1 ms): 5k calls here; by its
    // own cost, 22k.
    expect(once).toBeLessThan(10_000);
    expect(thrice).toBeGreaterThan(3 * once);
    expect(thrice).toBeLessThan(100_000);
  });
});

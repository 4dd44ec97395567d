// auto's choice from given observations (no threads, no clocks): the margins
// that keep it from taking two near-equal candidates in turn.
import { describe, expect, it } from 'vitest';
import { AutoPlanner, type LoopSignals } from '../../src/pool/auto.js';
import { Lane } from '../../src/pool/lane.js';

// What the workers would report through shared memory: nothing ended, no arrivals.
const quiet: LoopSignals = { endedUnread: 0, takeArrivals: () => -1, arrivalsTaken: 0, arrivalsWaiting: false };
const SIZE = 1000;

function planner(): AutoPlanner {
  const lanes = { worker: new Lane('worker', 2, 4, 64), async: new Lane('async', 2, 2, 1) };
  const p = new AutoPlanner(1, lanes, quiet, 2);
  // Unloaded round trips (0.5 ms: offloading is dear here) and loop time of an
  // offloaded task, as the pool would learn them.
  for (let i = 0; i < 5; i++) {
    p.observeOverhead('k', 'worker', SIZE, 0.5);
    p.observeOverhead('k', 'async', SIZE, 0.5);
    p.observeDispatch('k', 'worker', SIZE, 0.01);
    p.observeDispatch('k', 'async', SIZE, 0.01);
  }
  return p;
}

/** Feeds `n` runs of `ms` to every native placement. */
function runs(p: AutoPlanner, ms: number, n = 30): void {
  for (let i = 0; i < n; i++) for (const pl of ['native-inline', 'native-worker', 'native-async'] as const) p.observeRun('k', pl, SIZE, ms);
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

  it('coming from a worker, takes the inline placement only once the run fits the budget with a margin', () => {
    const p = planner();
    runs(p, 1.2); // over the 1 ms budget: offloaded
    expect(settled(p)).not.toMatch(/inline/);
    runs(p, 0.95); // fits the budget, and costs less, but not 0.9 of the budget: stays offloaded
    expect(settled(p)).not.toMatch(/inline/);
    // Clearly under the budget and cheaper than a worker by more than the
    // switching margin (0.3 against 0.8 ms with the round trip).
    runs(p, 0.3);
    expect(settled(p)).toBe('native-inline');
    // Once inline, a run at about 0.95 ms keeps it there (the budget, without
    // the margin; slower runs move the estimate slowly, hence 100).
    runs(p, 0.95, 100);
    expect(settled(p)).toBe('native-inline');
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
});

// auto's check of its lane models against what the lanes deliver
// (realized.ts): fed here with a given clock, the slack must come out as the
// ratio of realized to modelled time a call, and only from windows that can
// tell it.
import { describe, expect, it } from 'vitest';
import { newKernelState, slackOf, type KernelState } from '../../src/pool/auto/state.js';
import { LIBUV_EDGE } from '../../src/pool/auto/tuning.js';
import { Lane } from '../../src/pool/dispatch/lane.js';
import { RealizedRate } from '../../src/pool/auto/realized.js';
import { NATIVE_ASYNC as ASYNC, NATIVE_INLINE as INLINE, NATIVE_WORKER as WORKER } from '../../src/pool/auto/choice.js';

const B = 10;

/** A worker lane of 2 threads with 7 tasks out (busy), and one with 2 (not: no call waits). */
const busy = new Lane('worker', 2, 4, 64);
busy.inflight = 7;
const free = new Lane('worker', 2, 4, 64);
free.inflight = 2;

/** A RealizedRate on a clock the test moves. */
function rate(): { r: RealizedRate; clock: { now: number } } {
  const clock = { now: 1000 };
  return { r: new RealizedRate(() => clock.now), clock };
}

/** `n` calls to `cand`, one every `everyMs`, each modelled at `modelMs`; `pick` overrides the candidate of every `otherEvery`th call. */
function calls(r: RealizedRate, clock: { now: number }, st: KernelState, cand: number, n: number, everyMs: number, modelMs: number, saturated = true, otherEvery = 0): void {
  for (let i = 0; i < n; i++) {
    clock.now += everyMs;
    const other = otherEvery > 0 && i % otherEvery === otherEvery - 1;
    r.note(st, B, other ? INLINE : cand, other ? NaN : modelMs, saturated ? busy : free);
  }
}

describe('RealizedRate', () => {
  it('learns a lane\'s slack as its realized time a call over the model\'s', () => {
    const { r, clock } = rate();
    const st = newKernelState();
    expect(slackOf(st, B, WORKER)).toBe(1);
    // Calls every 1.2 ms where the model says 0.8 a call: slack 1.5.
    calls(r, clock, st, WORKER, 4000, 1.2, 0.8);
    expect(slackOf(st, B, WORKER)).toBeCloseTo(1.5, 3);
    // Then every 0.6 ms: 0.75, and down faster than it went up.
    calls(r, clock, st, WORKER, 4000, 0.6, 0.8);
    expect(slackOf(st, B, WORKER)).toBeCloseTo(0.75, 3);
  });

  it('takes a measured lane\'s slack for the other until that one is measured (libuv 1 / LIBUV_EDGE before either)', () => {
    const { r, clock } = rate();
    const st = newKernelState();
    expect(slackOf(st, B, ASYNC)).toBeCloseTo(1 / LIBUV_EDGE, 9);
    calls(r, clock, st, WORKER, 4000, 1.2, 0.8);
    expect(slackOf(st, B, ASYNC)).toBeCloseTo(1.5, 3);
    // libuv measured: its own figure (0.6 / 0.6), from the 1.5 it had.
    calls(r, clock, st, ASYNC, 4000, 0.6, 0.6);
    expect(slackOf(st, B, ASYNC)).toBeCloseTo(1, 3);
    expect(slackOf(st, B, WORKER)).toBeCloseTo(1.5, 3);
  });

  it('learns nothing while the lane is not saturated: the callers set the pace then', () => {
    const { r, clock } = rate();
    const st = newKernelState();
    calls(r, clock, st, WORKER, 2000, 5, 0.8, false);
    expect(st.slacks[B]).toBeUndefined();
    expect(slackOf(st, B, WORKER)).toBe(1);
  });

  it('learns nothing from windows where more than 10% of the calls went elsewhere', () => {
    const { r, clock } = rate();
    const st = newKernelState();
    calls(r, clock, st, WORKER, 2000, 1.2, 0.8, true, 5); // every 5th inline: 20%
    expect(st.slacks[B]).toBeUndefined();
    calls(r, clock, st, WORKER, 4000, 1.2, 0.8, true, 20); // every 20th: 5%, counted as calls of the window
    expect(slackOf(st, B, WORKER)).toBeCloseTo(1.5, 3);
  });

  it('keeps kernels and sizes apart: a window that another kernel\'s call breaks teaches nothing', () => {
    const { r, clock } = rate();
    const a = newKernelState();
    const b = newKernelState();
    for (let i = 0; i < 2000; i++) {
      clock.now += 1.2;
      r.note(i % 2 === 0 ? a : b, B, WORKER, 0.8, busy);
    }
    expect(a.slacks[B]).toBeUndefined();
    expect(b.slacks[B]).toBeUndefined();
  });

  it('rises slowly and within bounds: a stalled phase cannot send a lane away for long', () => {
    const { r, clock } = rate();
    const st = newKernelState();
    // One window at 100x the model's time a call (16 calls over 50 ms+):
    // taken as 2.5, and a tenth of the way up.
    calls(r, clock, st, WORKER, 17, 80, 0.8);
    expect(slackOf(st, B, WORKER)).toBeCloseTo(1.15, 9);
    // However long it lasts, at most 1.6.
    calls(r, clock, st, WORKER, 1000, 80, 0.8);
    expect(slackOf(st, B, WORKER)).toBeCloseTo(1.6, 9);
  });
});

// The event loop's account (loop-account.ts): what a call costs the loop
// beyond what auto times of it, from the loop's CPU clock over windows. Fed
// here with given clocks: the figures must come out exactly.
import { describe, expect, it } from 'vitest';
import { ASYNC_LANE, INLINE_LANE, LoopAccount, WORKER_LANE } from '../../src/pool/auto/loop-account.js';

/** An account on clocks the test moves: `cpu` (the loop's CPU ms) and `wall` (ms). */
function account(): { a: LoopAccount; clock: { cpu: number; wall: number } } {
  const clock = { cpu: 1000, wall: 5000 };
  return { a: new LoopAccount(() => clock.cpu, () => clock.wall), clock };
}

describe('LoopAccount', () => {
  it('gives the loop time no timed part explains to the lane that ran the window\'s calls', () => {
    const { a, clock } = account();
    a.offloaded(ASYNC_LANE, NaN); // the first call's end opens the first window
    // 20 libuv tasks over 20 ms, each timed at 0.05 ms, while the loop
    // spent 0.08 ms a task: 0.03 ms a task unseen.
    for (let i = 0; i < 20; i++) {
      clock.wall += 1;
      clock.cpu += 0.08;
      a.offloaded(ASYNC_LANE, 0.05);
    }
    expect(a.unseenMs(ASYNC_LANE)).toBeCloseTo(0.03, 9);
    expect([a.unseenMs(WORKER_LANE), a.unseenMs(INLINE_LANE)]).toEqual([0, 0]);
  });

  it('counts inline runs as seen, and opens its first window at the first call, not at the pool\'s start', () => {
    const { a, clock } = account();
    clock.cpu += 400; // starting the workers, compiling: no call's cost
    clock.wall += 400;
    a.inline(0.01);
    for (let i = 0; i < 20; i++) {
      clock.wall += 1;
      clock.cpu += 0.012; // a 0.01 ms run and 2 us of the caller's own code
      a.inline(0.01);
    }
    expect(a.unseenMs(INLINE_LANE)).toBeCloseTo(0.002, 9);
  });

  it('learns nothing from a window that no lane ran nearly all of', () => {
    const { a, clock } = account();
    a.offloaded(WORKER_LANE, NaN);
    for (let i = 0; i < 20; i++) {
      clock.wall += 1;
      clock.cpu += 0.1;
      a.offloaded(i % 2 === 0 ? WORKER_LANE : ASYNC_LANE, 0.02);
    }
    expect([a.unseenMs(WORKER_LANE), a.unseenMs(ASYNC_LANE)]).toEqual([0, 0]);
  });
});

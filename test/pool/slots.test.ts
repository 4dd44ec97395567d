// The shared control words' counters (slots.ts): what workers publish for
// auto at the end of each task, read on the main thread at every choice.
import { describe, expect, it } from 'vitest';
import { Slots } from '../../src/pool/dispatch/slots.js';
import { addonOrSkip } from '../fixtures/native.js';

const addon = addonOrSkip();

describe('Slots counters', () => {
  it('average the arrivals workers published since the last read, and count the tasks that ended unread', () => {
    const s = new Slots(4);
    const a = s.countCall();
    s.countCall();
    s.countCall(); // two calls arrive while task a is out
    const b = s.countCall();
    Slots.finished(s.words, a); // as a worker does at the end of a: 3 calls came after it
    Slots.finished(s.words, b); // and of b: none
    expect(s.endedUnread).toBe(2);
    expect(s.takeArrivals()).toBe(1.5);
    expect(s.arrivalsTaken).toBe(2);
    expect(s.takeArrivals()).toBe(-1); // nothing finished since
    s.answersRead(2);
    expect(s.endedUnread).toBe(0);
    const c = s.countCall();
    Slots.finished(s.words, c);
    expect([s.takeArrivals(), s.arrivalsTaken, s.endedUnread]).toEqual([0, 1, 1]);
  });

  it('count across the int32 wrap of the call counter', () => {
    const s = new Slots(2);
    (s as unknown as { calls: number }).calls = 2 ** 31 - 2;
    const a = s.countCall(); // 2^31 - 1
    s.countCall(); // wraps to -2^31
    s.countCall();
    Slots.finished(s.words, a);
    expect(s.takeArrivals()).toBe(2);
  });
});

describe('a libuv task\'s words', () => {
  // Skips only without the addon (CI requires it: HOTPATH_REQUIRE_NATIVE).
  it.skipIf(addon === null)("the addon reports the run's wall and CPU time and when its completion began, on the clock the pool reads", async () => {
    const s = new Slots(2);
    const slot = s.acquire();
    s.untimed(slot);
    expect([s.runUs(slot), s.completionMs(slot), s.runCpuUs(slot)]).toEqual([-1, -1, -1]);
    const events = Uint32Array.from({ length: 200_000 }, (_, i) => i % 1000);
    const t0 = performance.now();
    await addon!.toplistAsync(events, 3, Slots.asyncFlag(s.words, slot));
    const elapsed = performance.now() - t0;
    expect(s.runUs(slot)).toBeGreaterThanOrEqual(0);
    expect(s.runUs(slot) / 1000).toBeLessThanOrEqual(elapsed);
    // The run's CPU time on libuv's thread, which auto learns from: some,
    // and no more than its wall time (1 us of rounding apart).
    expect(s.runCpuUs(slot)).toBeGreaterThan(0);
    expect(s.runCpuUs(slot)).toBeLessThanOrEqual(s.runUs(slot) + 1);
    // The completion began after the run, on the same monotonic clock: a
    // difference between 0 and the whole call (a clock mismatch would give
    // a number near 2^31 us or below 0).
    const done = s.completionMs(slot);
    expect(done).toBeGreaterThanOrEqual(0);
    expect(done).toBeLessThanOrEqual(elapsed);
  });
});

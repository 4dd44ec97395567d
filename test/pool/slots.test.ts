// The shared control words' counters (slots.ts): what workers publish for
// auto at the end of each task, read on the main thread at every choice.
import { describe, expect, it } from 'vitest';
import { Slots } from '../../src/pool/slots.js';

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

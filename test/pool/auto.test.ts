// The auto placement: starts in a worker (never blocks the loop on a guess),
// learns run time per kernel, implementation and size, runs small inputs
// inline and large ones in workers, explores now and then, and counts what it
// chose.
import { afterEach, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../src/pool/pool.js';
import { addonOrSkip } from '../fixtures/native.js';

const hasNative = addonOrSkip() !== null;
let pool: Pool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const events = (n: number) => Uint32Array.from({ length: n }, (_, i) => (i * 2654435761) % 5000);

describe('auto placement', () => {
  it('is the default, starts in a worker, then runs tiny inputs inline and large ones in a worker', async () => {
    pool = await createPool({ threads: 1 });
    const p = pool;
    const first = await p.run('toplist', { events: events(200), k: 3 });
    expect(first.placement).toBe(hasNative ? 'native-worker' : 'ts-worker');
    // Teach it two sizes (a few runs each, in whatever placement it picks).
    for (let i = 0; i < 6; i++) {
      await p.run('toplist', { events: events(200), k: 3 });
      await p.run('toplist', { events: events(2_000_000), k: 3 });
    }
    const small = await p.run('toplist', { events: events(200), k: 3 });
    const large = await p.run('toplist', { events: events(2_000_000), k: 3 });
    expect(small.placement).toBe(hasNative ? 'native-inline' : 'ts-inline');
    // 2M events take several ms even natively: over the 1 ms inline budget.
    expect(large.placement.endsWith('inline')).toBe(false);
    expect(large.choice!.expectedMs[large.placement]).toBeLessThan(Infinity);
    expect(small.choice!.expectedMs[small.placement]!).toBeLessThanOrEqual(1);
    const counts = p.stats().auto.toplist;
    expect(Object.values(counts).reduce((a, b) => a + (b ?? 0), 0)).toBe(15);
  });

  it('never runs inline when the budget is 0, and explores the other placements every 32nd call', async () => {
    pool = await createPool({ threads: 1, inlineBudgetMs: 0 });
    const seen = new Set<string>();
    let explored = 0;
    for (let i = 0; i < 70; i++) {
      const r = await pool.run('toplist', { events: events(100), k: 2 });
      seen.add(r.placement);
      if (r.choice!.explored) explored++;
    }
    expect([...seen].some((p) => p.endsWith('inline'))).toBe(false);
    // With the addon there are three worker-side candidates to explore
    // (native-worker, ts-worker, native-async); without it only ts-worker.
    expect(explored).toBe(hasNative ? 2 : 0);
    expect(seen.size).toBe(hasNative ? 3 : 1);
  });

  it('results of auto equal the direct call', async () => {
    pool = await createPool({ threads: 1 });
    const ev = events(5000);
    for (let i = 0; i < 5; i++) {
      const r = await pool.run('toplist', { events: ev.slice(), k: 4 });
      expect(r.items).toEqual((await pool.run('toplist', { events: ev.slice(), k: 4 }, { placement: 'ts-inline' })).items);
    }
  });
});

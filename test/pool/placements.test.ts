// Every placement x kernel gives the direct call's result, says where it ran,
// and reports its timing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCatalog } from '../../src/catalog/synthetic.js';
import { fingerprint } from '../../src/kernels/fingerprint/index.js';
import { topk } from '../../src/kernels/topk/index.js';
import { toplist } from '../../src/kernels/toplist/index.js';
import { createPool, type Pool } from '../../src/pool/pool.js';
import { libuvThreads } from '../../src/pool/dispatch/lane.js';
import { PLACEMENTS, type TaskTrace } from '../../src/pool/types.js';
import { addonOrSkip } from '../fixtures/native.js';

// Native-only cases skip only without the addon, which CI forbids (HOTPATH_REQUIRE_NATIVE=1 makes addonOrSkip throw).
const hasNative = addonOrSkip() !== null;
const catalog = syntheticCatalog({ items: 5_000, dims: 32, seed: 9 });
let pool: Pool;

beforeAll(async () => {
  pool = await createPool({ catalog, threads: 2 });
});
afterAll(() => pool.close());

function samplesOf(seconds: number): Float32Array {
  return Float32Array.from({ length: 16_000 * seconds }, (_, i) => 0.4 * Math.sin(i * 0.11) + 0.3 * Math.sin(i * 0.023 * (1 + (i % 4000) / 8000)));
}

describe.each(PLACEMENTS)('placement %s', (placement) => {
  // auto runs native when the addon loaded (native and TS agree on these inputs anyway).
  const impl = placement.startsWith('native') || (placement === 'auto' && hasNative) ? 'native' : 'ts';
  const expected = placement.startsWith('native') && !hasNative ? placement.replace('native', 'ts').replace('ts-async', 'ts-worker') : placement;

  it('topk equals the direct call', async () => {
    const vector = catalog.data.slice(32 * 4, 32 * 5);
    const want = topk({ catalog, vector, k: 7, exclude: [4] }, { impl });
    const got = await pool.run('topk', { vector: vector.slice(), k: 7, exclude: [4] }, { placement });
    expect(got.items).toEqual(want.items);
    if (placement === 'auto') {
      expect(PLACEMENTS).toContain(got.placement);
      expect(got.placement).not.toBe('auto');
      expect(got.choice?.placement).toBe(got.placement);
    } else {
      expect(got.placement).toBe(expected);
      expect(got.fallback).toBe(expected !== placement);
    }
    expect(got.timing.runMs).toBeGreaterThan(0);
    expect(got.timing.waitMs).toBeGreaterThanOrEqual(0);
  });

  it('toplist equals the direct call', async () => {
    const events = Uint32Array.from({ length: 20_000 }, (_, i) => (i * i) % 977);
    const want = toplist({ events, k: 12 }, { impl });
    const got = await pool.run('toplist', { events: events.slice(), k: 12 }, { placement });
    expect(got.items).toEqual(want.items);
  });

  it('fingerprint equals the direct call', async () => {
    const samples = samplesOf(2);
    const want = fingerprint({ samples, sampleRate: 16_000 }, { impl });
    const got = await pool.run('fingerprint', { samples: samples.slice(), sampleRate: 16_000 }, { placement });
    expect(want.hashes.length).toBeGreaterThan(0);
    expect(got.hashes).toEqual(want.hashes);
    expect(got.frames).toBe(want.frames);
  });

  it('bad input rejects with the same code as a direct call', async () => {
    await expect(pool.run('topk', { vector: [1, 2], k: 3 }, { placement })).rejects.toMatchObject({ code: 'HP_ERR_DIMENSION_MISMATCH' });
    await expect(pool.run('toplist', { events: [1], k: 0 }, { placement })).rejects.toMatchObject({ code: 'HP_ERR_INVALID_K' });
  });
});

describe('pool inputs', () => {
  it('moves a large typed array by default, copies it with transfer: false, and copies small ones', async () => {
    const big = () => Uint32Array.from({ length: 8192 }, (_, i) => (i < 3 ? 5 : 1000 + i)); // 32 KiB
    const kept = big();
    await pool.run('toplist', { events: kept, k: 1 }, { placement: 'ts-worker', transfer: false });
    expect(kept.length).toBe(8192);
    const moved = big();
    const res = await pool.run('toplist', { events: moved, k: 1 }, { placement: 'ts-worker' });
    expect(res.items).toEqual([{ id: 5, count: 3 }]);
    expect(moved.length).toBe(0); // detached: it was transferred, not cloned
    const small = new Uint32Array([5, 5, 6]); // below 16 KiB a copy is as cheap as a move
    expect((await pool.run('toplist', { events: small, k: 1 }, { placement: 'ts-worker' })).items).toEqual([{ id: 5, count: 2 }]);
    expect(small.length).toBe(3);
  });

  it('copies only the bytes of a view into a larger buffer, leaving the buffer alone', async () => {
    const big = new Uint32Array(1 << 20).fill(9);
    const view = big.subarray(10, 14);
    const res = await pool.run('toplist', { events: view, k: 1 }, { placement: 'native-worker' });
    expect(res.items).toEqual([{ id: 9, count: 4 }]);
    expect(big.length).toBe(1 << 20);
  });

  it('refuses unknown kernels, placements and a pool without a catalog with codes', async () => {
    await expect(pool.run('nope' as never, {} as never)).rejects.toMatchObject({ code: 'HP_ERR_UNKNOWN_KERNEL' });
    await expect(pool.run('echo', 1, { placement: 'gpu' as never })).rejects.toMatchObject({ code: 'HP_ERR_INVALID_PLACEMENT' });
    const bare = await createPool({ threads: 1 });
    await expect(bare.run('topk', { vector: [1] })).rejects.toMatchObject({ code: 'HP_ERR_INVALID_ARGUMENT' });
    await bare.close();
  });

  it('counts outcomes and timings per kernel and placement', async () => {
    const before = pool.stats().kernels.find((k) => k.kernel === 'echo' && k.placement === 'ts-worker')?.outcomes.ok ?? 0;
    await Promise.all([1, 2, 3].map((v) => pool.run('echo', v, { placement: 'ts-worker' })));
    const s = pool.stats();
    const echo = s.kernels.find((k) => k.kernel === 'echo' && k.placement === 'ts-worker')!;
    expect(echo.outcomes.ok - before).toBe(3);
    expect(echo.run.count).toBeGreaterThanOrEqual(3);
    expect(s.utilization).toBeGreaterThan(0);
    expect(s.utilization).toBeLessThanOrEqual(1);
    expect([s.queueDepth, s.inFlight, s.threads]).toEqual([0, 0, 2]);
  });

  it.each(PLACEMENTS)('traces where a task\'s time went (%s), in order, across threads', async (placement) => {
    const traces: TaskTrace[] = [];
    const stop = pool.traceTasks((t) => traces.push(t));
    await pool.run('spin', { us: 3000 }, { placement });
    stop();
    await pool.run('echo', 'untraced', { placement: 'ts-worker' });
    expect(traces).toHaveLength(1);
    const t = traces[0];
    expect([t.kernel, t.outcome]).toEqual(['spin', 'ok']);
    // Worker clocks (timeOrigin + now) agree with the main thread's to well under 1 ms.
    const order = [t.calledAt, t.enqueuedAt, t.dispatchedAt, t.startedAt, t.endedAt, t.settledAt];
    for (let i = 1; i < order.length; i++) expect(order[i]).toBeGreaterThanOrEqual(order[i - 1] - 1);
    expect(t.endedAt - t.startedAt).toBeGreaterThanOrEqual(3);
  });
});

describe('native-async timing', () => {
  it.skipIf(!hasNative)('is the kernel\'s own run time on libuv\'s thread, not the wait for the event loop', async () => {
    // Skips only without the addon (CI requires it: HOTPATH_REQUIRE_NATIVE).
    const events = Uint32Array.from({ length: 100_000 }, (_, i) => (i * 2654435761) % 10_000);
    const pending = pool.run('toplist', { events, k: 5 }, { placement: 'native-async' });
    // Hold the event loop well past the kernel's run (about 0.1 ms here,
    // a few ms under ASan): the completion waits for it.
    const t0 = performance.now();
    while (performance.now() - t0 < 100);
    const r = await pending;
    expect(r.placement).toBe('native-async');
    expect(r.timing.runMs).toBeGreaterThan(0);
    expect(r.timing.runMs).toBeLessThan(50);
  });
});

describe('native-async width', () => {
  it('reads libuv\'s pool size from UV_THREADPOOL_SIZE (default 4, at most 1024)', () => {
    expect([libuvThreads({}), libuvThreads({ UV_THREADPOOL_SIZE: '8' }), libuvThreads({ UV_THREADPOOL_SIZE: '0' }), libuvThreads({ UV_THREADPOOL_SIZE: 'x' }), libuvThreads({ UV_THREADPOOL_SIZE: '5000' })])
      .toEqual([4, 8, 4, 4, 1024]);
  });

  it.skipIf(!hasNative)('hands libuv no more tasks than its threads: the rest wait in the pool\'s queue', async () => {
    // Skips only without the addon (CI requires it: HOTPATH_REQUIRE_NATIVE).
    const wide = await createPool({ threads: 6 });
    try {
      const events = Uint32Array.from({ length: 1000 }, (_, i) => i % 10);
      const runs = Array.from({ length: 6 }, () => wide.run('toplist', { events, k: 3 }, { placement: 'native-async' }));
      const width = Math.min(6, libuvThreads());
      // Read at once: run() hands a task to libuv synchronously when a place is free.
      expect([wide.stats().inFlight, wide.stats().queueDepth]).toEqual([width, 6 - width]);
      expect((await Promise.all(runs)).every((r) => r.items[0].count === 100)).toBe(true);
    } finally {
      await wide.close();
    }
  });
});

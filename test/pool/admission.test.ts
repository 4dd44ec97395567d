// Back-pressure and deadlines: refused at once with their codes, before the
// task takes a slot; close() finishes what was accepted and refuses the rest.
import { afterEach, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../src/pool/pool.js';
import { nextStart, rejection, faultWorker } from '../fixtures/pool.js';

let pool: Pool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('back-pressure', () => {
  it('rejects past maxQueue at once with HP_ERR_QUEUE_FULL, and the accepted ones complete', async () => {
    // tasksPerWorker 1: a task is handed only to an idle worker, so the queue counts are exact.
    pool = await createPool({ threads: 1, tasksPerWorker: 1, maxQueue: 2, ...faultWorker });
    const p = pool;
    const ac = new AbortController();
    const started = nextStart('spin');
    const running = p.run('spin', { us: 5_000_000 }, { placement: 'ts-worker', signal: ac.signal });
    await started;
    const queued = [p.run('echo', 'a', { placement: 'ts-worker' }), p.run('echo', 'b', { placement: 'ts-worker' })];
    const over = p.run('echo', 'c', { placement: 'ts-worker' });
    const r = await rejection(over);
    expect(r.code).toBe('HP_ERR_QUEUE_FULL');
    expect(r.err.status).toBe(503);
    expect(p.stats().queueDepth).toBe(2); // the refused task never took a place
    ac.abort();
    await rejection(running);
    expect((await Promise.all(queued)).map((x) => x.value)).toEqual(['a', 'b']);
    const echo = p.stats().kernels.find((k) => k.kernel === 'echo')!;
    expect([echo.outcomes.ok, echo.outcomes.rejected]).toEqual([2, 1]);
  });

  it('inline placements are never queued', async () => {
    pool = await createPool({ threads: 1, tasksPerWorker: 1, maxQueue: 0, ...faultWorker });
    const ac = new AbortController();
    const started = nextStart('spin');
    const running = pool.run('spin', { us: 5_000_000 }, { placement: 'ts-worker', signal: ac.signal });
    await started;
    expect((await pool.run('echo', 'inline', { placement: 'ts-inline' })).value).toBe('inline');
    expect((await rejection(pool.run('echo', 'x', { placement: 'ts-worker' }))).code).toBe('HP_ERR_QUEUE_FULL');
    ac.abort();
    await rejection(running);
  });
});

describe('deadlines', () => {
  it('refuses at once a deadline the queue cannot meet (HP_ERR_OVERLOADED), from measured run times', async () => {
    pool = await createPool({ threads: 1, tasksPerWorker: 1, ...faultWorker });
    const p = pool;
    // Teach the pool what a spin of 20 ms costs.
    for (let i = 0; i < 3; i++) await p.run('spin', { us: 20_000 }, { placement: 'ts-worker' });
    const queue = Array.from({ length: 5 }, () => p.run('spin', { us: 20_000 }, { placement: 'ts-worker' }));
    // 5 x 20 ms ahead: a 30 ms deadline cannot be met; it is refused before taking a slot.
    const t0 = performance.now();
    const r = await rejection(p.run('spin', { us: 20_000 }, { placement: 'ts-worker', deadlineMs: 30 }));
    expect(r.code).toBe('HP_ERR_OVERLOADED');
    expect(r.err.status).toBe(503);
    expect(performance.now() - t0).toBeLessThan(50); // at once: the queue ahead is 100 ms
    expect(p.stats().queueDepth).toBe(4);
    // A deadline the queue can meet is accepted and met.
    const ok = await p.run('spin', { us: 1000 }, { placement: 'ts-worker', deadlineMs: 5_000 });
    expect(ok.timing.waitMs).toBeGreaterThan(0);
    await Promise.all(queue);
    const spin = p.stats().kernels.find((k) => k.kernel === 'spin')!;
    expect(spin.outcomes).toEqual({ ok: 9, error: 0, aborted: 0, timeout: 0, rejected: 1 });
  });

  it('a deadline that passes while queued rejects with HP_ERR_DEADLINE without running', async () => {
    pool = await createPool({ threads: 1, ...faultWorker });
    const p = pool;
    const ac = new AbortController();
    const started = nextStart('spin');
    const running = p.run('spin', { us: 5_000_000 }, { placement: 'ts-worker', signal: ac.signal });
    await started;
    // No run-time data for echo yet: admitted optimistically, then times out in the queue.
    const r = await rejection(p.run('echo', 'late', { placement: 'ts-worker', deadlineMs: 20 }));
    expect(r.code).toBe('HP_ERR_DEADLINE');
    expect(p.stats().queueDepth).toBe(0);
    ac.abort();
    await rejection(running);
  });

  it('refuses a deadline that is not a positive number', async () => {
    pool = await createPool({ threads: 1 });
    for (const deadlineMs of [0, -5, Number.NaN, Infinity]) {
      expect((await rejection(pool.run('echo', 1, { placement: 'ts-worker', deadlineMs }))).code).toBe('HP_ERR_INVALID_ARGUMENT');
    }
  });
});

describe('close()', () => {
  it('finishes running and queued tasks, refuses new ones with HP_ERR_POOL_CLOSED, ends the threads', async () => {
    const p = await createPool({ threads: 2, ...faultWorker });
    const started = nextStart('spin', 2);
    const accepted = [1, 2, 3, 4, 5].map((i) => p.run('spin', { us: 30_000 + i }, { placement: 'ts-worker' }));
    await started;
    const closed = p.close();
    const r = await rejection(p.run('echo', 'late'));
    expect(r.code).toBe('HP_ERR_POOL_CLOSED');
    expect((await Promise.all(accepted)).map((x) => x.us)).toEqual([30_001, 30_002, 30_003, 30_004, 30_005]);
    await closed;
    expect(p.close()).toBe(closed); // idempotent
    expect(p.stats().inFlight).toBe(0);
  });
});

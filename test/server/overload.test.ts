// Overload and deadlines over HTTP: queue full and unmeetable deadlines are
// 503 with Retry-After, a deadline passed mid-run is 504 and the task is
// cancelled; all are counted in /metrics. /healthz is not queued behind compute.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../fixtures/wait.js';
import { errorOf, harness, int16Tone, leBytes, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

// A worker placement: 'auto' (the default) runs this small catalog inline, where nothing queues.
const recommend = { method: 'POST' as const, url: '/v1/recommend?placement=native-worker', headers: { 'content-type': 'application/json' }, payload: '{"itemId": 3, "k": 4}' };

/** Occupies the pool's only worker with a busy task until the returned function is called. */
function occupy(hh: Harness, us = 10_000_000): () => Promise<void> {
  const ac = new AbortController();
  const busy = hh.pool.run('spin', { us }, { placement: 'ts-worker', signal: ac.signal }).catch(() => undefined);
  return async () => {
    ac.abort();
    await busy;
  };
}

function counter(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('overload', () => {
  it('queue full: 503 HP_ERR_QUEUE_FULL with Retry-After; /healthz still answers at once; counted as rejected', async () => {
    h = await harness({ maxQueue: 0 });
    const release = occupy(h);
    try {
      const res = await h.app.inject(recommend);
      expect(res.statusCode).toBe(503);
      expect(errorOf(res).code).toBe('HP_ERR_QUEUE_FULL');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      const health = await h.app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
      const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(counter(metrics, 'hotpath_tasks_total', { kernel: 'topk', outcome: 'rejected' })).toBe(1);
      expect(metrics).toMatch(/^hotpath_tasks_in_flight 1$/m);
    } finally {
      await release();
    }
    // The aborted spin settles at once; its worker is free when it has seen its cancel flag.
    await waitFor(() => h!.pool.stats().inFlight === 0, { what: 'the spin\'s worker free' });
    expect((await h.app.inject(recommend)).statusCode).toBe(200);
  });

  it('unmeetable deadline: 503 HP_ERR_OVERLOADED with Retry-After from the expected wait', async () => {
    h = await harness();
    // Teach the pool how long this lane's tasks take (about 200 ms)...
    await h.pool.run('spin', { us: 200_000 }, { placement: 'ts-worker' });
    // ...then keep its only worker busy: a 5 ms deadline cannot be met.
    const release = occupy(h);
    try {
      const res = await h.app.inject({ ...recommend, headers: { ...recommend.headers, 'x-hotpath-deadline-ms': '5' } });
      expect(res.statusCode).toBe(503);
      expect(errorOf(res).code).toBe('HP_ERR_OVERLOADED');
      expect(res.headers['retry-after']).toBe('1');
    } finally {
      await release();
    }
  });

  it('deadline passed mid-run: 504 HP_ERR_DEADLINE, the task is cancelled (no worker replaced), counted as timeout', async () => {
    h = await harness();
    // 120 s of audio at 8 kHz takes the TS fingerprint about 100 ms here: far past a 10 ms deadline.
    const samples = Float32Array.from(int16Tone(8000 * 120, 4), (v) => v / 32768);
    const t0 = performance.now();
    const res = await h.app.inject({
      method: 'POST', url: '/v1/fingerprint?sampleRate=8000&placement=ts-worker',
      headers: { 'content-type': 'application/octet-stream', 'x-hotpath-deadline-ms': '10' }, payload: leBytes(samples),
    });
    expect(res.statusCode).toBe(504);
    expect(errorOf(res).code).toBe('HP_ERR_DEADLINE');
    expect(performance.now() - t0).toBeLessThan(2000);
    // The worker stopped through its cancel flag and takes the next task.
    expect((await h.app.inject(recommend)).statusCode).toBe(200);
    expect(h.pool.stats().restarts).toBe(0);
    const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(counter(metrics, 'hotpath_tasks_total', { kernel: 'fingerprint', placement: 'ts-worker', outcome: 'timeout' })).toBe(1);
    expect(counter(metrics, 'hotpath_tasks_total', { kernel: 'topk', outcome: 'ok' })).toBe(1);
    expect(h.pool.stats().restarts).toBe(0);
  });
});

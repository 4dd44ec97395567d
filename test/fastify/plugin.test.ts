// hotpath/fastify in a fresh Fastify app, as a user embeds it: real Fastify,
// real prom-client, the user kernel fixture (test/fixtures/kernels).
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import hotpath from '../../src/fastify/plugin.js';
import { createPool, type Pool } from '../../src/pool/pool.js';
import { collatz } from '../fixtures/kernels/collatz.mjs';

let app: FastifyInstance | undefined;
let pool: Pool | undefined;
afterEach(async () => {
  await app?.close();
  await pool?.close();
  app = pool = undefined;
});

async function appWith(options: Parameters<typeof createPool>[0], registry = new Registry()): Promise<FastifyInstance> {
  pool = await createPool(options);
  const a = (app = Fastify());
  await a.register(hotpath, { pool, metrics: registry });
  a.post('/collatz', async (request) => {
    const r = await a.hotpath.run(collatz, request.body as { n: number }, { placement: 'ts-worker' });
    return { best: r.best, steps: r.steps, placement: r.placement };
  });
  a.get('/boom', async () => {
    throw new Error('not ours');
  });
  await a.ready();
  return a;
}

describe('hotpath/fastify', () => {
  it('decorates app.hotpath with the pool and answers results', async () => {
    const a = await appWith({ kernels: [collatz], threads: 1 });
    expect(a.hotpath).toBe(pool);
    const res = await a.inject({ method: 'POST', url: '/collatz', payload: { n: 100 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ best: 97, steps: 118, placement: 'ts-worker' });
  });

  it("a KernelError answers with its status and the contract's JSON body", async () => {
    const a = await appWith({ kernels: [collatz], threads: 1 });
    const res = await a.inject({ method: 'POST', url: '/collatz', payload: { n: -3 } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({ error: { code: 'COLLATZ_BAD_N', message: 'n must be an integer in 1..1e8' } });
    const refused = await a.inject({ method: 'POST', url: '/collatz', payload: { n: 5, fail: 'kernel-error' } });
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'COLLATZ_REFUSED']);
  });

  it('a burst past maxQueue gets 503 with Retry-After and the JSON error body', async () => {
    const a = await appWith({ kernels: [collatz], threads: 1, tasksPerWorker: 1, maxBatch: 1, maxQueue: 2 });
    const answers = await Promise.all(Array.from({ length: 12 }, () => a.inject({ method: 'POST', url: '/collatz', payload: { n: 200_000 } })));
    const full = answers.filter((r) => r.statusCode === 503);
    expect(full.length).toBeGreaterThan(0);
    expect(answers.filter((r) => r.statusCode === 200).length).toBeGreaterThanOrEqual(3);
    for (const r of full) {
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(r.json()).toMatchObject({ error: { code: 'HP_ERR_QUEUE_FULL' } });
    }
  });

  it("leaves other errors to the app's own handler", async () => {
    const a = await appWith({ kernels: [collatz], threads: 1 });
    const res = await a.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ statusCode: 500, message: 'not ours' });
  });

  it("puts the pool's metrics, labelled by kernel, in the app's registry", async () => {
    const registry = new Registry();
    const a = await appWith({ kernels: [collatz], threads: 1 }, registry);
    await a.inject({ method: 'POST', url: '/collatz', payload: { n: 100 } });
    const text = await registry.metrics();
    expect(text).toMatch(/hotpath_tasks_total\{kernel="collatz",placement="ts-worker",outcome="ok"\} 1/);
    expect(text).toMatch(/hotpath_task_run_seconds_count\{kernel="collatz",placement="ts-worker"\} 1/);
  });

  it('app.close() drains and closes the pool', async () => {
    const a = await appWith({ kernels: [collatz], threads: 1 });
    const inFlight = a.inject({ method: 'POST', url: '/collatz', payload: { n: 100_000 } });
    // Closed once the task runs in the pool (a request Fastify has not routed yet would get its 503).
    while (pool!.stats().inFlight === 0) await new Promise((r) => setImmediate(r));
    await a.close();
    app = undefined;
    expect((await inFlight).statusCode).toBe(200);
    await expect(pool!.run(collatz, { n: 10 })).rejects.toMatchObject({ code: 'HP_ERR_POOL_CLOSED' });
  });
});

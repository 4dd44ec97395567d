// The remote placement against a real redis-server and a real `hotpath
// worker` process (one thread, so that a worker left busy would show): the
// same results, errors, abort and deadline semantics and stats as a local
// run; typed arrays cross in binary; /metrics and /healthz; SIGTERM drains.
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HotpathError, KernelError } from '../../src/errors.js';
import { createPool, type Pool } from '../../src/pool/pool.js';
import { collatz, ramp } from '../fixtures/kernels/collatz.mjs';
import { waitFor } from '../fixtures/wait.js';
import { describeRedis, jobQueue, startRedis, startWorkerProcess, stopWorkerProcess, type RedisServer, type WorkerProcess } from './redis.js';

/** The error a promise that must reject rejects with. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

const LONG = { n: 90_000_000 }; // minutes of work: only an abort or a deadline ends it

describe('remote placement without remote configured', () => {
  it('is refused with HP_ERR_INVALID_PLACEMENT, and auto never picks it', async () => {
    const pool = await createPool({ kernels: [collatz], threads: 1 });
    try {
      const err = await rejection(pool.run(collatz, { n: 10 }, { placement: 'remote' }));
      expect(err).toBeInstanceOf(HotpathError);
      expect((err as HotpathError).code).toBe('HP_ERR_INVALID_PLACEMENT');
      expect((await pool.run(collatz, { n: 10 })).placement).not.toBe('remote');
    } finally {
      await pool.close();
    }
  });

  it('createPool fails with HP_ERR_REMOTE_UNAVAILABLE when nothing answers at the URL', async () => {
    const err = await rejection(createPool({ kernels: [collatz], threads: 1, remote: { redis: 'redis://127.0.0.1:1', connectTimeoutMs: 300 } }));
    expect((err as HotpathError).code).toBe('HP_ERR_REMOTE_UNAVAILABLE');
  });
});

describeRedis('remote placement (redis-server + hotpath worker)', () => {
  let redis: RedisServer;
  let worker: WorkerProcess | undefined;
  let pool: Pool;
  let jobs: Queue;

  beforeAll(async () => {
    redis = await startRedis();
    worker = await startWorkerProcess(redis.url, ['--threads', '1']);
    pool = await createPool({ kernels: [collatz, ramp], threads: 1, remote: { redis: redis.url } });
    jobs = await jobQueue(redis, 'collatz');
  });

  afterAll(async () => {
    await jobs?.close();
    await pool?.close();
    await stopWorkerProcess(worker);
    await redis?.stop();
  });

  it('answers as a local run does, placement remote', async () => {
    const local = await pool.run(collatz, { n: 20_000 }, { placement: 'ts-worker' });
    const remote = await pool.run(collatz, { n: 20_000 }, { placement: 'remote' });
    expect([remote.best, remote.steps]).toEqual([local.best, local.steps]);
    expect(remote.placement).toBe('remote');
    expect(remote.fallback).toBe(false);
    expect(remote.timing.runMs).toBeGreaterThan(0);
    expect(remote.timing.waitMs).toBeGreaterThanOrEqual(0);
  });

  it('typed arrays cross both ways as typed arrays, inline and through a key', async () => {
    const small = await pool.run(ramp, { length: 10 }, { placement: 'remote' });
    expect(small.values).toEqual(Float64Array.from({ length: 10 }, (_, i) => i));
    const big = await pool.run(ramp, { length: 500_000 }, { placement: 'remote' });
    expect(big.values).toBeInstanceOf(Float64Array);
    expect([big.values.length, big.values[1234], big.values[499_999]]).toEqual([500_000, 1234, 499_999]);
    const input = Float32Array.from({ length: 1 << 20 }, (_, i) => i / 7);
    const echoed = (await pool.run('echo', { v: input, note: 'x' } as never, { placement: 'remote' })) as unknown as { value: { v: Float32Array; note: string } };
    expect(echoed.value.v).toBeInstanceOf(Float32Array);
    expect(Buffer.compare(Buffer.from(echoed.value.v.buffer, echoed.value.v.byteOffset, echoed.value.v.byteLength), Buffer.from(input.buffer))).toBe(0);
    expect(echoed.value.note).toBe('x');
  });

  it('a KernelError keeps its class, code and status; other throws are HP_ERR_KERNEL_FAILED', async () => {
    const err = await rejection(pool.run(collatz, { n: 10, fail: 'kernel-error' } as never, { placement: 'remote' }));
    expect(err).toBeInstanceOf(KernelError);
    expect([(err as KernelError).code, (err as KernelError).status, (err as Error).message]).toEqual(['COLLATZ_REFUSED', 409, 'refused in run']);
    const bug = await rejection(pool.run(collatz, { n: 10, fail: 'type-error' } as never, { placement: 'remote' }));
    expect(bug).toBeInstanceOf(HotpathError);
    expect((bug as HotpathError).code).toBe('HP_ERR_KERNEL_FAILED');
    const notObject = await rejection(pool.run(collatz, { n: 10, fail: 'not-object' } as never, { placement: 'remote' }));
    expect((notObject as HotpathError).code).toBe('HP_ERR_KERNEL_FAILED');
  });

  it('validates on the caller\'s thread: a bad input never reaches Redis', async () => {
    const before = await depthOf('collatz');
    const p = pool.run(collatz, { n: -1 }, { placement: 'remote' });
    const err = await rejection(p);
    expect(err).toBeInstanceOf(KernelError);
    expect((err as KernelError).code).toBe('COLLATZ_BAD_N');
    expect(await depthOf('collatz')).toBe(before);
  });

  it('an abort settles a running task within 500 ms and frees the worker: the next task is served within a second', async () => {
    const ac = new AbortController();
    const long = pool.run(collatz, LONG, { placement: 'remote', signal: ac.signal });
    await waitFor(async () => (await runningOn(worker!)) === 1, { intervalMs: 10, what: 'the job running in the worker\'s pool' });
    const t0 = performance.now();
    ac.abort();
    const err = await rejection(long);
    expect(performance.now() - t0).toBeLessThan(500);
    expect((err as HotpathError).code).toBe('HP_ERR_ABORTED');
    expect((err as Error).name).toBe('AbortError');
    const t1 = performance.now();
    const next = await pool.run(collatz, { n: 1000 }, { placement: 'remote' });
    expect(performance.now() - t1).toBeLessThan(1000);
    expect(next.best).toBe(871);
  });

  it('a deadline gives HP_ERR_DEADLINE (or HP_ERR_OVERLOADED) and stops the run on the worker', async () => {
    const t0 = performance.now();
    const err = await rejection(pool.run(collatz, LONG, { placement: 'remote', deadlineMs: 300 }));
    expect(['HP_ERR_DEADLINE', 'HP_ERR_OVERLOADED']).toContain((err as HotpathError).code);
    expect(performance.now() - t0).toBeLessThan(800);
    const t1 = performance.now();
    await pool.run(collatz, { n: 1000 }, { placement: 'remote' });
    expect(performance.now() - t1).toBeLessThan(1000);
  });

  it('the deadline counts the wait in Redis, and an expired waiting job is removed', async () => {
    const ac = new AbortController();
    const hog = pool.run(collatz, LONG, { placement: 'remote', signal: ac.signal });
    await heldByWorker();
    const t0 = performance.now();
    const err = await rejection(pool.run(collatz, { n: 1000 }, { placement: 'remote', deadlineMs: 250 }));
    expect((err as HotpathError).code).toBe('HP_ERR_DEADLINE');
    expect(performance.now() - t0).toBeLessThan(600);
    // Taken out of the queue, not left for the worker: the caller removes it
    // after the rejection. Left there, it would wait behind the hog (minutes).
    await waitFor(async () => (await depthOf('collatz')) === 0, { timeoutMs: 2000, intervalMs: 10, what: 'the expired job removed from the wait list' });
    ac.abort();
    await rejection(hog);
    await released();
  });

  it('an abort before the job starts removes it from the queue', async () => {
    const ac = new AbortController();
    const hog = pool.run(collatz, LONG, { placement: 'remote', signal: ac.signal });
    await heldByWorker();
    const waiting = new AbortController();
    const queued = pool.run(collatz, { n: 1000 }, { placement: 'remote', signal: waiting.signal });
    await waitFor(async () => (await depthOf('collatz')) === 1, { intervalMs: 10, what: 'the second job waiting in Redis' });
    waiting.abort();
    expect((await rejection(queued) as HotpathError).code).toBe('HP_ERR_ABORTED');
    // Removed after the rejection; left there, it would wait behind the hog (minutes).
    await waitFor(async () => (await depthOf('collatz')) === 0, { timeoutMs: 2000, intervalMs: 10, what: 'the aborted job removed from the wait list' });
    ac.abort();
    await rejection(hog);
    await released();
  });

  it('stats() counts remote tasks by kernel under placement remote', async () => {
    pool.resetStats();
    await pool.run(collatz, { n: 100 }, { placement: 'remote' });
    await rejection(pool.run(collatz, { n: 10, fail: 'kernel-error' } as never, { placement: 'remote' }));
    const entry = pool.stats().kernels.find((k) => k.kernel === 'collatz' && k.placement === 'remote');
    expect(entry?.outcomes).toMatchObject({ ok: 1, error: 1 });
    expect(entry?.run.count).toBe(1);
  });

  it('the worker serves /healthz and /metrics (queue depth, wait and run time, retries, failures per kernel)', async () => {
    const health = await fetch(`http://127.0.0.1:${worker!.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', kernels: expect.arrayContaining(['collatz', 'toplist']) });
    const text = await (await fetch(`http://127.0.0.1:${worker!.port}/metrics`)).text();
    for (const name of ['hotpath_remote_queue_depth{kernel="collatz"}', 'hotpath_remote_job_wait_seconds_count{kernel="collatz"}',
      'hotpath_remote_job_run_seconds_count{kernel="collatz"}', 'hotpath_remote_failures_total{kernel="collatz",code="COLLATZ_REFUSED"}',
      'hotpath_remote_retries_total']) {
      expect(text).toContain(name);
    }
  });

  it('on SIGTERM a worker takes no more jobs, finishes the one it holds, and exits 0', async () => {
    const expected = collatz.run({ n: 300_000 }, { throwIfCancelled() {} } as never);
    const p = pool.run(collatz, { n: 300_000 }, { placement: 'remote' });
    await heldByWorker(); // and runs it: n = 300k takes longer than the signal takes to arrive
    worker!.proc.kill('SIGTERM');
    const r = await p;
    expect([r.best, r.steps]).toEqual([expected.best, expected.steps]);
    expect(await worker!.exited).toBe(0);
    expect(worker!.lines.some((l) => l.includes('"msg":"worker closed"'))).toBe(true);
    worker = undefined;
  });

  /**
   * Resolves once the worker holds a collatz job (BullMQ: active). It runs one
   * at a time (one thread), so a job submitted after this waits in Redis.
   */
  function heldByWorker(): Promise<void> {
    return waitFor(async () => (await jobs.getActiveCount()) === 1, { intervalMs: 5, what: 'a job held by the worker' });
  }

  /** Resolves once the worker holds no job: a hog aborted at the end of a test is gone before the next one counts jobs. */
  function released(): Promise<void> {
    return waitFor(async () => (await jobs.getActiveCount()) === 0, { intervalMs: 5, what: 'the worker holding no job' });
  }

  /** Jobs a worker process runs now: its /healthz `active`, counted from when its pool has the task until it answers. */
  async function runningOn(w: WorkerProcess): Promise<number> {
    return ((await (await fetch(`http://127.0.0.1:${w.port}/healthz`)).json()) as { active: number }).active;
  }

  /** Jobs waiting in the kernel's queue (BullMQ's wait list), read from the worker's /metrics. */
  async function depthOf(kernel: string): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${worker!.port}/metrics`)).text();
    const m = new RegExp(`^hotpath_remote_queue_depth\\{kernel="${kernel}"\\} (\\S+)$`, 'm').exec(text);
    return Number(m?.[1]);
  }
});

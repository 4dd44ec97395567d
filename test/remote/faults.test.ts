// At-least-once under faults, against a real redis-server and real `hotpath
// worker` processes: a worker SIGKILLed mid-job has its job run again on
// another (BullMQ stalled-job recovery, tuned down to a 1 s lock here), and
// every caller gets exactly one answer; Redis restarted or frozen mid-run
// gives each caller its answer or HP_ERR_REMOTE_UNAVAILABLE, never a hang.
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HotpathError } from '../../src/errors.js';
import { createPool, type Pool } from '../../src/pool/pool.js';
import { collatz } from '../fixtures/kernels/collatz.mjs';
import { waitFor } from '../fixtures/wait.js';
import { describeRedis, jobQueue, startRedis, startWorkerProcess, stopWorkerProcess, type RedisServer, type WorkerProcess } from './redis.js';

const FAST_RECOVERY = ['--threads', '1', '--lock-duration-ms', '1000', '--stalled-interval-ms', '500'];

/** Settles with 'hang' when `p` has not settled within `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T | 'hang'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<'hang'>((r) => (timer = setTimeout(() => r('hang'), ms)))]).finally(() => clearTimeout(timer));
}

describeRedis('remote faults', () => {
  let redis: RedisServer;
  const workers: WorkerProcess[] = [];
  let pool: Pool;
  let jobs: Queue;
  const expected = new Map<number, { best: number; steps: number }>();

  beforeAll(async () => {
    redis = await startRedis();
    const [a, b] = await Promise.all([startWorkerProcess(redis.url, FAST_RECOVERY), startWorkerProcess(redis.url, FAST_RECOVERY)]);
    workers.push(a, b);
    pool = await createPool({ kernels: [collatz], threads: 1, remote: { redis: redis.url, healthIntervalMs: 500 } });
    jobs = await jobQueue(redis, 'collatz');
    for (const n of [100_000, 101_000, 102_000]) expected.set(n, collatz.run({ n }, { throwIfCancelled() {} } as never));
  });

  afterAll(async () => {
    await jobs?.close();
    await pool?.close();
    await Promise.all(workers.map((w) => stopWorkerProcess(w)));
    await redis?.stop();
  });

  it('60 tasks on two workers, one SIGKILLed mid-run: 60 of 60 correct, each answered once', async () => {
    const [victim, survivor] = workers;
    pool.resetStats();
    const ns = Array.from({ length: 60 }, (_, i) => 100_000 + (i % 3) * 1000);
    const answers = new Array<number>(60).fill(0);
    const all = Promise.allSettled(ns.map((n, i) => pool.run(collatz, { n }, { placement: 'remote' }).finally(() => answers[i]++)));
    // Kill mid-run and mid-job: some answers are in, more jobs wait, and both
    // workers hold one (one thread each, so the victim holds exactly one).
    await waitFor(async () => answers.filter((a) => a > 0).length >= 10 && (await jobs.getWaitingCount()) >= 10 && (await jobs.getActiveCount()) === 2,
      { timeoutMs: 20_000, intervalMs: 5, what: 'both workers holding a job, 10 answered, 10 waiting' });
    victim.proc.kill('SIGKILL');
    const results = await within(all, 25_000);
    expect(results).not.toBe('hang');
    // A late second answer: once no job is left in Redis (none waiting or
    // held, the killed worker's retaken and finished), nothing can answer
    // again; and a probe's answer comes through the same ordered event stream
    // after any answer sent before it, so all of those have been handled.
    await waitFor(async () => (await jobs.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized')) === 0,
      { intervalMs: 10, what: 'no collatz job left in Redis' });
    await pool.run(collatz, { n: 1000 }, { placement: 'remote' });
    expect(answers).toEqual(new Array(60).fill(1));
    for (const [i, r] of (results as PromiseSettledResult<{ best: number; steps: number }>[]).entries()) {
      expect(r.status, String((r as PromiseRejectedResult).reason)).toBe('fulfilled');
      const v = (r as PromiseFulfilledResult<{ best: number; steps: number }>).value;
      expect([v.best, v.steps]).toEqual([expected.get(ns[i])!.best, expected.get(ns[i])!.steps]);
    }
    expect(pool.stats().kernels.find((k) => k.placement === 'remote')?.outcomes).toMatchObject({ ok: 61, error: 0 }); // and the probe
    // The killed worker's job was retaken: the survivor found it stalled and ran it.
    expect(survivor.lines.some((l) => l.includes('job stalled'))).toBe(true);
    const metrics = await (await fetch(`http://127.0.0.1:${survivor.port}/metrics`)).text();
    expect(metrics).toMatch(/^hotpath_remote_retries_total\{kernel="collatz"\} [1-9]/m);
    await stopWorkerProcess(victim);
    workers.splice(0, 1, await startWorkerProcess(redis.url, FAST_RECOVERY));
  });

  it('Redis restarted mid-run: each caller gets its answer or HP_ERR_REMOTE_UNAVAILABLE, never a hang; then remote works again', async () => {
    const runs = Promise.allSettled(Array.from({ length: 8 }, () => pool.run(collatz, { n: 100_000 }, { placement: 'remote' })));
    // Mid-run: both workers hold a job and the rest wait, all in the Redis
    // about to be replaced by an empty one.
    await waitFor(async () => (await jobs.getActiveCount()) === 2 && (await jobs.getWaitingCount()) >= 1, { intervalMs: 5, what: 'both workers holding a job, more waiting' });
    await redis.restart();
    const results = await within(runs, 5_000);
    expect(results).not.toBe('hang');
    for (const r of results as PromiseSettledResult<unknown>[]) {
      if (r.status === 'rejected') expect((r.reason as HotpathError).code).toBe('HP_ERR_REMOTE_UNAVAILABLE');
    }
    expect((results as PromiseSettledResult<unknown>[]).some((r) => r.status === 'rejected')).toBe(true);
    await expect(servedAgain(10_000)).resolves.toBe(true);
  });

  it('Redis frozen (SIGSTOP): callers get HP_ERR_REMOTE_UNAVAILABLE within about two health intervals; thawed, it works again', async () => {
    redis.proc.kill('SIGSTOP');
    try {
      const t0 = performance.now();
      const got = await within(pool.run(collatz, { n: 1000 }, { placement: 'remote' }).catch((e: HotpathError) => e.code), 5_000);
      expect(got).toBe('HP_ERR_REMOTE_UNAVAILABLE');
      expect(performance.now() - t0).toBeLessThan(1_500);
    } finally {
      redis.proc.kill('SIGCONT');
    }
    await expect(servedAgain(10_000)).resolves.toBe(true);
  });

  /** Retries a small remote task until one is answered (workers and caller reconnect on their own). */
  async function servedAgain(ms: number): Promise<boolean> {
    const served = async () => (await within(pool.run(collatz, { n: 1000 }, { placement: 'remote', deadlineMs: 2_000 }).then(() => true, () => false), 3_000)) === true;
    return waitFor(served, { timeoutMs: ms, intervalMs: 200, what: 'a remote task answered' }).then(() => true, () => false);
  }
});

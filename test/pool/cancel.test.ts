// Cancellation frees the core: an abort stops a running kernel through its
// shared cancel flag within a few ms, the thread is reused (not killed), and
// the process's CPU use drops to idle.
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog } from '../../src/catalog/catalog.js';
import { createPool, type Pool } from '../../src/pool/pool.js';
import type { Placement } from '../../src/pool/types.js';
import { addonOrSkip } from '../fixtures/native.js';
import { idleLoop, nextStart, rejection, faultWorker } from '../fixtures/pool.js';
import { waitFor } from '../fixtures/wait.js';

const hasNative = addonOrSkip() !== null;

// A catalog on which topk runs long with little memory: query [1, 0] scores
// row i as i / N, so every row beats the current k-th best and goes through
// the heap (k = 1e6, log2 k = 20 levels). 8M x 2 floats = 64 MB; about 1 s
// native and 2 s TS on the 2-core dev machine.
const N = 8_000_000;
function risingCatalog() {
  const v = new Float32Array(N * 2);
  for (let i = 0; i < N; i++) {
    const s = i / N;
    v[2 * i] = s;
    v[2 * i + 1] = Math.sqrt(1 - s * s);
  }
  return createCatalog(v, 2);
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ catalog: risingCatalog(), threads: 1, ...faultWorker });
});
afterAll(() => pool.close());

const placements: Placement[] = hasNative ? ['ts-worker', 'native-worker', 'native-async'] : ['ts-worker'];

describe.each(placements)('abort of a running topk (%s)', (placement) => {
  it('rejects within 50 ms, frees the core within 50 ms, and the thread is reused', async () => {
    const restartsBefore = pool.stats().restarts;
    const ac = new AbortController();
    const started = placement === 'native-async' ? Promise.resolve() : nextStart('topk');
    const p = pool.run('topk', { vector: [1, 0], k: 1_000_000 }, { placement, signal: ac.signal });
    await started;
    // Abort mid-scan, not before the kernel polls its flag for the first
    // time (the worker checks it too before the kernel starts, and would hide
    // a kernel that never polls): wait until the process has burned 20 ms of
    // CPU since the start, which only the kernel does while this thread
    // waits. (native-async has no start announcement: this is its start too.)
    const c0 = cpuMs();
    await waitFor(() => cpuMs() - c0 >= 20, { what: 'the kernel burning 20 ms of CPU' });
    expect(pool.stats().inFlight).toBe(1);
    const reason = new Error('client went away');
    const t0 = performance.now();
    ac.abort(reason);
    const { name, code, err } = await rejection(p);
    const rejectMs = performance.now() - t0;
    expect([name, code]).toEqual(['AbortError', 'HP_ERR_ABORTED']);
    expect(err.cause).toBe(reason);
    expect(rejectMs).toBeLessThan(50);

    // Within 50 ms the kernel must notice its flag and return: the task
    // stays in flight until its worker (or libuv's thread) gives it back.
    await waitFor(() => pool.stats().inFlight === 0, { timeoutMs: 50, intervalMs: 1, what: 'the kernel returning after its abort' });
    // Then the process is idle. CPU use is a rate, so this is a measuring
    // window, not a wait for anything: a kernel still burning a core would
    // use about 100 ms of CPU over these 100 ms.
    const c1 = cpuMs();
    await delay(100);
    expect(cpuMs() - c1).toBeLessThan(30);

    // Same threads, nobody restarted, and the next task runs.
    const next = await pool.run('echo', 'after', { placement: 'ts-worker' });
    expect(next.value).toBe('after');
    expect(pool.stats().restarts).toBe(restartsBefore);
    const topkStats = pool.stats().kernels.find((k) => k.kernel === 'topk' && k.placement === placement)!;
    expect(topkStats.outcomes.aborted).toBeGreaterThanOrEqual(1);
  });
});

describe('abort and deadline of queued and finished tasks', () => {
  it('a task handed to a busy worker (tasksPerWorker 2) aborts at once and its kernel never runs', async () => {
    const pool = await createPool({ threads: 1, tasksPerWorker: 2, ...faultWorker });
    // A busy worker gets a second message only behind work estimated short:
    // teach the pool that spin is (the one below runs until aborted). Runs,
    // not one: a cold first run takes milliseconds under ASan.
    for (let i = 0; i < 20; i++) await pool.run('spin', { us: 10 }, { placement: 'ts-worker' });
    // ...and only while the event loop is not saturated, as measured over
    // its last few ms (loop-load.ts). Waiting for a core counts as busy, so
    // with other test files holding both cores a try can land in a busy
    // window: then the echo stays queued, is aborted there, and we try again.
    let tries = 0;
    for (;;) {
      tries++;
      await idleLoop();
      const ac1 = new AbortController();
      const started = nextStart('spin');
      const running = pool.run('spin', { us: 5_000_000 }, { placement: 'ts-worker', signal: ac1.signal });
      await started;
      const ac2 = new AbortController();
      const waiting = pool.run('echo', 'never', { placement: 'ts-worker', signal: ac2.signal });
      // It goes to the busy worker once the current macrotask's submissions are in (dispatch.ts).
      expect(pool.stats().queueDepth).toBe(1);
      await new Promise((resolve) => setImmediate(resolve));
      const handed = pool.stats().inFlight === 2;
      if (handed || tries === 10) expect([pool.stats().inFlight, pool.stats().queueDepth]).toEqual([2, 0]);
      ac2.abort();
      expect((await rejection(waiting)).code).toBe('HP_ERR_ABORTED');
      ac1.abort();
      expect((await rejection(running)).code).toBe('HP_ERR_ABORTED');
      if (handed) break;
    }
    // The waiting echo reached the worker, saw its flag and returned without
    // running: only the second echo has a run time. (It comes back last: one
    // worker answers in order.)
    await pool.run('echo', 'sync', { placement: 'ts-worker' });
    expect(pool.stats().inFlight).toBe(0);
    const echo = pool.stats().kernels.find((k) => k.kernel === 'echo')!;
    expect([echo.run.count, echo.outcomes.ok, echo.outcomes.aborted]).toEqual([1, 1, tries]);
    await pool.close();
  });

  it('a queued task aborts at once without ever starting', async () => {
    const ac1 = new AbortController();
    const running = pool.run('spin', { us: 5_000_000 }, { placement: 'ts-worker', signal: ac1.signal });
    const ac2 = new AbortController();
    const queued = pool.run('echo', 'never', { placement: 'ts-worker', signal: ac2.signal });
    expect(pool.stats().queueDepth).toBe(1);
    ac2.abort();
    expect((await rejection(queued)).code).toBe('HP_ERR_ABORTED');
    expect(pool.stats().queueDepth).toBe(0);
    ac1.abort();
    expect((await rejection(running)).code).toBe('HP_ERR_ABORTED');
  });

  it('an already aborted signal rejects without running', async () => {
    const ac = new AbortController();
    ac.abort('no');
    const { code, err } = await rejection(pool.run('echo', 1, { signal: ac.signal }));
    expect(code).toBe('HP_ERR_ABORTED');
    expect(err.cause).toBe('no');
  });

  it('a deadline that passes mid-run cancels the task with HP_ERR_DEADLINE and frees the worker', async () => {
    const t0 = performance.now();
    const { code } = await rejection(pool.run('spin', { us: 3_000_000 }, { placement: 'ts-worker', deadlineMs: 40 }));
    expect(code).toBe('HP_ERR_DEADLINE');
    expect(performance.now() - t0).toBeLessThan(1000);
    const next = await pool.run('echo', 2, { placement: 'ts-worker' });
    expect(next.value).toBe(2);
  });

  it('aborting after the result arrived changes nothing', async () => {
    const ac = new AbortController();
    const res = await pool.run('echo', 3, { signal: ac.signal, placement: 'ts-worker' });
    ac.abort();
    expect(res.value).toBe(3);
  });
});

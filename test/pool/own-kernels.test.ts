// A user's own kernel (test/fixtures/kernels/collatz.mjs, a plain ES module
// importing hotpath's build as a consumer would) through every placement:
// results, errors with their class and code, cancellation, deadlines, stats.
import { afterEach, describe, expect, it } from 'vitest';
import { HotpathError, KernelError } from '../../src/errors.js';
import { defineKernel } from '../../src/kernels/define.js';
import { createPool, Pool } from '../../src/pool/pool.js';
import { collatz, ramp } from '../fixtures/kernels/collatz.mjs';
import { collatz as twin } from '../fixtures/kernels/twins.mjs';
import { rejection } from '../fixtures/pool.js';

let pool: Pool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const ALL = ['ts-inline', 'native-inline', 'ts-worker', 'native-worker', 'native-async', 'auto'] as const;

describe('own kernels', () => {
  it('run under every placement with the same result; native placements without a native form say so', async () => {
    const p = (pool = await createPool({ kernels: [collatz], threads: 2 }));
    for (const placement of ALL) {
      const r = await p.run(collatz, { n: 10_000 }, { placement });
      expect([r.best, r.steps]).toEqual([6171, 261]);
      if (placement.startsWith('native')) expect(r.fallback).toBe(true);
      expect(r.placement.startsWith('native')).toBe(false);
    }
    const byName = await p.run('collatz', { n: 100 }, { placement: 'ts-worker' });
    expect(byName).toMatchObject({ best: 97, steps: 118 });
    expect(p.kernels).toContain('collatz');
  });

  it('a KernelError from validate, from run inline and from run in a worker keeps its class, code, message and status', async () => {
    const p = (pool = await createPool({ kernels: [collatz], threads: 1 }));
    const bad = await rejection(p.run(collatz, { n: -1 }));
    expect(bad.err).toBeInstanceOf(KernelError);
    expect([bad.code, bad.err.status, bad.err.message]).toEqual(['COLLATZ_BAD_N', 422, 'n must be an integer in 1..1e8']);
    for (const placement of ['ts-inline', 'ts-worker', 'native-async'] as const) {
      const r = await rejection(p.run(collatz, { n: 10, fail: 'kernel-error' }, { placement }));
      expect(r.err, placement).toBeInstanceOf(KernelError);
      expect([r.code, r.err.status, r.err.message]).toEqual(['COLLATZ_REFUSED', 409, 'refused in run']);
    }
  });

  it('any other throw is HP_ERR_KERNEL_FAILED with the original message, never HP_ERR_NATIVE', async () => {
    const p = (pool = await createPool({ kernels: [collatz], threads: 1 }));
    for (const placement of ['ts-inline', 'ts-worker', 'native-worker'] as const) {
      const r = await rejection(p.run(collatz, { n: 10, fail: 'type-error' }, { placement }));
      expect(r.err, placement).toBeInstanceOf(HotpathError);
      expect(r.code).toBe('HP_ERR_KERNEL_FAILED');
      expect(r.err.message).toMatch(/Cannot read properties of null/);
      const notObject = await rejection(p.run(collatz, { n: 10, fail: 'not-object' }, { placement }));
      expect(notObject.code).toBe('HP_ERR_KERNEL_FAILED');
      expect(notObject.err.message).toMatch(/must return an object/);
    }
  });

  it('an abort stops a running task through ctx.throwIfCancelled: the same worker takes the next task, none is replaced', async () => {
    const p = (pool = await createPool({ kernels: [collatz], threads: 1, cancelGraceMs: 5_000 }));
    const ac = new AbortController();
    const long = p.run(collatz, { n: 1e8 }, { placement: 'ts-worker', signal: ac.signal });
    // Aborted once the worker holds it: the task is running, not queued.
    while (p.stats().inFlight === 0 || p.stats().queueDepth > 0) await new Promise((r) => setImmediate(r));
    const t0 = performance.now();
    ac.abort(new Error('enough'));
    const r = await rejection(long);
    expect(r.name).toBe('AbortError');
    const next = await p.run(collatz, { n: 1000 }, { placement: 'ts-worker' });
    // The kernel polls every 65536 starts (a few ms): the worker was free at once.
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(next.best).toBe(871);
    expect(p.stats().restarts).toBe(0);
  });

  it('a deadline on a long run gives HP_ERR_DEADLINE', async () => {
    const p = (pool = await createPool({ kernels: [collatz], threads: 1 }));
    const r = await rejection(p.run(collatz, { n: 1e8 }, { placement: 'ts-worker', deadlineMs: 50 }));
    expect(['HP_ERR_DEADLINE', 'HP_ERR_OVERLOADED']).toContain(r.code);
    expect(r.code).toBe('HP_ERR_DEADLINE');
    expect(p.stats().restarts).toBe(0);
  });

  it('stats name the kernel', async () => {
    const p = (pool = await createPool({ kernels: [collatz], threads: 1 }));
    await p.run(collatz, { n: 100 }, { placement: 'ts-worker' });
    await rejection(p.run(collatz, { n: 0 }, { placement: 'ts-worker' }));
    const mine = p.stats().kernels.filter((k) => k.kernel === 'collatz');
    expect(mine.map((k) => k.outcomes.ok + k.outcomes.error).reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('a result typed array of 16 KiB or more comes back intact', async () => {
    const p = (pool = await createPool({ kernels: [ramp], threads: 1, builtins: false }));
    const r = await p.run(ramp, { length: 4096 }, { placement: 'ts-worker' });
    expect(r.values).toBeInstanceOf(Float64Array);
    expect(r.values.length).toBe(4096);
    expect(r.values[4095]).toBe(4095);
  });
});

describe('createPool checks the kernels it is given', () => {
  it('refuses a duplicate name, a kernel not from defineKernel, and a module that does not export its kernel', async () => {
    await expect(createPool({ kernels: [collatz, twin] })).rejects.toMatchObject({ code: 'HP_ERR_INVALID_KERNEL', message: /two kernels are named collatz/ });
    await expect(createPool({ kernels: [{ name: 'x', url: 'file:///x.js', run: () => ({}) }] as never })).rejects.toMatchObject({ code: 'HP_ERR_INVALID_KERNEL' });
    await import('../fixtures/kernels/not-exported.mjs');
    const hidden = (globalThis as { hotpathHiddenKernel?: unknown }).hotpathHiddenKernel;
    await expect(createPool({ kernels: [hidden] as never })).rejects.toMatchObject({ code: 'HP_ERR_INVALID_KERNEL', message: /exports no kernel named hidden/ });
  });

  it('refuses a malformed definition at defineKernel, and a name hotpath uses', async () => {
    expect(() => defineKernel({ url: import.meta.url, name: 'Bad Name', run: () => ({}) })).toThrow(expect.objectContaining({ code: 'HP_ERR_INVALID_KERNEL' }));
    expect(() => defineKernel({ url: 'not a url', name: 'ok', run: () => ({}) })).toThrow(/import\.meta\.url/);
    const mine = defineKernel({ url: new URL('../fixtures/kernels/collatz.mjs', import.meta.url), name: 'topk', run: () => ({}) });
    await expect(createPool({ kernels: [mine] })).rejects.toMatchObject({ code: 'HP_ERR_INVALID_KERNEL', message: /builtins: false/ });
  });

  it('leaves the built-ins out on request', async () => {
    const p = (pool = await createPool({ kernels: [collatz], builtins: false, threads: 1 }));
    expect(p.kernels).toEqual(['echo', 'spin', 'collatz']);
    expect((await rejection(p.run('toplist', { events: [1], k: 1 }))).code).toBe('HP_ERR_UNKNOWN_KERNEL');
  });

  it('refuses workerFile (run your code as kernels) and more threads than MAX_THREADS', async () => {
    await expect(createPool({ workerFile: 'piscina-style.js' } as never)).rejects.toMatchObject({ code: 'HP_ERR_INVALID_ARGUMENT', message: /defineKernel/ });
    await expect(createPool({ threads: 1e6 })).rejects.toMatchObject({ code: 'HP_ERR_INVALID_ARGUMENT', message: /1\.\.256/ });
  });
});

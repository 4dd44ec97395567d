// A user kernel with a native twin from its own addon, built here with
// node-gyp against node-addon-api only (test/fixtures/plain-addon: no
// hotpath header, only the calling convention). Every placement runs the
// user's addon; errors, cancellation and deadlines hold as for TS kernels.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KernelError } from '../../src/errors.js';
import { createPool, type Pool } from '../../src/pool/pool.js';
import type { sumTo as SumTo, sumToUnchecked as SumToUnchecked } from '../fixtures/plain-addon/kernel.mjs';
import { rejection } from '../fixtures/pool.js';

const dir = fileURLToPath(new URL('../fixtures/plain-addon/', import.meta.url));
let sumTo: typeof SumTo;
let sumToUnchecked: typeof SumToUnchecked;
let pool: Pool | undefined;

beforeAll(async () => {
  // npm exec passes npm's config (nodedir: Node's headers, no download) to node-gyp.
  execFileSync('npm', ['exec', '--', 'node-gyp', 'rebuild', '-C', dir], { stdio: 'pipe' });
  ({ sumTo, sumToUnchecked } = await import('../fixtures/plain-addon/kernel.mjs'));
}, 120_000);

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const ALL = ['ts-inline', 'native-inline', 'ts-worker', 'native-worker', 'native-async', 'auto'] as const;

/** Resolves once the pool holds a running task (the worker or libuv has it). */
async function running(p: Pool): Promise<void> {
  while (p.stats().inFlight === 0 || p.stats().queueDepth > 0) await new Promise((r) => setImmediate(r));
}

describe("a user's native kernel", () => {
  it('gives identical results on every placement, and native placements run the addon', async () => {
    const p = (pool = await createPool({ kernels: [sumTo], threads: 2 }));
    const want = (1e6 * (1e6 - 1)) / 2;
    for (const placement of ALL) {
      const r = await p.run(sumTo, { n: 1e6 }, { placement });
      expect(r.sum, placement).toBe(want);
      expect(r.fallback, placement).toBe(false);
      if (placement.startsWith('native')) expect(r.placement).toBe(placement);
    }
  });

  it('a coded Error thrown inside the native function arrives as a KernelError, sync and async', async () => {
    const p = (pool = await createPool({ kernels: [sumToUnchecked], threads: 1 }));
    for (const placement of ['native-inline', 'native-worker', 'native-async'] as const) {
      const r = await rejection(p.run(sumToUnchecked, { n: -1 }, { placement }));
      expect(r.err, placement).toBeInstanceOf(KernelError);
      expect([r.code, r.err.status]).toEqual(['PLAIN_BAD_N', 422]);
    }
  });

  it('an abort settles at once and frees the core through the cancel flag: the same worker takes the next task', async () => {
    const p = (pool = await createPool({ kernels: [sumTo], threads: 1, cancelGraceMs: 10_000 }));
    for (const placement of ['native-worker', 'native-async', 'ts-worker'] as const) {
      const ac = new AbortController();
      const long = p.run(sumTo, { n: 2 ** 31 - 1 }, { placement, signal: ac.signal });
      await running(p);
      const t0 = performance.now();
      ac.abort();
      expect((await rejection(long)).name).toBe('AbortError');
      expect(performance.now() - t0, placement).toBeLessThan(100);
      // The next task is not stuck behind the aborted one: its kernel stopped.
      const next = await p.run(sumTo, { n: 1000 }, { placement });
      // The whole run takes 2.5 s natively here: 250 ms means it stopped.
      expect(performance.now() - t0, placement).toBeLessThan(250);
      expect(next.sum).toBe(499_500);
    }
    expect(p.stats().restarts).toBe(0);
  });

  it('a deadline on a long native run gives HP_ERR_DEADLINE, and the worker is not replaced', async () => {
    const p = (pool = await createPool({ kernels: [sumTo], threads: 1 }));
    const r = await rejection(p.run(sumTo, { n: 2 ** 31 - 1 }, { placement: 'native-worker', deadlineMs: 30 }));
    expect(r.code).toBe('HP_ERR_DEADLINE');
    expect(p.stats().restarts).toBe(0);
    expect(p.stats().kernels.some((k) => k.kernel === 'sum-to' && k.outcomes.timeout === 1)).toBe(true);
  });

  it("hotpath profile puts the addon's time on the user's kernel", () => {
    const out = mkdtempSync(join(tmpdir(), 'hotpath-profile-'));
    const input = join(out, 'input.json');
    writeFileSync(input, JSON.stringify({ n: 3e8 }));
    const cli = fileURLToPath(new URL('../../dist/src/cli/hotpath.js', import.meta.url));
    execFileSync(process.execPath, [cli, 'profile', '--kernels', join(dir, 'kernel.mjs'), '--kernel', 'sum-to', '--input', input,
      '--placement', 'native-worker', '--duration-ms', '1500', '--threads', '1', '--out', out], { stdio: 'pipe' });
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { workers: { native: { ms: Record<string, number>; busyShare: number } } };
    expect(Object.keys(summary.workers.native.ms)).toEqual(['sum-to']);
    // The worker does nothing but the native loop: nearly all its busy time.
    expect(summary.workers.native.busyShare).toBeGreaterThan(0.5);
  }, 60_000);

  it('hotpath bench --kernels runs its native rows natively, beside Piscina on the same kernel', () => {
    const out = mkdtempSync(join(tmpdir(), 'hotpath-bench-'));
    const input = join(out, 'input.json');
    writeFileSync(input, JSON.stringify({ n: 100_000 }));
    const cli = fileURLToPath(new URL('../../dist/src/cli/hotpath.js', import.meta.url));
    const stdout = execFileSync(process.execPath, [cli, 'bench', '--kernels', join(dir, 'kernel.mjs'), '--kernel', 'sum-to', '--input', input,
      '--threads', '1', '--smoke', '--json'], { encoding: 'utf8' });
    const report = JSON.parse(stdout) as { kernel: string; native: string; rows: { case: string; calls: number; fallback: boolean; ran: Record<string, number>; sameAsTsInline: boolean | null }[] };
    expect(report).toMatchObject({ kernel: 'sum-to', native: 'loaded' });
    expect(new Set(report.rows.map((r) => r.case))).toEqual(new Set(['ts-inline', 'native-inline', 'ts-worker', 'native-worker', 'native-async', 'auto', 'piscina']));
    for (const r of report.rows) {
      expect(r.calls, r.case).toBeGreaterThan(0);
      expect(r.sameAsTsInline, r.case).toBe(true);
      if (r.case.startsWith('native')) {
        expect(r.fallback, r.case).toBe(false);
        expect(Object.keys(r.ran), r.case).toEqual([r.case]);
      }
    }
  }, 60_000);
});

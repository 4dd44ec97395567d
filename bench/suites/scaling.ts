// Suite `scaling`: topk throughput through the pool at 1, 2, ... up to the
// core count worker threads, native-worker and ts-worker, with threads x 4
// tasks in flight; efficiency per thread = ops/s(n) / (n x ops/s(1)), taken
// round by round (both sampled in the same round) so a neighbour's burst
// does not pass for a scaling limit. On 2 cores the event loop shares a
// core with a worker at n = 2, so efficiency below 1 there is expected.
import { availableParallelism } from 'node:os';
import { createPool, type Pool } from '../../src/pool/pool.js';
import { drive } from '../lib/drive.js';
import type { CaseResult, SuiteOutcome } from '../lib/results.js';
import { benchCatalog } from '../lib/sizes.js';
import { metric, noisy } from '../lib/stats.js';
import type { Suite, SuiteContext } from '../lib/suite.js';

const PLACEMENTS = ['native-worker', 'ts-worker'] as const;

async function run(ctx: SuiteContext): Promise<SuiteOutcome> {
  const { windowMs, items } = ctx.profile.scaling;
  const rounds = ctx.profile.rounds;
  const cores = availableParallelism();
  const counts = Array.from({ length: cores }, (_, i) => i + 1);
  const catalog = benchCatalog(items);
  const vector = catalog.data.slice(0, catalog.dims);
  const pools = new Map<number, Pool>();
  try {
    for (const t of counts) pools.set(t, await createPool({ catalog, threads: t }));
    const cases = counts.flatMap((threads) => PLACEMENTS.map((placement) => ({
      threads, placement, samples: [] as number[],
      submit: () => pools.get(threads)!.run('topk', { vector, k: 10 }, { placement, transfer: false }),
    })));
    ctx.progress.begin('scaling', cases.length * (rounds + 1));
    for (const c of cases) {
      await drive(c.submit, c.threads * 4, windowMs / 2);
      ctx.progress.step(`warm-up ${c.placement} x${c.threads}`);
    }
    for (let r = 0; r < rounds; r++) {
      for (const c of cases) {
        const res = await drive(c.submit, c.threads * 4, windowMs);
        c.samples.push(res.opsPerSec);
        ctx.progress.step(`round ${r + 1}/${rounds} ${c.placement} ${c.threads} threads`, `${res.opsPerSec.toFixed(0)} ops/s`);
      }
    }
    const out: CaseResult[] = cases.map((c) => {
      const one = cases.find((o) => o.placement === c.placement && o.threads === 1)!;
      const metrics: CaseResult['metrics'] = {
        'ops/s': metric(c.samples, 'ops/s', 'higher'),
        throughput: metric(c.samples.map((s) => s * items), 'items/s', 'higher'),
        efficiency: metric(c.samples.map((s, i) => s / (c.threads * one.samples[i])), 'x', 'higher'),
      };
      return {
        id: `scaling/topk/${c.placement}/threads-${c.threads}`,
        labels: { kernel: 'topk', placement: c.placement, threads: c.threads, inflight: c.threads * 4 },
        metrics, primary: 'ops/s', noisy: noisy(metrics['ops/s']),
      };
    });
    return { status: 'ok', params: { items, dims: catalog.dims, k: 10, threads: counts, windowMs, rounds }, cases: out, verdicts: [], ratios: [] };
  } finally {
    await Promise.all([...pools.values()].map((p) => p.close()));
  }
}

export const scalingSuite: Suite = { name: 'scaling', title: 'Scaling: topk throughput by worker threads', run };

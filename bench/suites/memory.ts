// Suite `memory`: the process's RSS with 1 and with N pool workers over the
// default catalog (100k x 128 float32, 51 MB), each in a fresh child process
// (bench/workers/memory-probe.ts). The catalog lives in one
// SharedArrayBuffer handed to every worker: N workers must cost N x a
// worker's own heap (about 10-20 MB here), not N x the catalog. The ratio
// "per extra worker / catalog" says which it is.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ratio, type CaseResult, type Ratio, type SuiteOutcome } from '../lib/results.js';
import { metric, noisy } from '../lib/stats.js';
import type { Suite, SuiteContext } from '../lib/suite.js';

const run$ = promisify(execFile);
const probe = fileURLToPath(new URL('../workers/memory-probe.js', import.meta.url));

interface Probe {
  base: number;
  withCatalog: number;
  withPool: number;
  catalogMiB: number;
}

async function measureOnce(items: number, threads: number): Promise<Probe> {
  const { stdout } = await run$(process.execPath, [probe, String(items), String(threads)], { timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Probe;
}

async function run(ctx: SuiteContext): Promise<SuiteOutcome> {
  const { items, workers } = ctx.profile.memory;
  const rounds = ctx.profile.rounds;
  const counts = [1, workers];
  const samples = new Map<number, Probe[]>(counts.map((c) => [c, []]));
  ctx.progress.begin('memory', rounds * counts.length);
  for (let r = 0; r < rounds; r++) {
    for (const c of counts) {
      const p = await measureOnce(items, c);
      samples.get(c)!.push(p);
      ctx.progress.step(`round ${r + 1}/${rounds} ${c} worker(s)`, `${p.withPool.toFixed(0)} MiB`);
    }
  }
  const catalogMiB = samples.get(1)![0].catalogMiB;
  const cases: CaseResult[] = counts.map((c) => {
    const s = samples.get(c)!;
    const metrics: CaseResult['metrics'] = {
      rss: metric(s.map((p) => p.withPool), 'MiB', 'lower'),
      'pool cost': metric(s.map((p) => p.withPool - p.withCatalog), 'MiB', 'lower'),
      'catalog cost': metric(s.map((p) => p.withCatalog - p.base), 'MiB', 'lower'),
    };
    return {
      id: `memory/workers-${c}`,
      labels: { workers: c, catalog: `${items} x 128 (${catalogMiB.toFixed(1)} MiB)` },
      metrics, primary: 'rss', noisy: noisy(metrics.rss),
    };
  });
  // Per extra worker, round by round (same round, same neighbours).
  const one = samples.get(1)!;
  const many = samples.get(workers)!;
  const perWorker = metric(many.map((p, i) => (p.withPool - one[i].withPool) / (workers - 1)), 'MiB', 'lower');
  cases.push({
    id: 'memory/per-extra-worker',
    labels: { workers: `1 -> ${workers}`, catalog: `${items} x 128 (${catalogMiB.toFixed(1)} MiB)` },
    metrics: { 'per extra worker': perWorker }, primary: 'per extra worker', noisy: noisy(perWorker),
  });
  // Shared means a worker costs well under one catalog; a copy would cost at
  // least one. The target holds only where the catalog dwarfs a worker's heap
  // (the default 51 MB one), not for the small catalog of a smoke run.
  const ratios: Ratio[] = [ratio('memory: RSS per extra worker / catalog size', perWorker.median / catalogMiB, items >= 100_000 ? '<= 0.50' : undefined)];
  return { status: 'ok', params: { items, dims: 128, workers: counts, rounds, catalogMiB }, cases, verdicts: [], ratios };
}

export const memorySuite: Suite = { name: 'memory', title: 'Memory: RSS with 1 and N workers over one shared catalog', run };

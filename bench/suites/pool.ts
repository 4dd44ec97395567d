// Suite `pool`: dispatch overhead. Trivial tasks (return the input), the
// smallest real call (toplist of one event: a Uint32Array(1), k 1), a 4 KB
// one (toplist of 1024 events, k 10: the peers run the same TypeScript
// toplist in their workers and return its raw typed arrays) and
// 100 µs busy tasks through hotpath (batched, and with batching off), plain
// Piscina (default and atomics:'async'), tinypool, workerpool, poolifier and
// a raw worker_threads pool: same threads, same tasks in flight; and a lone
// task's round trip (1 in flight). ops/s, round-trip p50/p99 and the event
// loop's CPU per task (its own thread's clock: worker threads not counted).
import { cpuSource } from '../lib/cpu.js';
import { drive, type DriveResult } from '../lib/drive.js';
import { startSystems, type PoolUnderTest } from '../lib/peers.js';
import { ratio, type CaseResult, type Ratio, type SuiteOutcome, type Verdict } from '../lib/results.js';
import { metric, noisy, pickBest } from '../lib/stats.js';
import type { Suite, SuiteContext } from '../lib/suite.js';

export type Workload = 'trivial' | 'toplist 1 event' | 'toplist 4 KB' | 'busy 100us' | 'lone trivial';
export const WORKLOADS: Workload[] = ['trivial', 'toplist 1 event', 'toplist 4 KB', 'busy 100us', 'lone trivial'];
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

let n = 0;
/**
 * One play event; 1024 events (4 KB) over 256 ids. Each call gets its own
 * copy, as each request has its own data: one array shared by every call
 * would be cloned once per batched message (structured clone keeps identity).
 */
const ONE_EVENT = Uint32Array.of(7);
const EVENTS_4KB = Uint32Array.from({ length: 1024 }, (_, i) => Math.imul(i, 2654435761) >>> 24);
function submitter(sys: PoolUnderTest, w: Workload): () => Promise<unknown> {
  switch (w) {
    case 'busy 100us': return () => sys.busy(100);
    case 'toplist 1 event': return () => sys.toplist(ONE_EVENT.slice(), 1);
    case 'toplist 4 KB': return () => sys.toplist(EVENTS_4KB.slice(), 10);
    default: return () => sys.trivial(n++);
  }
}

/** The ratios quoted in issue notes (bench:pool prints them with their targets). */
function poolRatios(get: (w: Workload, name: string) => CaseResult | undefined): Ratio[] {
  const out: Ratio[] = [];
  const m = (w: Workload, name: string, key: string) => get(w, name)?.metrics[key]?.median;
  const add = (name: string, a: number | undefined, b: number | undefined, target?: string) => {
    if (a !== undefined && b !== undefined && b !== 0) out.push(ratio(name, a / b, target));
  };
  for (const w of ['trivial', 'busy 100us'] as const) {
    // The pool's own bookkeeping (no batching) adds at most 10% over plain Piscina.
    add(`${w}: hotpath maxBatch:1 / piscina ops/s`, m(w, 'hotpath maxBatch:1', 'ops/s'), m(w, 'piscina', 'ops/s'), '>= 0.90');
    add(`${w}: hotpath maxBatch:1 / piscina main CPU per task`, m(w, 'hotpath maxBatch:1', 'main CPU/task'), m(w, 'piscina', 'main CPU/task'), '<= 1.10');
    // Batched dispatch against the raw pool and Piscina.
    add(`${w}: hotpath / raw ops/s`, m(w, 'hotpath', 'ops/s'), m(w, 'raw worker_threads', 'ops/s'), w === 'trivial' ? '>= 0.80' : '>= 0.95');
    add(`${w}: hotpath / piscina ops/s`, m(w, 'hotpath', 'ops/s'), m(w, 'piscina', 'ops/s'), w === 'trivial' ? '>= 4' : undefined);
  }
  add('toplist 1 event: hotpath / raw ops/s', m('toplist 1 event', 'hotpath', 'ops/s'), m('toplist 1 event', 'raw worker_threads', 'ops/s'), '>= 1.5');
  add('toplist 1 event: hotpath / piscina ops/s', m('toplist 1 event', 'hotpath', 'ops/s'), m('toplist 1 event', 'piscina', 'ops/s'), '>= 4');
  add('toplist 4 KB: hotpath / raw ops/s', m('toplist 4 KB', 'hotpath', 'ops/s'), m('toplist 4 KB', 'raw worker_threads', 'ops/s'), '>= 1.2');
  add('toplist 4 KB: hotpath / piscina ops/s', m('toplist 4 KB', 'hotpath', 'ops/s'), m('toplist 4 KB', 'piscina', 'ops/s'));
  add('lone trivial: hotpath / piscina p50 round trip', m('lone trivial', 'hotpath', 'p50'), m('lone trivial', 'piscina', 'p50'), '<= 1.00');
  return out;
}

async function run(ctx: SuiteContext): Promise<SuiteOutcome> {
  const { windowMs, warmupMs, inflight, systems: only } = ctx.profile.pool;
  const rounds = ctx.profile.rounds;
  const threads = ctx.threads;
  const depth = (w: Workload) => (w === 'lone trivial' ? 1 : inflight);
  const { systems, missing } = await startSystems(threads, only);
  for (const m of missing) ctx.progress.note(`pool: ${m.name} skipped (${m.reason})`);
  try {
    ctx.progress.begin('pool', WORKLOADS.length * systems.length * (rounds + 1));
    // Warm-up: JIT tiers and the workers' first tasks, so no system pays them
    // inside a measured window (the first one measured would otherwise).
    for (const w of WORKLOADS) {
      for (const sys of systems) {
        await drive(submitter(sys, w), depth(w), warmupMs);
        ctx.progress.step(`warm-up ${w} ${sys.name}`);
      }
    }
    const samples = new Map<string, DriveResult[]>();
    for (let r = 0; r < rounds; r++) {
      for (const w of WORKLOADS) {
        for (const sys of systems) {
          const res = await drive(submitter(sys, w), depth(w), windowMs);
          const key = `${w}|${sys.name}`;
          samples.set(key, [...(samples.get(key) ?? []), res]);
          ctx.progress.step(`round ${r + 1}/${rounds} ${w} ${sys.name}`, `${res.opsPerSec.toFixed(0)} ops/s`);
        }
      }
    }
    const cases: CaseResult[] = [];
    const verdicts: Verdict[] = [];
    for (const w of WORKLOADS) {
      const primary = w === 'lone trivial' ? 'p50' : 'ops/s';
      const entries: { name: string; metric: CaseResult['metrics'][string] }[] = [];
      for (const sys of systems) {
        const s = samples.get(`${w}|${sys.name}`)!;
        const metrics: CaseResult['metrics'] = {
          'ops/s': metric(s.map((x) => x.opsPerSec), 'ops/s', 'higher'),
          p50: metric(s.map((x) => x.p50Us), 'µs', 'lower'),
          p99: metric(s.map((x) => x.p99Us), 'µs', 'lower'),
          'main CPU/task': metric(s.map((x) => x.cpuUsPerOp), 'µs', 'lower'),
        };
        entries.push({ name: sys.name, metric: metrics[primary] });
        cases.push({
          id: `pool/${slug(w)}/${slug(sys.name)}`,
          labels: { workload: w, pool: sys.name, threads, inflight: depth(w) },
          metrics, primary, noisy: noisy(metrics[primary]),
        });
      }
      verdicts.push({ group: `${w}, ${depth(w)} in flight`, metric: primary, ...pickBest(entries) });
    }
    const get = (w: Workload, name: string) => cases.find((c) => c.labels.workload === w && c.labels.pool === name);
    return {
      status: 'ok',
      params: { threads, inflight, windowMs, warmupMs, rounds, cpuClock: cpuSource(), skipped: missing },
      cases, verdicts, ratios: poolRatios(get),
    };
  } finally {
    await Promise.all(systems.map((s) => s.close()));
  }
}

export const poolSuite: Suite = { name: 'pool', title: 'Dispatch overhead: hotpath vs peer pools', run };

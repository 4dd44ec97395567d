// Suite `placements`: each kernel x placement (every entry of PLACEMENTS at
// run time, so a new one such as 'auto' shows up by itself) at a sweep of
// input sizes, with 1 task in flight (latency: what one request waits) and
// with threads x 4 in flight (throughput: what a loaded service gets).
// Marks the best placement per kernel, size and depth, and the best among
// those that keep the event loop's CPU per task within 1 ms, or says it is
// a tie when the spread is too wide to call (stats.ts pickBest). Beside
// auto runs `simple`: auto with the simple rule (src/pool/auto/simple.ts),
// the yardstick auto's machinery must beat.
import { PLANNER } from '../../src/pool/options.js';
import { createPool, type Pool } from '../../src/pool/pool.js';
import { PLACEMENTS } from '../../src/pool/types.js';
import { drive } from '../lib/drive.js';
import { ratio, type CaseResult, type Ratio, type SuiteOutcome, type Verdict } from '../lib/results.js';
import { benchCatalog, poolInput, SIZES, UNIT, BENCH_KERNELS, type BenchKernel, type SizeName } from '../lib/sizes.js';
import { metric, noisy, pickBest } from '../lib/stats.js';
import { checkAuto, type CheckGroup } from './placements-check.js';
import type { Suite, SuiteContext } from '../lib/suite.js';

/** A placement, or `simple`: auto on a pool whose planner is the simple rule. */
type PlacementName = (typeof PLACEMENTS)[number] | 'simple';
const CONTENDERS: readonly PlacementName[] = [...PLACEMENTS, 'simple'];
const CHOOSERS = new Set<string>(['auto', 'simple']);

/**
 * The fastest placement is often inline on a 2-core machine (no dispatch at
 * all), but it blocks the event loop for the whole kernel. The second verdict
 * per group picks among placements that cost the loop at most this much CPU
 * per task: auto's default inlineBudgetMs (1 ms).
 */
export const LOOP_BUDGET_MS = 1;

interface PlacementCase {
  kernel: BenchKernel;
  size: SizeName;
  placement: PlacementName;
  depth: number;
  submit: () => Promise<unknown>;
  /** Where the tasks actually ran ('auto' chooses; a native placement without the addon runs its TS twin). */
  ran: Map<string, number>;
  samples: { opsPerSec: number; p50Us: number; p99Us: number; cpuUsPerOp: number }[];
}

function describeRan(requested: string, ran: Map<string, number>): string {
  const sorted = [...ran.entries()].sort((a, b) => b[1] - a[1]);
  if (sorted.length === 1 && sorted[0][0] === requested) return requested;
  const total = sorted.reduce((n, [, c]) => n + c, 0);
  return sorted.map(([p, c]) => `${p} ${Math.round((c / total) * 100)}%`).join(', ');
}

type Entry = { name: string; metric: CaseResult['metrics'][string] };

const IN_BUDGET = `best fixed within ${LOOP_BUDGET_MS} ms of loop CPU`;

/** The best fixed placement of `entries` by median, if any ran. */
function bestFixed(entries: Entry[], higherIsBetter: boolean): Entry | undefined {
  const fixed = entries.filter((e) => !CHOOSERS.has(e.name) && e.metric.median > 0);
  if (fixed.length === 0) return undefined;
  return fixed.reduce((a, b) => ((higherIsBetter ? b.metric.median > a.metric.median : b.metric.median < a.metric.median) ? b : a));
}

/**
 * How many times worse `auto` did in the sweep than the best fixed placement
 * of its group (median against median; below 1: auto beat them all), and
 * than the best among those within the loop budget. auto's target
 * (<= 1.1) is held to the re-measured ratio (placements-check.ts).
 */
function autoRatios(group: string, all: Entry[], offLoop: Entry[], higherIsBetter: boolean): Ratio[] {
  const auto = all.find((e) => e.name === 'auto')?.metric.median;
  if (auto === undefined || auto <= 0) return [];
  const out: Ratio[] = [];
  for (const [label, entries] of [['best fixed', all], [IN_BUDGET, offLoop]] as const) {
    const best = bestFixed(entries, higherIsBetter);
    if (best === undefined) continue;
    const worse = higherIsBetter ? best.metric.median / auto : auto / best.metric.median;
    out.push(ratio(`${group}: auto vs ${label} (${best.name}), x worse`, worse));
  }
  return out;
}

async function run(ctx: SuiteContext): Promise<SuiteOutcome> {
  const { sizes, windowMs, checkRounds, checkWindowMs } = ctx.profile.placements;
  const rounds = ctx.profile.rounds;
  const depths = [1, ctx.threads * 4];
  // One pool per topk catalog size (the catalog is fixed at pool start);
  // toplist and fingerprint run on the same pool as their size's topk.
  const pools = new Map<SizeName, Pool>();
  const simplePools = new Map<SizeName, Pool>();
  try {
    for (const size of sizes) {
      pools.set(size, await createPool({ catalog: benchCatalog(SIZES.topk[size].units), threads: ctx.threads }));
      simplePools.set(size, await createPool({ catalog: benchCatalog(SIZES.topk[size].units), threads: ctx.threads, [PLANNER]: 'simple' } as never));
    }
    const cases: PlacementCase[] = [];
    for (const kernel of BENCH_KERNELS) {
      for (const size of sizes) {
        const input = poolInput(kernel, size);
        for (const contender of CONTENDERS) {
          const pool = (contender === 'simple' ? simplePools : pools).get(size)!;
          const placement = contender === 'simple' ? 'auto' : contender;
          for (const depth of depths) {
            const ran = new Map<string, number>();
            // transfer: false keeps the cached input usable (the pool copies it, as a
            // service copies a request body); topk's query is 512 bytes.
            const submit = async () => {
              const r = await pool.run(kernel, input as never, { placement, transfer: false } as never) as { placement: string };
              ran.set(r.placement, (ran.get(r.placement) ?? 0) + 1);
            };
            cases.push({ kernel, size, placement: contender, depth, submit, ran, samples: [] });
          }
        }
      }
    }
    ctx.progress.begin('placements', cases.length * (rounds + 1));
    // Warm-up: JIT, first-touch of inputs in each worker, and 'auto' learning its costs.
    for (const c of cases) {
      await drive(c.submit, c.depth, windowMs / 2);
      ctx.progress.step(`warm-up ${c.kernel} ${c.size} ${c.placement}`);
    }
    for (const c of cases) c.ran.clear();
    for (let r = 0; r < rounds; r++) {
      for (const c of cases) {
        // Cases share a pool and interleave depths, so each window starts
        // where another load left the pool: a short run at this case's own
        // depth first lets 'auto' see the load it is measured at (it learns
        // a change of concurrency from its rare explorations, in up to ~100
        // ms while its calls run inline). Every placement gets the same.
        await drive(c.submit, c.depth, windowMs / 4);
        const res = await drive(c.submit, c.depth, windowMs);
        c.samples.push(res);
        ctx.progress.step(`round ${r + 1}/${rounds} ${c.kernel} ${c.size} ${c.placement} x${c.depth}`, `${res.opsPerSec.toFixed(0)} ops/s`);
      }
    }

    const out: CaseResult[] = [];
    const verdicts: Verdict[] = [];
    const ratios: Ratio[] = [];
    const checks: CheckGroup[] = [];
    for (const kernel of BENCH_KERNELS) {
      for (const size of sizes) {
        for (const depth of depths) {
          const members = cases.filter((c) => c.kernel === kernel && c.size === size && c.depth === depth);
          const primary = depth === 1 ? 'p50' : 'ops/s';
          const entries: { name: string; metric: CaseResult['metrics'][string] }[] = [];
          const offLoop: typeof entries = [];
          for (const c of members) {
            const units = SIZES[kernel][size].units;
            const metrics: CaseResult['metrics'] = {
              'ops/s': metric(c.samples.map((s) => s.opsPerSec), 'ops/s', 'higher'),
              throughput: metric(c.samples.map((s) => s.opsPerSec * units), `${UNIT[kernel]}/s`, 'higher'),
              p50: metric(c.samples.map((s) => s.p50Us / 1000), 'ms', 'lower'),
              p99: metric(c.samples.map((s) => s.p99Us / 1000), 'ms', 'lower'),
              'loop CPU/task': metric(c.samples.map((s) => s.cpuUsPerOp / 1000), 'ms', 'lower'),
            };
            entries.push({ name: c.placement, metric: metrics[primary] });
            if (metrics['loop CPU/task'].median <= LOOP_BUDGET_MS) offLoop.push({ name: c.placement, metric: metrics[primary] });
            out.push({
              id: `placements/${kernel}/${size}/${c.placement}/inflight-${depth}`,
              labels: { kernel, size, input: SIZES[kernel][size].label, placement: c.placement, inflight: depth, ran: describeRan(c.placement, c.ran) },
              metrics, primary, noisy: noisy(metrics[primary]),
            });
          }
          const group = `${kernel} ${SIZES[kernel][size].label}, ${depth} in flight`;
          verdicts.push({ group, metric: primary, ...pickBest(entries) });
          verdicts.push({ group: `${group}, within ${LOOP_BUDGET_MS} ms of loop CPU per task`, metric: primary, ...pickBest(offLoop) });
          ratios.push(...autoRatios(group, entries, offLoop, primary === 'ops/s'));
          const yardstick = bestFixed(offLoop, primary === 'ops/s');
          const submitOf = (name: string) => members.find((c) => c.placement === name)!.submit;
          if (yardstick !== undefined) checks.push({ group, fixed: yardstick.name, depth, primary, submitFixed: submitOf(yardstick.name), submitAuto: submitOf('auto'), submitSimple: submitOf('simple') });
        }
      }
    }
    const check = await checkAuto(ctx, checks, checkRounds, checkWindowMs, IN_BUDGET, '<= 1.10');
    return {
      status: 'ok',
      params: { placements: [...CONTENDERS], sizes, depths, threads: ctx.threads, windowMs, rounds, checkRounds, checkWindowMs, checkSamples: check.samples },
      cases: out, verdicts, ratios: [...ratios, ...check.ratios],
    };
  } finally {
    await Promise.all([...pools.values(), ...simplePools.values()].map((p) => p.close()));
  }
}

export const placementsSuite: Suite = { name: 'placements', title: 'Placements: where a task runs, by input size and load', run };

// auto against the best fixed placement of each group and against the simple
// rule, measured again after the sweep (placements.ts) chose that placement:
// fresh, longer windows. Not the sweep's own medians: where placements tie,
// the best of them is the one whose windows ran high (selection bias), and a
// 150 ms window of one fixed placement swung 944-1692 calls/s (fingerprint
// over 5 s at 8 in flight, 2 cores). Each round runs the fixed placement,
// auto, the simple rule and the fixed placement again back to back, the
// order turned every round; a ratio is median against median of these
// windows. The second fixed side is the A/A control, in the same run: how
// far from 1 a ratio can read with nothing changed (0.92-1.17 on 2 cores in
// earlier runs).
import { median } from '../lib/stats.js';
import { drive } from '../lib/drive.js';
import { ratio, type Ratio } from '../lib/results.js';
import type { SuiteContext } from '../lib/suite.js';

export interface CheckGroup {
  /** The group's label, as in the sweep's verdicts. */
  group: string;
  /** The best fixed placement within the loop budget, by the sweep. */
  fixed: string;
  depth: number;
  /** 'p50' at 1 in flight (lower is better), 'ops/s' above. */
  primary: 'p50' | 'ops/s';
  submitFixed: () => Promise<unknown>;
  submitAuto: () => Promise<unknown>;
  /** auto on a pool whose planner is the simple rule. */
  submitSimple: () => Promise<unknown>;
}

/** What each round runs: the fixed placement twice (its A/A control: the check's resolution), auto and the simple rule. */
const SIDES = ['fixed', 'auto', 'simple', 'fixedAgain'] as const;
type Side = (typeof SIDES)[number];

export interface CheckResult {
  ratios: Ratio[];
  /** Per group: each side's windows of the primary metric (what the ratios are medians of). */
  samples: Record<string, Record<Side, number[]>>;
}

/** One window at the group's depth, after a quarter window that lets auto see that load (as in the sweep). */
async function window(submit: () => Promise<unknown>, g: CheckGroup, windowMs: number): Promise<number> {
  await drive(submit, g.depth, windowMs / 4);
  const r = await drive(submit, g.depth, windowMs);
  return g.primary === 'p50' ? r.p50Us / 1000 : r.opsPerSec;
}

/**
 * Runs `rounds` rounds of windows per group (fixed, auto, simple rule, fixed
 * again, the order turned every round) and returns, per group, how many
 * times worse auto did than the fixed placement (target <= `target`), than
 * the simple rule, the simple rule than the fixed placement, and the fixed
 * placement than itself (the A/A control: what a ratio this near 1 means).
 */
export async function checkAuto(ctx: SuiteContext, groups: CheckGroup[], rounds: number, windowMs: number, label: string, target: string): Promise<CheckResult> {
  const samples: CheckResult['samples'] = {};
  for (const g of groups) samples[g.group] = { fixed: [], auto: [], simple: [], fixedAgain: [] };
  ctx.progress.begin('placements: auto re-measured', groups.length * rounds);
  for (let r = 0; r < rounds; r++) {
    for (const g of groups) {
      const s = samples[g.group];
      const submit: Record<Side, () => Promise<unknown>> = { fixed: g.submitFixed, auto: g.submitAuto, simple: g.submitSimple, fixedAgain: g.submitFixed };
      // Turned each round: whichever goes later meets a pool warmed by the
      // others, and the caches they left.
      for (let i = 0; i < SIDES.length; i++) {
        const side = SIDES[(i + r) % SIDES.length];
        s[side].push(await window(submit[side], g, windowMs));
      }
      const last = (side: Side) => s[side].at(-1)!.toFixed(g.primary === 'p50' ? 3 : 0);
      ctx.progress.step(`round ${r + 1}/${rounds} ${g.group}`, `${g.fixed} ${last('fixed')}, auto ${last('auto')}, simple ${last('simple')}`);
    }
  }
  const ratios: Ratio[] = [];
  for (const g of groups) {
    const s = samples[g.group];
    const m = (side: Side) => median(s[side]);
    if (!SIDES.every((side) => m(side) > 0)) continue;
    // x worse: a over b, for latency; b over a, for throughput.
    const worse = (a: Side, b: Side) => (g.primary === 'p50' ? m(a) / m(b) : m(b) / m(a));
    ratios.push(ratio(`${g.group}: auto vs ${label} (${g.fixed}), re-measured, x worse`, worse('auto', 'fixed'), target));
    ratios.push(ratio(`${g.group}: auto vs the simple rule, re-measured, x worse`, worse('auto', 'simple')));
    ratios.push(ratio(`${g.group}: the simple rule vs ${label} (${g.fixed}), re-measured, x worse`, worse('simple', 'fixed')));
    ratios.push(ratio(`${g.group}: A/A, ${g.fixed} vs itself, re-measured`, worse('fixedAgain', 'fixed')));
  }
  return { ratios, samples };
}

// auto against the best fixed placement of each group, measured again after
// the sweep (placements.ts) chose that placement: fresh windows, longer, in
// pairs. Why not the sweep's own medians:
// - Selection bias. The sweep names the best of five placements on the
//   same medians it would hold auto to. Where two or three tie, the best of
//   them is the one whose windows ran high, and auto is compared with that
//   luck. In 8 of the 22 groups of the full run at f403d57 the two best
//   fixed placements were within their own spread.
// - Window noise. A 150 ms window of fingerprint over 5 s at 8 in flight
//   ran 944 to 1692 calls/s for the same fixed placement (native-worker,
//   f403d57, 2 cores): a median of 5 moves by more than the 10% asked.
//   Paired ratios of the sweep's adjacent windows swung as much (0.57-1.53),
//   so the noise is each window's own: only more time per case narrows it.
// Here each pair runs the fixed placement and auto back to back, the order
// swapped every round, and the ratio is median against median of these
// windows alone. Its resolution, by an A/A control (bench/placements-aa.ts,
// one fixed placement on both sides): 0.92-1.06 over 22 groups on 2 cores,
// 0.93-1.10 at 15 threads on 16 cores (the placements-aa.txt of each run).
// One A/A run of three here reached 1.14 (toplist over 100k events at 8 in
// flight), and one at 9de5ed6 0.94-1.17 with 2 groups over 1.1 (fingerprint
// over 5 s at 1 in flight, over 0.25 s at 8): a ratio near 1.1 is within the
// machine's noise.
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
}

export interface CheckResult {
  ratios: Ratio[];
  /** Per group: the windows' primary metric, fixed and auto (what the ratio is the medians of). */
  samples: Record<string, { fixed: number[]; auto: number[] }>;
}

/** One window at the group's depth, after a quarter window that lets auto see that load (as in the sweep). */
async function window(submit: () => Promise<unknown>, g: CheckGroup, windowMs: number): Promise<number> {
  await drive(submit, g.depth, windowMs / 4);
  const r = await drive(submit, g.depth, windowMs);
  return g.primary === 'p50' ? r.p50Us / 1000 : r.opsPerSec;
}

/**
 * Runs `rounds` pairs of windows per group and returns, per group, how
 * many times worse auto did than the fixed placement (target <= `target`).
 */
export async function checkAuto(ctx: SuiteContext, groups: CheckGroup[], rounds: number, windowMs: number, label: string, target: string): Promise<CheckResult> {
  const samples: CheckResult['samples'] = {};
  for (const g of groups) samples[g.group] = { fixed: [], auto: [] };
  ctx.progress.begin('placements: auto re-measured', groups.length * rounds);
  for (let r = 0; r < rounds; r++) {
    for (const g of groups) {
      const s = samples[g.group];
      // Swapped each round: whichever goes second meets a pool warmed by the
      // first, and the caches it left.
      if (r % 2 === 0) {
        s.fixed.push(await window(g.submitFixed, g, windowMs));
        s.auto.push(await window(g.submitAuto, g, windowMs));
      } else {
        s.auto.push(await window(g.submitAuto, g, windowMs));
        s.fixed.push(await window(g.submitFixed, g, windowMs));
      }
      ctx.progress.step(`pair ${r + 1}/${rounds} ${g.group}`, `${g.fixed} ${s.fixed.at(-1)!.toFixed(g.primary === 'p50' ? 3 : 0)}, auto ${s.auto.at(-1)!.toFixed(g.primary === 'p50' ? 3 : 0)}`);
    }
  }
  const ratios: Ratio[] = [];
  for (const g of groups) {
    const s = samples[g.group];
    const fixed = median(s.fixed);
    const auto = median(s.auto);
    if (!(fixed > 0 && auto > 0)) continue;
    const worse = g.primary === 'p50' ? auto / fixed : fixed / auto;
    ratios.push(ratio(`${g.group}: auto vs ${label} (${g.fixed}), re-measured, x worse`, worse, target));
  }
  return { ratios, samples };
}

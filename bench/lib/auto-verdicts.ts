// The placements suite's verdicts on auto, read back from its ratio names
// (so saved runs read too): against the fixed placement it is held to, sweep
// beside re-measured; and against the simple rule, beside the run's A/A.
import type { Ratio, SuiteResult } from './results.js';

/**
 * A sweep figure and its re-measured one further apart than this many times
 * (either way) say the sweep's windows were too noisy to read.
 */
export const SWEEP_NOISY = 1.5;

/** auto against the fixed placement it is held to, in one group of the placements suite. */
export interface AutoCheck {
  group: string;
  /** What auto is compared with, as the ratio names it: 'best fixed within 1 ms of loop CPU'. */
  against: string;
  fixed: string;
  /** How many times worse auto did on the sweep's own medians (placements.ts). */
  sweep?: number;
  /** The same, measured again in fresh pairs of windows (placements-check.ts): the verdict, with its target. */
  remeasured?: Ratio;
  sweepNoisy: boolean;
}

/** auto against the simple rule in one group, with the fixed placement against itself (the A/A control) of the same rounds. */
export interface SimpleCheck {
  group: string;
  fixed?: string;
  /** auto over the simple rule, x worse (below 1: auto did better). */
  autoVsSimple?: number;
  /** The simple rule over the fixed placement, x worse. */
  simpleVsFixed?: number;
  /** The fixed placement's second side over its first: 1 on a quiet machine. */
  aa?: number;
}

const SIMPLE_RATIO = /^(.*): (auto vs the simple rule|the simple rule vs .* \(([^()]+)\)|A\/A, (\S+) vs itself), re-measured(, x worse)?$/;

/** The run's A/A resolution: the furthest any group's fixed placement read from itself (x, at least 1). */
export function aaNoise(checks: SimpleCheck[]): number {
  return checks.reduce((n, c) => (c.aa === undefined ? n : Math.max(n, c.aa, 1 / c.aa)), 1);
}

/** Whether auto beat the simple rule by more than the run's A/A resolution (`noise`), lost by more, or neither. */
export function simpleVerdict(c: SimpleCheck, noise: number): string {
  if (c.autoVsSimple === undefined) return '-';
  return c.autoVsSimple * noise < 1 ? 'auto ahead' : c.autoVsSimple > noise ? 'simple ahead' : 'within noise';
}

/** The placements suite's auto-vs-simple-rule ratios, by group (the rest of `ratios` untouched). */
export function simpleChecks(ratios: Ratio[]): { checks: SimpleCheck[]; other: Ratio[] } {
  const checks = new Map<string, SimpleCheck>();
  const other: Ratio[] = [];
  for (const r of ratios) {
    const m = SIMPLE_RATIO.exec(r.name);
    if (m === null) {
      other.push(r);
      continue;
    }
    const [, group, what, simpleFixed, aaFixed] = m;
    const c = checks.get(group) ?? { group };
    if (what.startsWith('auto')) c.autoVsSimple = r.value;
    else if (what.startsWith('A/A')) {
      c.aa = r.value;
      c.fixed ??= aaFixed;
    } else {
      c.simpleVsFixed = r.value;
      c.fixed ??= simpleFixed;
    }
    checks.set(group, c);
  }
  return { checks: [...checks.values()], other };
}

export function simpleTable(checks: SimpleCheck[]): { intro: string[]; header: string[]; rows: string[][] } {
  const f = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(2));
  const noise = aaNoise(checks);
  return {
    intro: ['auto against the simple rule (auto with src/pool/auto/simple.ts as its planner), re-measured in the same rounds, x worse ' +
      '(below 1: auto did better). A/A: the fixed placement against itself in those rounds, what a ratio reads with nothing changed; ' +
      `this run's resolution is the furthest of them, ${noise.toFixed(2)}x either way: a verdict needs auto / simple beyond it.`],
    header: ['group', 'fixed', 'auto / simple', 'simple / fixed', 'A/A', 'verdict'],
    rows: checks.map((c) => [c.group, c.fixed ?? '-', f(c.autoVsSimple), f(c.simpleVsFixed), f(c.aa), simpleVerdict(c, noise)]),
  };
}

const AUTO_RATIO = /^(.*): auto vs (best fixed.*) \(([^()]+)\)(, re-measured)?, x worse$/;

/**
 * The placements suite's ratios of auto against a fixed placement, each
 * group's sweep figure beside its re-measured one (the names are what pair
 * them, so saved runs pair too). `fastest`: auto against the fastest fixed
 * placement where that is not the one it is held to (sweep only, no target).
 */
export function autoChecks(s: SuiteResult): { checks: AutoCheck[]; fastest: Ratio[]; other: Ratio[] } {
  const checks = new Map<string, AutoCheck>();
  const overall: { group: string; fixed: string; r: Ratio }[] = [];
  const other: Ratio[] = [];
  for (const r of s.ratios) {
    const m = AUTO_RATIO.exec(r.name);
    if (m === null) {
      other.push(r);
      continue;
    }
    const [, group, against, fixed, again] = m;
    if (against === 'best fixed' && again === undefined) {
      overall.push({ group, fixed, r });
      continue;
    }
    const key = `${group}\n${against}\n${fixed}`;
    const c = checks.get(key) ?? { group, against, fixed, sweepNoisy: false };
    if (again === undefined) c.sweep = r.value;
    else c.remeasured = r;
    checks.set(key, c);
  }
  for (const c of checks.values()) {
    if (c.sweep !== undefined && c.remeasured !== undefined) c.sweepNoisy = Math.max(c.sweep / c.remeasured.value, c.remeasured.value / c.sweep) > SWEEP_NOISY;
  }
  const list = [...checks.values()];
  const fastest = overall.filter((o) => !list.some((c) => c.group === o.group && c.fixed === o.fixed)).map((o) => o.r);
  return { checks: list, fastest, other };
}

/** The auto table's parts: a heading, its columns and rows, and a line per disagreement. */
export function autoTable(checks: AutoCheck[]): { intro: string[]; header: string[]; rows: string[][]; notes: string[] } {
  const against = checks[0]?.against ?? 'best fixed';
  const anyAgain = checks.some((c) => c.remeasured !== undefined);
  const intro = [
    `auto against the ${against.replace(/^best fixed/, 'best fixed placement')}, x worse (above 1: auto did worse).`,
    anyAgain
      ? 'The verdict is the re-measured figure (fresh pairs of windows, auto and that placement back to back), the one held to the target; ' +
        `the sweep's is from the sweep's own medians. sweep noisy: the two differ by more than ${SWEEP_NOISY}x.`
      : 'From the sweep\'s own medians: this run re-measured none.',
  ];
  const header = ['group', 'fixed', 'sweep', 're-measured (verdict)', 'target', 'result'];
  const rows = checks.map((c) => [
    c.group, c.fixed, c.sweep === undefined ? '-' : c.sweep.toFixed(2), c.remeasured === undefined ? '-' : c.remeasured.value.toFixed(2),
    c.remeasured?.target ?? '-',
    [c.remeasured?.met === undefined ? '' : c.remeasured.met ? 'ok' : 'MISSED', c.sweepNoisy ? 'sweep noisy' : ''].filter(Boolean).join(', '),
  ]);
  const notes = checks.filter((c) => c.sweepNoisy).map((c) =>
    `sweep noisy: ${c.group}: ${c.sweep!.toFixed(2)} in the sweep against ${c.remeasured!.value.toFixed(2)} re-measured; the re-measured figure is the verdict.`);
  return { intro, header, rows, notes };
}

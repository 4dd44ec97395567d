// hotpath bench --compare OLD/results.json: the change per case between two
// runs, on each case's primary metric. A change is a regression only when
// it is worse, clears both runs' own spread (stats.ts `separated`: medians
// further apart than the wider half-range), and is at least MIN_CHANGE:
// runs on the same machine an hour apart drift 2-4% on quiet cases
// (frequency, neighbours) that a 3-sample spread does not show.
import { describeMachine } from './machine.js';
import { fmt } from './report.js';
import { textTable, wrapLines } from './table.js';
import type { BenchResults, CaseResult } from './results.js';
import { separated, type Metric } from './stats.js';

export const MIN_CHANGE = 0.05;

export type Change = 'regression' | 'improvement' | 'within noise';

export interface CompareRow {
  id: string;
  metric: string;
  unit: string;
  old: number;
  now: number;
  /** now / old - 1, signed: + means the number grew (better or worse depends on the metric). */
  change: number;
  verdict: Change;
}

export interface Comparison {
  rows: CompareRow[];
  onlyOld: string[];
  onlyNew: string[];
  warnings: string[];
}

export function judge(old: Metric, now: Metric): Change {
  const change = now.median / old.median - 1;
  const worse = now.better === 'higher' ? change < 0 : change > 0;
  if (!separated(old, now) || Math.abs(change) < MIN_CHANGE) return 'within noise';
  return worse ? 'regression' : 'improvement';
}

function byId(r: BenchResults): Map<string, CaseResult> {
  return new Map(r.suites.flatMap((s) => s.cases).map((c) => [c.id, c]));
}

export function compareResults(old: BenchResults, now: BenchResults): Comparison {
  const warnings: string[] = [];
  const a = old.machine;
  const b = now.machine;
  if (a.cpu !== b.cpu || a.cores !== b.cores || a.node !== b.node || a.native !== b.native) {
    warnings.push(`different machines: the change includes the machine, not only the code.\n  old: ${describeMachine(a)}\n  new: ${describeMachine(b)}`);
  }
  if (old.params.profile !== now.params.profile) {
    warnings.push(`different profiles (${old.params.profile} vs ${now.params.profile}): shorter windows read lower on some cases`);
  }
  const before = byId(old);
  const after = byId(now);
  const rows: CompareRow[] = [];
  for (const [id, c] of after) {
    const o = before.get(id);
    if (o === undefined) continue;
    const m = c.metrics[c.primary];
    const om = o.metrics[c.primary];
    if (m === undefined || om === undefined || !(om.median !== 0)) continue;
    rows.push({ id, metric: c.primary, unit: m.unit, old: om.median, now: m.median, change: m.median / om.median - 1, verdict: judge(om, m) });
  }
  return {
    rows,
    onlyOld: [...before.keys()].filter((id) => !after.has(id)),
    onlyNew: [...after.keys()].filter((id) => !before.has(id)),
    warnings,
  };
}

export function comparisonText(c: Comparison): string {
  const mark: Record<Change, string> = { regression: 'REGRESSION', improvement: 'better', 'within noise': '' };
  const header = ['case', 'metric', 'old', 'new', 'change', ''];
  const cells = c.rows.map((r) => [r.id, `${r.metric} (${r.unit})`, fmt(r.old), fmt(r.now), `${r.change >= 0 ? '+' : ''}${(r.change * 100).toFixed(1)}%`, mark[r.verdict]]);
  const regressions = c.rows.filter((r) => r.verdict === 'regression');
  const improvements = c.rows.filter((r) => r.verdict === 'improvement');
  // Fits the terminal: a long case id wraps at its '/'s, the prose at spaces.
  return wrapLines([
    ...c.warnings.flatMap((w) => `warning: ${w}`.split('\n')),
    ...textTable(header, cells, { left: (i) => i < 2 }).split('\n'), '',
    ...(c.onlyOld.length > 0 ? [`only in the old run: ${c.onlyOld.length} cases (${c.onlyOld.slice(0, 5).join(', ')}${c.onlyOld.length > 5 ? ', ...' : ''})`] : []),
    ...(c.onlyNew.length > 0 ? [`only in the new run: ${c.onlyNew.length} cases (${c.onlyNew.slice(0, 5).join(', ')}${c.onlyNew.length > 5 ? ', ...' : ''})`] : []),
    `${c.rows.length} cases compared: ${regressions.length} regressions, ${improvements.length} improvements, ` +
      `${c.rows.length - regressions.length - improvements.length} within noise (a change must clear both runs' spread and ${MIN_CHANGE * 100}%).`,
    ...regressions.map((r) => `REGRESSION ${r.id}: ${r.metric} ${fmt(r.old)} -> ${fmt(r.now)} ${r.unit} (${(r.change * 100).toFixed(1)}%)`),
  ]).join('\n');
}

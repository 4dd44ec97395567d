// What the bench prints and writes, rendered from the runs saved in
// bench/results (pure functions, nothing measured): every terminal line
// within 120 columns, report.md's legend covering its marks, and auto's
// sweep figure beside the re-measured one that is its verdict.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareResults, comparisonText } from '../../bench/lib/compare.js';
import { aaNoise, autoChecks, simpleChecks, simpleVerdict, SWEEP_NOISY } from '../../bench/lib/auto-verdicts.js';
import { legend, reportMarkdown, shortRan, suiteText } from '../../bench/lib/report.js';
import { TERMINAL_COLUMNS, textTable, wrapCell } from '../../bench/lib/table.js';
import type { BenchResults, SuiteResult } from '../../bench/lib/results.js';
import { ownKernelText, type OwnKernelReport, type OwnRow } from '../../bench/own-kernel.js';

const RESULTS = fileURLToPath(new URL('../../bench/results', import.meta.url));

function savedRuns(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return savedRuns(p);
    return name === 'results.json' ? [p] : [];
  });
}

const runs = savedRuns(RESULTS).map((path) => ({ path, r: JSON.parse(readFileSync(path, 'utf8')) as BenchResults }));
const tooWide = (text: string) => text.split('\n').filter((l) => l.length > TERMINAL_COLUMNS);
const placements = (r: BenchResults) => r.suites.find((s) => s.name === 'placements' && s.status === 'ok');

describe('terminal output from saved runs', () => {
  it('finds the saved runs (the 2-core run and many-core/)', () => {
    expect(runs.length).toBeGreaterThan(5);
    expect(runs.some((x) => x.path.includes('many-core'))).toBe(true);
  });

  it('prints every suite table in at most 120 columns', () => {
    for (const { path, r } of runs) {
      for (const s of r.suites) expect(tooWide(suiteText(s)), `${path} ${s.name}`).toEqual([]);
    }
  });

  it('keeps every case of a suite in its terminal table', () => {
    const s = placements(runs.find((x) => placements(x.r) !== undefined)!.r)!;
    const text = suiteText(s);
    for (const c of s.cases) expect(text, c.id).toContain(String(c.labels.input));
    expect(text.split('\n').filter((l) => /^auto\s+\d/.test(l))).toHaveLength(s.cases.filter((c) => c.labels.placement === 'auto').length);
  });

  it('prints --compare in at most 120 columns', () => {
    for (const { path, r } of runs) {
      for (const { r: old } of runs) expect(tooWide(comparisonText(compareResults(old, r))), path).toEqual([]);
    }
  });

  it('prints the --kernels table in at most 120 columns, long names wrapped', () => {
    const row = (c: OwnRow['case'], inflight: number, ran: Record<string, number>): OwnRow => ({
      case: c, inflight, rounds: 5, calls: 1000, errors: 0, callsPerSec: 12345, spread: 0.62, p50Ms: 0.408, p99Ms: 13.9, loopBusy: 1,
      loopMaxDelayMs: 14.7, ran, fallback: true, sameAsTsInline: true,
    });
    const spread = { 'ts-inline': 400, 'native-inline': 300, 'ts-worker': 200, 'native-worker': 90, 'native-async': 10 };
    const rep = {
      schema: 'hotpath-bench-kernel/1', kernel: 'a-kernel-with-a-rather-long-name', module: 'test/fixtures/kernels/some/deeply/nested/folder/kernel.mjs',
      input: '/tmp/a/long/path/to/the/input/file/of/this/run/input.json', native: 'none', threads: 16, durationMs: 1000, rounds: 5, concurrency: 64,
      machine: runs[0].r.machine,
      rows: [row('ts-inline', 1, { 'ts-inline': 1000 }), row('auto', 64, spread), { ...row('native-worker', 64, {}), errors: 3, firstError: 'x'.repeat(300) }],
    } as OwnKernelReport;
    const text = ownKernelText(rep);
    expect(tooWide(text)).toEqual([]);
    for (const p of Object.keys(spread)) expect(text).toContain(p);
  });
});

describe('textTable', () => {
  it('leaves a table that fits as it was: one header line, aligned', () => {
    expect(textTable(['name', 'n'], [['a', '1'], ['bb', '22']])).toBe('name   n\n----  --\na      1\nbb    22');
  });

  it('puts headers on two lines, then wraps the text columns, to fit', () => {
    const long = Array.from({ length: 12 }, (_, i) => `placement-${i} ${i}%`).join(', ');
    const text = textTable(['case', 'loop CPU ms/task', 'ran'], [['auto', '0.0102', long]], { left: (i) => i !== 1, max: 60 });
    const lines = text.split('\n');
    expect(lines.filter((l) => l.length > 60)).toEqual([]);
    expect(lines[0]).toContain('loop CPU');
    expect(lines[1]).toContain('ms/task');
    // Nothing lost: the wrapped cell's words, in order, under its column.
    const start = lines[2].lastIndexOf('  ') + 2;
    expect(lines.slice(3).map((l) => l.slice(start).trim()).join(' ')).toBe(long);
  });

  it('wraps after a comma first, then a space or a slash', () => {
    expect(wrapCell('native-inline 100%, native-worker 35%', 24, true)).toEqual(['native-inline 100%,', 'native-worker 35%']);
    expect(wrapCell('native-inline 100%, native-worker 35%', 24)).toEqual(['native-inline 100%,', 'native-worker 35%']);
    expect(wrapCell('a, bb cc dd', 9, true)).toEqual(['a,', 'bb cc dd']);
    expect(wrapCell('a, bb cc dd', 9)).toEqual(['a, bb cc', 'dd']);
    expect(wrapCell('placements/toplist/medium/native-inline/inflight-60', 30)).toEqual(['placements/toplist/medium/', 'native-inline/inflight-60']);
  });

  it('counts the rare explorations of auto instead of listing each', () => {
    expect(shortRan('native-inline 100%, native-async 0%, native-worker 0%, ts-inline 0%')).toBe('native-inline 100%, 3 more <1%');
    expect(shortRan('native-worker 65%, native-inline 34%, native-async 0%')).toBe('native-worker 65%, native-inline 34%, native-async 0%');
  });
});

describe('report.md legend', () => {
  // Each mark or notation the tables print, and a word its legend entry must hold.
  const MARKS: [RegExp, string][] = [
    [/★/, '★'], [/✓/, '✓'], [/≈/, '≈'], [/±\d/, '±'], [/\d% noisy/, 'noisy'], [/\d(\.\d+)?x \|/, 'Nx'], [/\d[kMG]\b/, 'k, M, G'],
    [/\(target [<>]=/, '(target'], [/\| - \|/, '-:'], [/re-measured/, 'sweep, re-measured'], [/sweep noisy/, 'sweep noisy'], [/\| p50/, 'p50'],
  ];

  it('explains, near the top, every mark the report uses', () => {
    for (const { path, r } of runs) {
      const md = reportMarkdown(r, new Set());
      const firstSuite = md.indexOf('\n## ');
      const head = md.slice(0, firstSuite);
      const body = md.slice(firstSuite);
      for (const [used, entry] of MARKS) if (used.test(body)) expect(head, `${path}: ${entry}`).toContain(`- ${entry}`);
    }
  });

  it('names the limit behind ✓ from the run\'s verdicts', () => {
    // The 2-core run the README cites (the one outside many-core/): it has both suites.
    const r = runs.find((x) => !x.path.includes('many-core'))!.r;
    const md = reportMarkdown(r, new Set());
    const check = legend(md, r).find((l) => l.startsWith('- ✓'));
    expect(check).toContain('within 1 ms of loop CPU per task (placements)');
    expect(check).toContain('/healthz p99 within 3x of idle (http)');
  });
});

describe('auto: sweep against re-measured', () => {
  const group = 'toplist 100k events / 10k ids, k=10, 8 in flight';
  const against = 'best fixed within 1 ms of loop CPU';
  const suite = (sweep: number, again: number): SuiteResult => ({
    name: 'placements', title: 'Placements', status: 'ok', params: {}, durationMs: 1, cases: [], verdicts: [],
    ratios: [
      { name: `${group}: auto vs best fixed (native-inline), x worse`, value: 2.5 },
      { name: `${group}: auto vs ${against} (native-worker), x worse`, value: sweep },
      { name: `${group}: auto vs ${against} (native-worker), re-measured, x worse`, value: again, target: '<= 1.10', met: again <= 1.1 },
    ],
  });

  it('pairs each group\'s sweep figure with its re-measured one, and flags a disagreement over 1.5x', () => {
    const { checks, fastest } = autoChecks(suite(1.94, 1.02));
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ group, fixed: 'native-worker', sweep: 1.94, sweepNoisy: true });
    expect(checks[0].remeasured?.value).toBe(1.02);
    expect(fastest.map((r) => r.name)).toEqual([`${group}: auto vs best fixed (native-inline), x worse`]);
    expect(autoChecks(suite(1.4, 1.02)).checks[0].sweepNoisy).toBe(1.4 / 1.02 > SWEEP_NOISY);
    expect(autoChecks(suite(0.6, 1.02)).checks[0].sweepNoisy).toBe(true);
  });

  it('says in the terminal and in report.md that the re-measured figure is the verdict', () => {
    const text = suiteText(suite(1.94, 1.02));
    const prose = text.replace(/\s+/g, ' ');
    expect(text).toContain('The verdict is the re-measured figure');
    expect(text).toMatch(/re-measured \(verdict\)/);
    expect(text).toMatch(/1\.94\s+1\.02\s+<= 1\.10\s+ok, sweep noisy/);
    expect(prose).toContain(`sweep noisy: ${group}: 1.94 in the sweep against 1.02 re-measured; the re-measured figure is the verdict.`);
    expect(tooWide(text)).toEqual([]);
    const md = reportMarkdown({ ...runs[0].r, suites: [suite(1.94, 1.02)] }, new Set());
    expect(md).toContain('| 1.94 | 1.02 | <= 1.10 | ok, sweep noisy |');
    expect(md).toContain('- sweep noisy:');
  });

  it('flags the saved 15-thread run\'s disagreeing group', () => {
    const r = runs.find((x) => x.path.includes('355753d-placements'))!.r;
    const noisy = autoChecks(placements(r)!).checks.filter((c) => c.sweepNoisy).map((c) => c.group);
    expect(noisy).toEqual(['fingerprint 1 s @ 16 kHz, 1 in flight']);
  });
});

describe('auto against the simple rule', () => {
  const g = 'topk 2k x 128, k=10, 8 in flight';
  const ratios = [
    { name: `${g}: auto vs the simple rule, re-measured, x worse`, value: 0.5 },
    { name: `${g}: the simple rule vs best fixed within 1 ms of loop CPU (native-inline), re-measured, x worse`, value: 1.8 },
    { name: `${g}: A/A, native-inline vs itself, re-measured`, value: 0.9 },
    { name: 'h: auto vs the simple rule, re-measured, x worse', value: 1.05 },
    { name: 'h: A/A, native-worker vs itself, re-measured', value: 1.08 },
    { name: 'unrelated ratio', value: 2 },
  ];

  it('groups the three ratios of a group and leaves the others', () => {
    const { checks, other } = simpleChecks(ratios);
    expect(other.map((r) => r.name)).toEqual(['unrelated ratio']);
    expect(checks[0]).toEqual({ group: g, fixed: 'native-inline', autoVsSimple: 0.5, simpleVsFixed: 1.8, aa: 0.9 });
    expect(checks[1]).toMatchObject({ group: 'h', fixed: 'native-worker', autoVsSimple: 1.05, aa: 1.08 });
  });

  it("calls a group only beyond the run's widest A/A", () => {
    const { checks } = simpleChecks(ratios);
    const noise = aaNoise(checks);
    expect(noise).toBeCloseTo(1 / 0.9);
    expect(checks.map((c) => simpleVerdict(c, noise))).toEqual(['auto ahead', 'within noise']);
    expect(simpleVerdict({ group: 'x', autoVsSimple: 1.3 }, noise)).toBe('simple ahead');
  });
});

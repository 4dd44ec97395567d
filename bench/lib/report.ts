// results.json -> tables: aligned text for the terminal, Markdown for
// report.md and the README's Performance section (scripts/readme-performance.mjs).
// One column list per suite; every figure comes from the results, none typed here.
import { describeMachine } from './machine.js';
import type { BenchResults, CaseResult, Ratio, SuiteName, SuiteResult } from './results.js';
import { NOISY_SPREAD, pm } from './stats.js';
import { autoChecks, autoTable, simpleChecks, simpleTable, SWEEP_NOISY } from './auto-verdicts.js';
import { mdTable, TERMINAL_COLUMNS, textTable, unwrappedWidth, wrapLines } from './table.js';

interface Column {
  header: string;
  cell: (c: CaseResult, s: SuiteResult) => string;
  /** Text, aligned left in the terminal (and wrapped there when the table is too wide). */
  left?: boolean;
  /** The terminal's shorter form of the cell, where it has one. */
  short?: (c: CaseResult, s: SuiteResult) => string;
}

/** 3 significant digits, with k/M/G past 10,000: 0.0123, 1.82, 512, 24.6k, 8.4M, 1.06G. */
export function fmt(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '-';
  const a = Math.abs(n);
  const p3 = (x: number) => String(Number(x.toPrecision(3)));
  if (a >= 1e9) return `${p3(n / 1e9)}G`;
  if (a >= 1e6) return `${p3(n / 1e6)}M`;
  if (a >= 1e4) return `${p3(n / 1e3)}k`;
  if (a >= 100) return n.toFixed(0);
  return String(Number(n.toPrecision(3)));
}

const label = (key: string): Column => ({ header: key, cell: (c) => String(c.labels[key] ?? '') });
const med = (key: string, header = key, suffix = ''): Column => ({
  header, cell: (c) => (c.metrics[key] === undefined ? '-' : `${fmt(c.metrics[key].median)}${suffix}`),
});
const spread: Column = { header: 'spread', cell: (c) => `${pm(c.metrics[c.primary].spread)}${c.noisy ? ' noisy' : ''}` };
const unitOf = (c: CaseResult, key: string) => c.metrics[key]?.unit ?? '';

/** `sign` for the verdict's best in its group; ≈ for the two that tied. */
function mark(s: SuiteResult, group: string | ((g: string) => boolean), name: string, sign = '★'): string {
  const v = s.verdicts.find((x) => (typeof group === 'string' ? x.group === group : group(x.group)));
  if (v === undefined) return '';
  if (v.best === name) return sign;
  if (v.best === null && (v.note.includes(`${name} ≈`) || v.runnerUp === name)) return '≈';
  return '';
}

/** ★ for the fastest, ✓ for the best of the group's second verdict: the best that keeps the loop free (placements.ts, http.ts). */
function twoMarks(group: string, name: string, s: SuiteResult): string {
  const fastest = mark(s, group, name);
  const loopFree = mark(s, (g) => g.startsWith(`${group}, `), name, '✓');
  return [fastest, loopFree].filter(Boolean).join(' ');
}

/** 'native-inline 100%, native-async 0%, ts-worker 0%' -> 'native-inline 100%, 2 more <1%': the rare explorations, counted. */
export function shortRan(ran: string): string {
  const parts = ran.split(', ');
  const rare = parts.filter((p) => / 0%$/.test(p));
  if (rare.length < 2) return ran;
  return [...parts.filter((p) => !/ 0%$/.test(p)), `${rare.length} more <1%`].join(', ');
}

const COLUMNS: Record<SuiteName, Column[]> = {
  kernels: [
    label('kernel'), label('input'), label('impl'), med('ms/op'), spread,
    { header: 'throughput', cell: (c) => (c.metrics.throughput ? `${fmt(c.metrics.throughput.median)} ${unitOf(c, 'throughput')}` : `${fmt(c.metrics['GB/s']?.median)} GB/s`) },
    med('speedup over ts', 'vs ts', 'x'), med('vs memread', 'vs memread', 'x'),
  ],
  placements: [
    label('input'), label('placement'), label('inflight'), med('p50', 'p50 ms'), med('p99', 'p99 ms'), med('ops/s'),
    { header: 'throughput', cell: (c) => `${fmt(c.metrics.throughput.median)} ${unitOf(c, 'throughput')}` }, spread,
    med('loop CPU/task', 'loop CPU ms/task'),
    { header: 'best', cell: (c, s) => twoMarks(`${c.labels.kernel} ${c.labels.input}, ${c.labels.inflight} in flight`, String(c.labels.placement), s) },
    { header: 'ran', cell: (c) => (c.labels.ran === c.labels.placement ? '' : String(c.labels.ran)), left: true, short: (c) => (c.labels.ran === c.labels.placement ? '' : shortRan(String(c.labels.ran))) },
  ],
  pool: [
    label('workload'), label('pool'), med('ops/s'), spread, med('p50', 'p50 µs'), med('p99', 'p99 µs'), med('main CPU/task', 'main CPU µs/task'),
    { header: 'best', cell: (c, s) => mark(s, `${c.labels.workload}, ${c.labels.inflight} in flight`, String(c.labels.pool)) },
  ],
  scaling: [label('placement'), label('threads'), med('ops/s'), med('throughput', 'items/s'), med('efficiency', 'efficiency/thread'), spread],
  http: [
    label('route'), label('placement'), med('req/s'), spread, med('p50', 'p50 ms'), med('p99', 'p99 ms'), med('healthz p99', '/healthz p99 ms'),
    med('loop-latency ratio', 'loop-latency ratio', 'x'), med('server loop delay p99', 'loop delay p99 ms'), med('pool utilization'), label('errors'),
    { header: 'note', cell: (c) => (c.labels.healthz === 'answered' ? '' : String(c.labels.healthz ?? '')), left: true },
    { header: 'best', cell: (c, s) => twoMarks(`${String(c.id.split('/')[1])}: req/s`, String(c.labels.placement), s) },
  ],
  memory: [label('workers'), label('catalog'), med('rss', 'RSS MiB'), med('pool cost', 'pool MiB'), med('catalog cost', 'catalog MiB'), med('per extra worker', 'per extra worker MiB'), spread],
  remote: [
    label('workload'), label('input'), label('placement'), med('p50', 'p50 ms (1 in flight)'), med('p99', 'p99 ms (1 in flight)'),
    med('ops/s', 'ops/s (16 in flight)'), spread,
  ],
};

interface Section {
  title: string;
  header: string[];
  rows: string[][];
  /** Per column: text (aligned left), or a number. */
  left: boolean[];
}

/**
 * The rows of a suite's table (kernels of the placements suite: one table
 * per kernel). For the terminal, a table wider than TERMINAL_COLUMNS even
 * with two-line headers moves its first column, where it repeats, into the
 * section titles ('-- topk 2k x 128, k=10'), and cells take their short form.
 */
function sections(s: SuiteResult, terminal = false): Section[] {
  const cols = COLUMNS[s.name].filter((col) => s.cases.some((c) => col.cell(c, s) !== '' && col.cell(c, s) !== '-') || col.header === 'best');
  const header = cols.map((c) => c.header);
  const left = cols.map((c, i) => i === 0 || c.left === true);
  const rows = (cases: CaseResult[]) => cases.map((c) => cols.map((col) => (terminal && col.short ? col.short(c, s) : col.cell(c, s))));
  const kernels = [...new Set(s.cases.map((c) => String(c.labels.kernel)))];
  const secs = s.name !== 'placements' ? [{ title: '', header, left, rows: rows(s.cases) }]
    : kernels.map((k) => ({ title: k, header, left, rows: rows(s.cases.filter((c) => c.labels.kernel === k)) }));
  if (!terminal) return secs;
  return secs.flatMap((sec) => {
    const firsts = [...new Set(sec.rows.map((r) => r[0]))];
    if (unwrappedWidth(sec.header, sec.rows) <= TERMINAL_COLUMNS || firsts.length * 2 > sec.rows.length) return [sec];
    return firsts.map((v) => ({
      title: [sec.title, v].filter(Boolean).join(' '), header: sec.header.slice(1), left: sec.left.slice(1),
      rows: sec.rows.filter((r) => r[0] === v).map((r) => r.slice(1)),
    }));
  });
}

const ratioLine = (r: Ratio) => `${r.name}: ${r.value.toFixed(2)}${r.target ? ` (target ${r.target}) ${r.met ? 'ok' : 'MISSED'}` : ''}`;

/** The ratios' lines, or for placements the auto table's parts and the remaining lines. */
function ratioParts(s: SuiteResult): { auto?: ReturnType<typeof autoTable>; simple?: ReturnType<typeof simpleTable>; lines: string[] } {
  if (s.name !== 'placements') return { lines: s.ratios.map(ratioLine) };
  const { checks, fastest, other } = autoChecks(s);
  const simple = simpleChecks(other);
  const lines = [...fastest.map((r) => `${ratioLine(r)} (sweep only: that placement is over the loop budget)`), ...simple.other.map(ratioLine)];
  return { auto: checks.length > 0 ? autoTable(checks) : undefined, simple: simple.checks.length > 0 ? simpleTable(simple.checks) : undefined, lines };
}

function verdictLines(s: SuiteResult): string[] {
  return s.verdicts.map((v) => `${v.group} (${v.metric}): ${v.best === null ? v.note : `best ${v.note}`}`);
}

const status = (s: SuiteResult) => (s.status === 'ok' ? '' : `${s.status}: ${s.reason ?? ''}`);

/** One suite for the terminal: no line wider than TERMINAL_COLUMNS. */
export function suiteText(s: SuiteResult): string {
  const out = [`== ${s.name}: ${s.title} (${(s.durationMs / 1000).toFixed(1)} s)`];
  if (s.status !== 'ok') return wrapLines([...out, status(s)]).join('\n');
  for (const sec of sections(s, true)) out.push(...(sec.title ? [`-- ${sec.title}`] : []), textTable(sec.header, sec.rows, { left: (i) => i === 0 || sec.left[i] }), '');
  const v = verdictLines(s);
  if (v.length > 0) out.push(...v, '');
  const { auto, simple, lines } = ratioParts(s);
  if (auto !== undefined) out.push(...auto.intro, textTable(auto.header, auto.rows, { left: (i) => i < 2 || i === 5 }), ...auto.notes, '');
  if (simple !== undefined) out.push(...simple.intro, textTable(simple.header, simple.rows, { left: (i) => i < 2 || i === 5 }), '');
  if (lines.length > 0) out.push(...lines, '');
  // Tables fit already: what wraps here is prose (verdicts, ratios).
  return wrapLines(out.join('\n').split('\n')).join('\n').trimEnd();
}

export function machineLine(r: BenchResults): string {
  return `${describeMachine(r.machine)}; profile ${r.params.profile}, ${r.params.threads} threads, ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC`;
}

/** One suite as Markdown (report.md and the README section): `level` is the heading depth. */
export function suiteMarkdown(s: SuiteResult, level = 2, chartDir?: string): string {
  const h = '#'.repeat(level);
  const out = [`${h} ${s.title}`, ''];
  if (s.status !== 'ok') return [...out, `*${status(s)}*`, ''].join('\n');
  const param = (v: unknown) => (typeof v === 'number' ? fmt(v) : String(v));
  out.push(`Parameters: ${Object.entries(s.params).filter(([, v]) => typeof v !== 'object').map(([k, v]) => `${k} ${param(v)}`).join(', ')}.`, '');
  for (const sec of sections(s)) out.push(...(sec.title ? [`**${sec.title}**`, ''] : []), mdTable(sec.header, sec.rows), '');
  const v = verdictLines(s);
  if (v.length > 0) out.push(...v.map((x) => `- ${x}`), '');
  const { auto, simple, lines } = ratioParts(s);
  if (auto !== undefined) out.push(auto.intro.join(' '), '', mdTable(auto.header, auto.rows), '', ...auto.notes.map((x) => `- ${x}`), ...(auto.notes.length > 0 ? [''] : []));
  if (simple !== undefined) out.push(simple.intro.join(' '), '', mdTable(simple.header, simple.rows), '');
  if (lines.length > 0) out.push(...lines.map((x) => `- ${x}`), '');
  if (chartDir !== undefined) for (const file of CHARTS_OF[s.name]) out.push(`![${s.name}](${chartDir}${file})`, '');
  return out.join('\n');
}

/** The SVG files each suite's charts are written to (charts.ts draws them). */
export const CHARTS_OF: Record<SuiteName, string[]> = {
  kernels: ['kernels-speedup.svg'],
  placements: ['placements-throughput.svg'],
  pool: ['pool-dispatch.svg'],
  scaling: ['scaling.svg'],
  http: ['http-loop-latency.svg'],
  memory: ['memory-rss.svg'],
  remote: ['remote-overhead.svg'],
};

/** The conditions of the suites' second verdicts ('within 1 ms of loop CPU per task'), from the verdict groups: the ✓ column's meaning. */
function loopFreeConditions(r: BenchResults): string[] {
  const out: string[] = [];
  for (const s of r.suites) {
    const groups = s.verdicts.map((v) => v.group);
    const cond = groups.flatMap((a) => groups.filter((b) => b.startsWith(`${a}, `)).map((b) => b.slice(a.length + 2)));
    for (const c of new Set(cond)) out.push(`${c} (${s.name})`);
  }
  return out;
}

/**
 * The legend of report.md: each mark, notation and abbreviation that `body`
 * uses, with what it means (entries for what it does not use are left out).
 */
export function legend(body: string, r: BenchResults): string[] {
  const loopFree = loopFreeConditions(r);
  const entries: [RegExp, string][] = [
    [/★/, '★ (best): the best of its group (the lines under the table name each group and its metric), ahead of the runner-up by more than both spreads'],
    [/✓/, `✓ (best): the best of those that keep the event loop free${loopFree.length > 0 ? `: ${loopFree.join('; ')}` : ''}`],
    [/≈|\btie\b/, '≈ (best), tie: one of the two best, not separated by their spreads: too close to call'],
    [/±\d/, '±N%: spread, half the range (min..max) of the samples, over their median'],
    [/\d% noisy/, `noisy: a spread wider than ±${(NOISY_SPREAD * 50).toFixed(0)}%: read only differences larger than it`],
    [/re-measured/, "sweep, re-measured (verdict): auto against a fixed placement on the sweep's own medians, then again in fresh pairs of " +
      'windows, the two back to back; the re-measured figure is the verdict, the one held to the target'],
    [/sweep noisy/, `sweep noisy: the sweep's figure and the re-measured one differ by more than ${SWEEP_NOISY}x; the re-measured one stands`],
    [/\dx\b|x worse/, 'Nx: times (11.7x: 11.7 times as fast, or as long); x worse: how many times slower (latency) or lower (ops/s) auto did than the placement named (below 1: auto did better)'],
    [/\d[kMG]\b/, 'k, M, G: thousand, million, billion (24.6k = 24,600; 1.05G events/s)'],
    [/\(target [<>]=/, '(target >= N) ok / MISSED: the bound the bench holds a ratio to, and whether this run met it'],
    [/\| - \|/, '-: not measured, or not applicable to the case (a speedup of the TS twin over itself)'],
    [/\bp50\b|\bp99\b/, 'p50, p99: the median and the 99th-percentile latency of the calls'],
    [/in ?flight/, 'in flight, inflight: tasks submitted and not yet settled (1: one request at a time; more: a loaded service)'],
    [/\| (ts|native) \||ts-inline/, "ts, native: a kernel's TypeScript twin and its C++ form; -inline: on the calling thread, -worker: on a worker thread, " +
      "native-async: on libuv's thread pool, auto: the pool chooses per call; ran: where the calls ran, when not (only) where asked"],
    [/loop CPU/, 'loop CPU ms/task: CPU time of the event loop per task: dispatch, or the whole kernel when it runs inline'],
    [/loop-latency ratio/, 'loop-latency ratio: /healthz p99 under load over its p99 idle: how much the load held up the event loop'],
    [/pool utilization/, "pool utilization: the share of the workers' time they were busy (0..1); - where the placement never used them"],
    [/efficiency\/thread/, 'efficiency/thread: ops/s at n threads over n times ops/s at 1 (1: linear)'],
    [/memread/, 'memread: a plain read of the same bytes, the memory-bandwidth floor'],
    [/ x 128, k=10/, '2k x 128, k=10: 2,000 rows of 128 dimensions, the top 10'],
    [/ ids, k=10/, '10k events / 1k ids, k=10: 10,000 events over 1,000 distinct ids, the top 10'],
    [/@ 16 kHz/, '1 s @ 16 kHz: one second of audio sampled at 16 kHz'],
    [/µs|MiB|GB\/s/, 'µs: microseconds; MiB: 2^20 bytes; GB/s: 10^9 bytes a second'],
    [/RSS/, 'RSS: the process\'s resident memory'],
  ];
  return entries.filter(([re]) => re.test(body)).map(([, text]) => `- ${text}`);
}

export function reportMarkdown(r: BenchResults, charts: Set<string>): string {
  const body: string[] = [];
  for (const s of r.suites) {
    const md = suiteMarkdown(s, 2);
    body.push(md);
    for (const file of CHARTS_OF[s.name]) if (charts.has(file)) body.push(`![${s.name}](${file})`, '');
  }
  const text = body.join('\n');
  return ['# hotpath bench report', '', `Machine: ${machineLine(r)}.`, '',
    'Every figure is the median of repeated samples (docs/bench.md). What the marks and abbreviations mean:', '',
    ...legend(text, r), '', text].join('\n');
}

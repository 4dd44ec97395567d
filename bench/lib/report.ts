// results.json -> tables: aligned text for the terminal, Markdown for
// report.md and the README's Performance section (scripts/readme-performance.mjs).
// One column list per suite; every figure comes from the results, none typed here.
import { describeMachine } from './machine.js';
import type { BenchResults, CaseResult, SuiteName, SuiteResult } from './results.js';
import { pm } from './stats.js';

interface Column {
  header: string;
  cell: (c: CaseResult, s: SuiteResult) => string;
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
    { header: 'ran', cell: (c) => (c.labels.ran === c.labels.placement ? '' : String(c.labels.ran)) },
  ],
  pool: [
    label('workload'), label('pool'), med('ops/s'), spread, med('p50', 'p50 µs'), med('p99', 'p99 µs'), med('main CPU/task', 'main CPU µs/task'),
    { header: 'best', cell: (c, s) => mark(s, `${c.labels.workload}, ${c.labels.inflight} in flight`, String(c.labels.pool)) },
  ],
  scaling: [label('placement'), label('threads'), med('ops/s'), med('throughput', 'items/s'), med('efficiency', 'efficiency/thread'), spread],
  http: [
    label('route'), label('placement'), med('req/s'), spread, med('p50', 'p50 ms'), med('p99', 'p99 ms'), med('healthz p99', '/healthz p99 ms'),
    med('loop-latency ratio', 'loop-latency ratio', 'x'), med('server loop delay p99', 'loop delay p99 ms'), med('pool utilization'), label('errors'),
    { header: 'note', cell: (c) => (c.labels.healthz === 'answered' ? '' : String(c.labels.healthz ?? '')) },
    { header: 'best', cell: (c, s) => twoMarks(`${String(c.id.split('/')[1])}: req/s`, String(c.labels.placement), s) },
  ],
  memory: [label('workers'), label('catalog'), med('rss', 'RSS MiB'), med('pool cost', 'pool MiB'), med('catalog cost', 'catalog MiB'), med('per extra worker', 'per extra worker MiB'), spread],
  remote: [
    label('workload'), label('input'), label('placement'), med('p50', 'p50 ms (1 in flight)'), med('p99', 'p99 ms (1 in flight)'),
    med('ops/s', 'ops/s (16 in flight)'), spread,
  ],
};

function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function mdTable(header: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

/** The rows of a suite's table (kernels of the placements suite: one table per kernel). */
function sections(s: SuiteResult): { title: string; header: string[]; rows: string[][] }[] {
  const cols = COLUMNS[s.name].filter((col) => s.cases.some((c) => col.cell(c, s) !== '' && col.cell(c, s) !== '-') || col.header === 'best');
  const header = cols.map((c) => c.header);
  const rows = (cases: CaseResult[]) => cases.map((c) => cols.map((col) => col.cell(c, s)));
  if (s.name !== 'placements') return [{ title: '', header, rows: rows(s.cases) }];
  const kernels = [...new Set(s.cases.map((c) => String(c.labels.kernel)))];
  return kernels.map((k) => ({ title: k, header, rows: rows(s.cases.filter((c) => c.labels.kernel === k)) }));
}

function ratioLines(s: SuiteResult): string[] {
  return s.ratios.map((r) => `${r.name}: ${r.value.toFixed(2)}${r.target ? ` (target ${r.target}) ${r.met ? 'ok' : 'MISSED'}` : ''}`);
}

function verdictLines(s: SuiteResult): string[] {
  return s.verdicts.map((v) => `${v.group} (${v.metric}): ${v.best === null ? v.note : `best ${v.note}`}`);
}

const status = (s: SuiteResult) => (s.status === 'ok' ? '' : `${s.status}: ${s.reason ?? ''}`);

/** One suite for the terminal. */
export function suiteText(s: SuiteResult): string {
  const out = [`== ${s.name}: ${s.title} (${(s.durationMs / 1000).toFixed(1)} s)`];
  if (s.status !== 'ok') return [...out, status(s)].join('\n');
  for (const sec of sections(s)) out.push(...(sec.title ? [`-- ${sec.title}`] : []), textTable(sec.header, sec.rows), '');
  const v = verdictLines(s);
  if (v.length > 0) out.push(...v, '');
  const r = ratioLines(s);
  if (r.length > 0) out.push(...r, '');
  return out.join('\n').trimEnd();
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
  const r = ratioLines(s);
  if (r.length > 0) out.push(...r.map((x) => `- ${x}`), '');
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

export function reportMarkdown(r: BenchResults, charts: Set<string>): string {
  const out = ['# hotpath bench report', '', `Machine: ${machineLine(r)}.`, '',
    `Every figure is the median of repeated samples; spread is ±half the min..max range. A case marked *noisy* spread more than ±25%; ` +
    '"tie" means the two best were not separated by their own spread (docs/bench.md).', ''];
  for (const s of r.suites) {
    const md = suiteMarkdown(s, 2);
    out.push(md);
    for (const file of CHARTS_OF[s.name]) if (charts.has(file)) out.push(`![${s.name}](${file})`, '');
  }
  return out.join('\n');
}

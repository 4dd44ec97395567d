// summary.json and summary.md: the top functions by self time per thread and
// merged across workers, the native kernels' share, and the per-task
// breakdown. The merged worker view adds functions up by name + url + line,
// so N workers running the same code read as one list.
import { availableParallelism, cpus } from 'node:os';
import { analyzeProfile, mergeAnalyses, type FunctionStat, type ProfileAnalysis } from './cpuprofile.js';
import { breakdownMarkdown, type Breakdown } from './breakdown.js';
import { readLocalSource } from './native.js';
import type { ThreadProfile } from './threads.js';

export interface FunctionRow {
  name: string;
  /** Short location: path under the package (dist/..., node_modules/...) and 1-based line; '' for V8 frames. */
  where: string;
  url: string;
  line: number;
  selfMs: number;
  /** Self samples / all samples of the thread(s), 0..1. */
  selfShare: number;
  /** Self time / time not idle, 0..1. */
  busyShare: number;
  totalMs: number;
  nativeKernel?: string;
}

/** Where inside the top JS function the time went: V8's per-line ticks. */
export interface HotLine {
  line: number;
  ticks: number;
  /** Share of the function's line ticks, 0..1. */
  share: number;
  /** The line's source, trimmed (when the script could be read). */
  text?: string;
}

export interface NativeShare {
  /** ms per kernel. */
  ms: Record<string, number>;
  /** Native kernel time / time not idle, 0..1. */
  busyShare: number;
  /** How it was attributed (see native.ts). */
  method: string[];
}

export interface ThreadSummary {
  role: 'main' | 'worker';
  threadId: number;
  file: string;
  samples: number;
  durationMs: number;
  idleShare: number;
  top: FunctionRow[];
  native: NativeShare;
}

export interface ProfileSummary {
  version: 1;
  createdAt: string;
  /** Wall time of the capture, ms. */
  wallMs: number;
  intervalUs: number;
  machine: { cpu: string; cores: number; node: string; platform: string };
  workload?: Record<string, unknown>;
  threads: ThreadSummary[];
  workers: {
    threads: number; samples: number; durationMs: number; idleShare: number; top: FunctionRow[]; native: NativeShare;
    /** The hottest lines of the top JS function with a script. */
    hotLines?: { function: string; where: string; lines: HotLine[] };
  };
  breakdown: Breakdown;
  notes: string[];
  files: string[];
}

export const profileFileName = (t: Pick<ThreadProfile, 'role' | 'threadId'>): string =>
  t.role === 'main' ? 'main.cpuprofile' : `worker-${t.threadId}.cpuprofile`;

export function shortWhere(url: string, line: number): string {
  if (url === '') return '';
  const short = url.replace(/^file:\/\/.*?\/(dist|src|node_modules|bench|test)\//, '$1/');
  return `${short}:${line}`;
}

function rows(a: ProfileAnalysis, top: number): FunctionRow[] {
  const busy = a.durationMs - a.idleMs;
  return a.functions.slice(0, top).map((f: FunctionStat) => {
    const row: FunctionRow = {
      name: f.name,
      where: shortWhere(f.url, f.line),
      url: f.url,
      line: f.line,
      selfMs: f.selfMs,
      selfShare: a.samples > 0 ? f.selfSamples / a.samples : 0,
      busyShare: busy > 0 ? f.selfMs / busy : 0,
      totalMs: f.totalMs,
    };
    if (f.nativeKernel !== undefined) row.nativeKernel = f.nativeKernel;
    return row;
  });
}

function hotLines(a: ProfileAnalysis): ProfileSummary['workers']['hotLines'] {
  const f = a.functions.find((x) => x.url !== '' && Object.keys(x.lines).length > 0);
  if (f === undefined) return undefined;
  const all = Object.values(f.lines).reduce((s, n) => s + n, 0);
  const source = readLocalSource(f.url)?.split('\n');
  const lines = Object.entries(f.lines).sort((x, y) => y[1] - x[1]).slice(0, 6).map(([line, ticks]): HotLine => {
    const h: HotLine = { line: Number(line), ticks, share: all > 0 ? ticks / all : 0 };
    const text = source?.[Number(line) - 1]?.trim();
    if (text !== undefined) h.text = text.length > 90 ? text.slice(0, 87) + '...' : text;
    return h;
  });
  return { function: f.name, where: shortWhere(f.url, f.line), lines };
}

function nativeOf(a: ProfileAnalysis): NativeShare {
  const busy = a.durationMs - a.idleMs;
  const ms = Object.values(a.nativeMs).reduce((s, x) => s + x, 0);
  return { ms: a.nativeMs, busyShare: busy > 0 ? ms / busy : 0, method: a.nativeMethod };
}

export interface SummaryInput {
  profiles: ThreadProfile[];
  breakdown: Breakdown;
  wallMs: number;
  intervalUs: number;
  notes: string[];
  files: string[];
  workload?: Record<string, unknown>;
  /** Rows per table. Default 15. */
  top?: number;
}

export function buildSummary(input: SummaryInput): ProfileSummary {
  const top = input.top ?? 15;
  const analyses = input.profiles.map((p) => ({ p, a: analyzeProfile(p.profile) }));
  const threads: ThreadSummary[] = analyses.map(({ p, a }) => ({
    role: p.role,
    threadId: p.threadId,
    file: profileFileName(p),
    samples: a.samples,
    durationMs: a.durationMs,
    idleShare: a.durationMs > 0 ? a.idleMs / a.durationMs : 0,
    top: rows(a, top),
    native: nativeOf(a),
  }));
  const workerAnalyses = analyses.filter((x) => x.p.role === 'worker').map((x) => x.a);
  const merged = mergeAnalyses(workerAnalyses);
  const notes = [...input.notes];
  // Call overhead puts a few ticks on call lines everywhere (1-2 ms a pair
  // in 2 s); only moves that change a reading are worth a note.
  const all = mergeAnalyses(analyses.map((x) => x.a));
  const floor = Math.max(5, 0.01 * (all.durationMs - all.idleMs));
  const moved = all.movedToCallee.filter((m) => m.ms >= floor);
  if (moved.length > 0) {
    notes.push(`Moved to the callee: ${moved.map((m) => `${m.from} -> ${m.to} ${m.ms.toFixed(0)} ms`).join(', ')}. V8 put these samples on the caller's ` +
      'call line: the callee ran code compiled before the profiler started (OSR code of a hot loop), which the profiler cannot name. ' +
      'The .cpuprofile files keep them as V8 recorded them.');
  }
  const summary: ProfileSummary = {
    version: 1,
    createdAt: new Date().toISOString(),
    wallMs: input.wallMs,
    intervalUs: input.intervalUs,
    machine: { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: availableParallelism(), node: process.version, platform: `${process.platform}-${process.arch}` },
    threads,
    workers: {
      threads: workerAnalyses.length,
      samples: merged.samples,
      durationMs: merged.durationMs,
      idleShare: merged.durationMs > 0 ? merged.idleMs / merged.durationMs : 0,
      top: rows(merged, top),
      native: nativeOf(merged),
    },
    breakdown: input.breakdown,
    notes,
    files: input.files,
  };
  const hot = hotLines(merged);
  if (hot !== undefined) summary.workers.hotLines = hot;
  if (input.workload !== undefined) summary.workload = input.workload;
  return summary;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

function table(list: FunctionRow[]): string {
  const lines = ['| # | function | where | self ms | % samples | % busy | total ms |', '| ---: | --- | --- | ---: | ---: | ---: | ---: |'];
  list.forEach((r, i) => {
    const name = r.nativeKernel !== undefined ? `**${r.name}**` : `\`${r.name}\``;
    lines.push(`| ${i + 1} | ${name} | ${r.where || (r.nativeKernel !== undefined ? 'addon (C++)' : 'V8')} | ${ms(r.selfMs)} | ${pct(r.selfShare)} | ${pct(r.busyShare)} | ${ms(r.totalMs)} |`);
  });
  return lines.join('\n');
}

function nativeLine(n: NativeShare): string {
  const kernels = Object.entries(n.ms).filter(([, v]) => v > 0);
  if (kernels.length === 0) return 'Native kernels: no time attributed (no native placement ran on these threads).';
  return `Native kernels: ${pct(n.busyShare)} of busy time (${kernels.map(([k, v]) => `${k} ${ms(v)} ms`).join(', ')}).`;
}

export function summaryMarkdown(s: ProfileSummary): string {
  const out: string[] = ['# hotpath profile', ''];
  out.push(`Machine: ${s.machine.cpu}, ${s.machine.cores} cores, Node ${s.machine.node} (${s.machine.platform}). ` +
    `Captured ${(s.wallMs / 1000).toFixed(1)} s at a ${s.intervalUs} µs sampling interval, ${s.createdAt}.`);
  if (s.workload !== undefined) {
    out.push('', `Workload: ${Object.entries(s.workload).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ')}.`);
  }
  const w = s.workers;
  out.push('', `## Workers, merged (${w.threads} thread${w.threads === 1 ? '' : 's'})`, '');
  out.push(`${w.samples} samples, ${ms(w.durationMs)} ms profiled, ${pct(w.idleShare)} idle. ${nativeLine(w.native)}`, '');
  out.push(table(w.top));
  if (w.hotLines !== undefined) {
    const h = w.hotLines;
    out.push('', `Hottest lines of \`${h.function}\` (${h.where}), by V8's per-line ticks:`, '');
    out.push('| line | ticks | share | source |', '| ---: | ---: | ---: | --- |');
    for (const l of h.lines) out.push(`| ${l.line} | ${l.ticks} | ${pct(l.share)} | ${l.text === undefined ? '' : `\`${l.text.replace(/\|/g, '\\|')}\``} |`);
  }
  out.push('', '## Per-task breakdown', '', breakdownMarkdown(s.breakdown));
  for (const t of s.threads) {
    out.push(`## ${t.role === 'main' ? 'Main thread' : 'Worker'} (threadId ${t.threadId}, ${t.file})`, '');
    out.push(`${t.samples} samples, ${pct(t.idleShare)} idle. ${nativeLine(t.native)}`, '');
    out.push(table(t.top.slice(0, 10)), '');
  }
  const methods = new Set([...w.native.method, ...s.threads.flatMap((t) => t.native.method)]);
  out.push('## How to read this', '');
  out.push('- Self time is time with the function on top of the stack; `% busy` leaves idle time out. "(program)" is V8 and Node ' +
    'outside any JS function; "(garbage collector)" is GC.');
  out.push(methods.size > 0
    ? `- Native time: the V8 profiler does not see inside the addon. It was attributed by ${[...methods].join('; ')}.`
    : '- Native time: none attributed. A native-async placement runs on libuv threads that V8 does not sample: use `--native` (perf).');
  out.push('- Open the `.cpuprofile` files in Chrome DevTools (Performance panel, "Load profile") or at speedscope (drag the file in; ' +
    'it stays local). `flame.svg` opens in any browser: hover a frame for its time.');
  if (s.notes.length > 0) out.push('', '## Notes', '', ...s.notes.map((n) => `- ${n}`));
  out.push('', `Files: ${s.files.join(', ')}.`, '');
  return out.join('\n');
}

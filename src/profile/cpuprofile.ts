// Reading one V8 .cpuprofile: is it consistent, and where did its time go,
// per function (name + url + line) by self and total time.
//
// A sample's time is the gap to the next sample (timeDeltas[i + 1]), the
// last one's the gap to endTime, as Chrome DevTools counts it: samples are
// not evenly spaced (a 1000 µs interval gave 715 to 793 samples a second on
// a busy worker here, because a sample is taken only when the thread can be
// interrupted), so counting samples alone would misstate times.
import type { CpuProfile } from '../pool/worker/profiling.js';
import { calleeSplit, nativeSplit } from './native.js';

export type { CpuProfile };
export type ProfileNode = CpuProfile['nodes'][number];

/** V8's pseudo-frames: not functions, but where the thread was. */
export const IDLE = '(idle)';
export const ROOT = '(root)';

export interface FunctionStat {
  name: string;
  /** Script URL; '' for V8 internals and native frames. */
  url: string;
  /** 1-based line of the function's start; 0 when unknown. */
  line: number;
  selfMs: number;
  selfSamples: number;
  totalMs: number;
  totalSamples: number;
  /** Set on the pseudo-function that holds a native kernel's time (see native.ts). */
  nativeKernel?: string;
  /** V8's per-line self ticks (positionTicks), by 1-based line. */
  lines: Record<number, number>;
}

export interface ProfileAnalysis {
  samples: number;
  durationMs: number;
  idleMs: number;
  idleSamples: number;
  /** By self time, descending; (root) and (idle) left out. */
  functions: FunctionStat[];
  /** ms in each native kernel, by kernel name. */
  nativeMs: Record<string, number>;
  /** How native time was attributed (one line per rule that applied). */
  nativeMethod: string[];
  /** Self time moved from a caller's call line to the callee, by function pair (see native.ts). */
  movedToCallee: { from: string; to: string; ms: number }[];
}

/** Problems that make a profile unusable by DevTools or speedscope; [] when it is consistent. */
export function validateProfile(p: CpuProfile): string[] {
  const problems: string[] = [];
  if (!Array.isArray(p.nodes) || p.nodes.length === 0) return ['no nodes'];
  const ids = new Set<number>();
  for (const n of p.nodes) {
    if (ids.has(n.id)) problems.push(`duplicate node id ${n.id}`);
    ids.add(n.id);
  }
  const parents = new Map<number, number>();
  for (const n of p.nodes) {
    for (const c of n.children ?? []) {
      if (!ids.has(c)) problems.push(`node ${n.id} has unknown child ${c}`);
      if (parents.has(c)) problems.push(`node ${c} has two parents`);
      parents.set(c, n.id);
    }
  }
  const roots = p.nodes.filter((n) => !parents.has(n.id));
  if (roots.length !== 1) problems.push(`${roots.length} roots, expected 1`);
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  if (samples.length !== deltas.length) problems.push(`${samples.length} samples but ${deltas.length} timeDeltas`);
  for (const s of samples) {
    if (!ids.has(s)) {
      problems.push(`sample refers to unknown node ${s}`);
      break;
    }
  }
  if (!(p.endTime >= p.startTime)) problems.push(`endTime ${p.endTime} before startTime ${p.startTime}`);
  let t = p.startTime;
  for (const d of deltas) t += d;
  if (deltas.length > 0 && (t < p.startTime || t > p.endTime)) problems.push(`last sample at ${t} outside [${p.startTime}, ${p.endTime}]`);
  return problems;
}

/** Each sample's duration, µs (see the note at the top). */
export function sampleDurations(p: CpuProfile): Float64Array {
  const deltas = p.timeDeltas ?? [];
  const n = deltas.length;
  const out = new Float64Array(n);
  let t = p.startTime;
  for (let i = 0; i < n; i++) t += deltas[i];
  for (let i = 0; i < n - 1; i++) out[i] = Math.max(0, deltas[i + 1]);
  if (n > 0) out[n - 1] = Math.max(0, p.endTime - t);
  return out;
}

export const functionKey = (name: string, url: string, line: number): string => `${name}\u0000${url}\u0000${line}`;

/** A node's function: V8 names anonymous functions ''; its lineNumber is 0-based. */
export function frameOf(node: ProfileNode): { name: string; url: string; line: number } {
  const { functionName, url, lineNumber } = node.callFrame;
  return { name: functionName === '' ? '(anonymous)' : functionName, url, line: lineNumber >= 0 ? lineNumber + 1 : 0 };
}

/** A node's native kernel time, absolute (see native.ts). */
export interface NativePart {
  kernel: string;
  us: number;
  samples: number;
  method: string;
}

/** Self time moved from a caller's call line to its callee (see native.ts). */
export interface Moved {
  from: number;
  to: number;
  us: number;
}

/** Self time and samples per node id after call-line attribution, and each node's native part. */
export interface NodeTimes {
  byId: Map<number, ProfileNode>;
  parent: Map<number, number>;
  selfUs: Map<number, number>;
  selfSamples: Map<number, number>;
  native: Map<number, NativePart>;
  moved: Moved[];
}

export function nodeTimes(p: CpuProfile, readSource?: (url: string) => string | undefined): NodeTimes {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const rawUs = new Map<number, number>();
  const rawSamples = new Map<number, number>();
  const dur = sampleDurations(p);
  const samples = p.samples ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i];
    rawUs.set(id, (rawUs.get(id) ?? 0) + dur[i]);
    rawSamples.set(id, (rawSamples.get(id) ?? 0) + 1);
  }
  // Shares come from each node's own line ticks, so they are all computed
  // on the raw times first and applied after: time moved into a child is
  // not split again by the child's lines.
  const selfUs = new Map(rawUs);
  const selfSamples = new Map(rawSamples);
  const add = (m: Map<number, number>, id: number, v: number) => m.set(id, (m.get(id) ?? 0) + v);
  const native = new Map<number, NativePart>();
  const moved: Moved[] = [];
  for (const n of p.nodes) {
    const us = rawUs.get(n.id) ?? 0;
    const count = rawSamples.get(n.id) ?? 0;
    if (count === 0) continue;
    const up = parent.get(n.id);
    const split = nativeSplit(n, readSource, up === undefined ? undefined : byId.get(up));
    if (split !== undefined && split.share > 0) {
      native.set(n.id, { kernel: split.kernel, us: us * split.share, samples: count * split.share, method: split.method });
    }
    for (const c of calleeSplit(n, (n.children ?? []).map((id) => byId.get(id)!), readSource)) {
      add(selfUs, n.id, -us * c.share);
      add(selfSamples, n.id, -count * c.share);
      add(selfUs, c.childId, us * c.share);
      add(selfSamples, c.childId, count * c.share);
      moved.push({ from: n.id, to: c.childId, us: us * c.share });
    }
  }
  return { byId, parent, selfUs, selfSamples, native, moved };
}

/** Where one profile's time went, by function. */
export function analyzeProfile(p: CpuProfile, readSource?: (url: string) => string | undefined): ProfileAnalysis {
  const t = nodeTimes(p, readSource);
  const stats = new Map<string, FunctionStat>();
  const stat = (name: string, url: string, line: number, nativeKernel?: string): FunctionStat => {
    const key = functionKey(name, url, line);
    let s = stats.get(key);
    if (s === undefined) {
      s = { name, url, line, selfMs: 0, selfSamples: 0, totalMs: 0, totalSamples: 0, lines: {} };
      if (nativeKernel !== undefined) s.nativeKernel = nativeKernel;
      stats.set(key, s);
    }
    return s;
  };
  // The distinct functions on each node's path, memoized: total time counts a
  // function once per sample even when it recurses.
  const pathKeys = new Map<number, FunctionStat[]>();
  const pathOf = (id: number): FunctionStat[] => {
    const known = pathKeys.get(id);
    if (known !== undefined) return known;
    const node = t.byId.get(id)!;
    const f = frameOf(node);
    const up = t.parent.has(id) ? pathOf(t.parent.get(id)!) : [];
    const own = stat(f.name, f.url, f.line);
    const path = up.includes(own) ? up : [...up, own];
    pathKeys.set(id, path);
    return path;
  };
  const nativeMs: Record<string, number> = {};
  const methods = new Set<string>();
  let idleUs = 0;
  let idleSamples = 0;
  let totalUs = 0;
  let totalSamples = 0;
  for (const node of p.nodes) {
    const us = t.selfUs.get(node.id) ?? 0;
    const n = t.selfSamples.get(node.id) ?? 0;
    totalUs += us;
    totalSamples += n;
    if (n <= 0) continue;
    const path = pathOf(node.id);
    const own = path[path.length - 1];
    if (own.name === IDLE) {
      idleUs += us;
      idleSamples += n;
    }
    const nat = t.native.get(node.id);
    for (const f of path) {
      f.totalMs += us / 1000;
      f.totalSamples += n;
    }
    for (const pt of node.positionTicks ?? []) own.lines[pt.line] = (own.lines[pt.line] ?? 0) + pt.ticks;
    own.selfMs += (us - (nat?.us ?? 0)) / 1000;
    own.selfSamples += n - (nat?.samples ?? 0);
    if (nat !== undefined) {
      const k = stat(`${nat.kernel} (native kernel)`, '', 0, nat.kernel);
      k.selfMs += nat.us / 1000;
      k.selfSamples += nat.samples;
      k.totalMs += nat.us / 1000;
      k.totalSamples += nat.samples;
      nativeMs[nat.kernel] = (nativeMs[nat.kernel] ?? 0) + nat.us / 1000;
      methods.add(nat.method);
    }
  }
  const movedBy = new Map<string, { from: string; to: string; ms: number }>();
  for (const m of t.moved) {
    const from = frameOf(t.byId.get(m.from)!).name;
    const to = frameOf(t.byId.get(m.to)!).name;
    const e = movedBy.get(`${from}>${to}`) ?? { from, to, ms: 0 };
    e.ms += m.us / 1000;
    movedBy.set(`${from}>${to}`, e);
  }
  const functions = [...stats.values()]
    .filter((f) => f.name !== ROOT && f.name !== IDLE && (f.selfSamples > 0 || f.nativeKernel !== undefined))
    .sort((a, b) => b.selfMs - a.selfMs);
  return {
    samples: totalSamples,
    durationMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    idleSamples,
    functions,
    nativeMs,
    nativeMethod: [...methods],
    movedToCallee: [...movedBy.values()],
  };
}

/** Adds up analyses of several threads by function (name + url + line). */
export function mergeAnalyses(list: ProfileAnalysis[]): ProfileAnalysis {
  const stats = new Map<string, FunctionStat>();
  const nativeMs: Record<string, number> = {};
  const methods = new Set<string>();
  const out: ProfileAnalysis = { samples: 0, durationMs: 0, idleMs: 0, idleSamples: 0, functions: [], nativeMs, nativeMethod: [], movedToCallee: [] };
  const moved = new Map<string, { from: string; to: string; ms: number }>();
  for (const a of list) {
    out.samples += a.samples;
    out.durationMs += a.durationMs;
    out.idleMs += a.idleMs;
    out.idleSamples += a.idleSamples;
    for (const [k, ms] of Object.entries(a.nativeMs)) nativeMs[k] = (nativeMs[k] ?? 0) + ms;
    for (const m of a.nativeMethod) methods.add(m);
    for (const m of a.movedToCallee) {
      const e = moved.get(`${m.from}>${m.to}`) ?? { ...m, ms: 0 };
      e.ms += m.ms;
      moved.set(`${m.from}>${m.to}`, e);
    }
    for (const f of a.functions) {
      const key = functionKey(f.name, f.url, f.line);
      const s = stats.get(key);
      if (s === undefined) stats.set(key, { ...f, lines: { ...f.lines } });
      else {
        for (const [line, n] of Object.entries(f.lines)) s.lines[Number(line)] = (s.lines[Number(line)] ?? 0) + n;
        s.selfMs += f.selfMs;
        s.selfSamples += f.selfSamples;
        s.totalMs += f.totalMs;
        s.totalSamples += f.totalSamples;
      }
    }
  }
  out.functions = [...stats.values()].sort((a, b) => b.selfMs - a.selfMs);
  out.nativeMethod = [...methods];
  out.movedToCallee = [...moved.values()];
  return out;
}

// Sampling for micro-benchmarks. Each sample runs a batch of calls sized to
// last about `sampleMs` (timer resolution and loop overhead then stay under
// 1%); cases are interleaved sample by sample so that a noisy neighbour on a
// shared 2-core machine hits every case alike and the ratios stay honest.

export interface Case {
  name: string;
  fn: () => unknown;
}

export interface Stats {
  /** Median ms per call. */
  median: number;
  min: number;
  max: number;
  /** (max - min) / median over the samples. */
  spread: number;
  samples: number;
  callsPerSample: number;
  /** ms per call of each sample, in the order taken (sample i of every case ran in the same round). */
  times: number[];
}

let sink: unknown;

function timeBatch(fn: () => unknown, calls: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sink = fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / calls;
}

export interface MeasureOptions {
  samples?: number;
  sampleMs?: number;
  /** Called after each sample of each case (progress). */
  onSample?: (name: string, msPerCall: number) => void;
}

export function measure(cases: Case[], opts: MeasureOptions = {}): Map<string, Stats> {
  const samples = opts.samples ?? 15;
  const sampleMs = opts.sampleMs ?? 40;
  const calls = new Map<string, number>();
  for (const c of cases) {
    // Warm-up for at least one sample's time: JIT tiers, page faults on first
    // touch. 3 calls were not enough for the small TS cases (0.1-0.3 ms a
    // call): their first measured sample still ran 2-5x slow (spread ±126%).
    const t0 = performance.now();
    for (let i = 0; i < 3 || performance.now() - t0 < sampleMs; i++) sink = c.fn();
    const once = timeBatch(c.fn, 3);
    calls.set(c.name, Math.max(1, Math.round(sampleMs / Math.max(once, 1e-6))));
  }
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let s = 0; s < samples; s++) {
    for (const c of cases) {
      const ms = timeBatch(c.fn, calls.get(c.name)!);
      times.get(c.name)!.push(ms);
      opts.onSample?.(c.name, ms);
    }
  }
  if (sink === Symbol.for('never')) console.log(sink);
  const out = new Map<string, Stats>();
  for (const c of cases) {
    const taken = times.get(c.name)!;
    const t = [...taken].sort((a, b) => a - b);
    const median = t[Math.floor(t.length / 2)];
    out.set(c.name, {
      median, min: t[0], max: t[t.length - 1], spread: (t[t.length - 1] - t[0]) / median,
      samples, callsPerSample: calls.get(c.name)!, times: taken,
    });
  }
  return out;
}

/** Formats rows as an aligned text table. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

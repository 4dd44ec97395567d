// results.json -> SVG charts, drawn with vega-lite (compiled to a vega spec)
// and rendered to SVG by vega's headless renderer in Node (no canvas, no
// browser). Each chart is a vega-lite spec built from the cases; whiskers
// show the min..max of the samples, so a reader sees the spread, not only
// the median. vega and vega-lite are devDependencies of the bench: without
// them the run still writes results.json and report.md, and says so.
import type { BenchResults, CaseResult, SuiteName } from './results.js';
import { CHARTS_OF } from './report.js';

type Spec = Record<string, unknown>;

/** A legend whose symbols are short strokes, for line charts. */
const LINE_LEGEND: Spec = { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 300 };
type Row = Record<string, string | number>;

const SIZE_ORDER = ['tiny', 'small', 'medium', 'large'];

/**
 * Text width in px as vega measures it when rendering in Node (no canvas:
 * 0.8 x font size per character, wider than most fonts draw it). Limits and
 * sizes computed from it cut no label off; spaces sized to fit text longer
 * than the plot (a long axis title) show as blank bands.
 */
export function textPx(text: string, fontSize = 10): number {
  return Math.ceil(0.8 * text.length * fontSize);
}

/** An axis that shows every label whole: its limit is the longest label's width, plus a margin. */
function labelAxis(labels: unknown[], angle?: number): Spec {
  const limit = Math.max(0, ...labels.map((l) => textPx(String(l)))) + 8;
  return { labelLimit: limit, ...(angle === undefined ? {} : { labelAngle: angle }) };
}

/** A chart title in lines of at most `chars` characters (vega sizes the chart to its widest line). */
function titleLines(text: string, chars = 72): string[] {
  const out: string[] = [];
  for (const word of text.split(' ')) {
    const last = out.length - 1;
    if (last >= 0 && out[last].length + 1 + word.length <= chars) out[last] += ` ${word}`;
    else out.push(word);
  }
  return out;
}

/**
 * Rows whose x axis names each input ('2k x 128'), in size order. A part
 * every input of a kernel shares (', k=10') moves to the kernel's facet
 * header ('topk, k=10'): shorter labels, nothing dropped.
 */
function sizeAxis(values: Row[]): { values: Row[]; order: string[] } {
  const out = values.map((v) => ({ ...v }));
  for (const k of new Set(values.map((v) => v.kernel))) {
    const mine = out.filter((v) => v.kernel === k);
    const tails = new Set(mine.map((v) => String(v.input).split(', ').slice(1).join(', ')));
    const [tail] = tails;
    if (tails.size !== 1 || tail === '') continue;
    for (const v of mine) {
      v.input = String(v.input).slice(0, -(tail.length + 2));
      v.kernel = `${String(k)}, ${tail}`;
    }
  }
  const rank = (v: Row) => SIZE_ORDER.indexOf(String(v.size));
  return { values: out, order: [...new Set([...out].sort((a, b) => rank(a) - rank(b)).map((v) => String(v.input)))] };
}

function rows(cases: CaseResult[], metricKey: string, labels: string[]): Row[] {
  return cases.filter((c) => c.metrics[metricKey] !== undefined).map((c) => {
    const m = c.metrics[metricKey];
    const row: Row = { median: m.median, min: m.min, max: m.max };
    for (const l of labels) row[l] = c.labels[l];
    return row;
  });
}

/** A bar (or point) with min..max whiskers, faceted: the shape of most charts here. */
function barsWithWhiskers(o: {
  title: unknown; values: Row[]; x: Spec; y: Spec; color?: Spec; facet?: Spec; horizontal?: boolean; log?: boolean; width?: number; height?: number;
  /** A dashed line at this value (e.g. 1 for a ratio). */
  reference?: number;
}): Spec {
  const value = o.horizontal ? 'x' : 'y';
  const scale = o.log ? { type: 'log' } : { zero: true };
  // A log scale has no zero for a bar to start from (vega-lite draws none):
  // log charts get points with whiskers instead.
  const band = o.horizontal ? 'y' : 'x';
  // The band encoding goes on each data layer, not on the whole layer: the
  // reference rule must not inherit it, or it is drawn once per band.
  const bandLabels = o.values.map((v) => v[String(o.x.field)]);
  // Upright labels on a vertical chart are read sideways and take their
  // (over-estimated) length in height: angled, they take less.
  const angle = o.horizontal || Math.max(...bandLabels.map((l) => String(l).length)) <= 4 ? 0 : -35;
  const bands: Spec = { [band]: { ...o.x, axis: { ...labelAxis(bandLabels, angle), ...(o.x.axis as Spec | undefined) } }, ...(o.color ? { [`${band}Offset`]: { field: o.color.field, type: 'nominal', sort: o.color.sort } } : {}) };
  const layer: Spec[] = [
    {
      mark: o.log ? { type: 'point', filled: true, size: 60 } : { type: 'bar' },
      encoding: { ...bands, [value]: { field: 'median', type: 'quantitative', title: o.y.title, scale }, ...(o.color ? { color: o.color } : {}) },
    },
    { mark: { type: 'rule', color: '#333' }, encoding: { ...bands, [value]: { field: 'min', type: 'quantitative', scale }, [`${value}2`]: { field: 'max' } } },
  ];
  if (o.reference !== undefined) layer.push({ mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { [value]: { datum: o.reference } } });
  // The value axis's title runs along the plot: the plot is at least as long
  // as vega takes that title to be, or the title overhangs it as a blank band.
  const along = textPx(String(o.y.title ?? ''), 11) + 16;
  const width = Math.max(o.width ?? 180, o.horizontal ? along : 0);
  const height = Math.max(o.height ?? 160, o.horizontal ? 0 : along);
  const inner: Spec = { width, height, layer };
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: o.title, data: { values: o.values } };
  if (o.facet === undefined) return { ...base, ...inner };
  return { ...base, facet: o.facet, spec: inner, resolve: { scale: { [value]: 'independent', [band]: 'independent' } } };
}

function specs(r: BenchResults): Map<string, Spec> {
  const out = new Map<string, Spec>();
  const suite = (n: SuiteName) => r.suites.find((s) => s.name === n && s.status === 'ok' && s.cases.length > 0);
  const sub = `${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}, hotpath ${r.machine.hotpath} @ ${r.machine.gitSha}`;
  const titled = (text: string) => ({ text: titleLines(text), subtitle: sub });

  const k = suite('kernels');
  if (k) {
    const sized = sizeAxis(rows(k.cases, 'speedup over ts', ['kernel', 'size', 'input']));
    out.set(CHARTS_OF.kernels[0], barsWithWhiskers({
      title: titled('Native speedup over the TypeScript twin, per kernel and input size'), values: sized.values,
      x: { field: 'input', type: 'ordinal', sort: sized.order, title: 'input' }, y: { title: 'speedup over ts (x)' },
      facet: { column: { field: 'kernel', type: 'nominal', title: null } }, reference: 1,
    }));
  }
  const p = suite('placements');
  if (p) {
    const many = p.cases.filter((c) => Number(c.labels.inflight) > 1);
    const depth = many[0]?.labels.inflight;
    const sized = sizeAxis(rows(many, 'ops/s', ['kernel', 'size', 'input', 'placement']));
    out.set(CHARTS_OF.placements[0], {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: titled(`Throughput by placement, ${String(depth)} tasks in flight (ops/s, log scale)`),
      data: { values: sized.values },
      facet: { column: { field: 'kernel', type: 'nominal', title: null } },
      // Each kernel names its own inputs: x is per facet too.
      resolve: { scale: { x: 'independent', y: 'independent' } },
      spec: {
        width: 200, height: 200,
        encoding: {
          x: { field: 'input', type: 'ordinal', sort: sized.order, title: 'input', axis: labelAxis(sized.values.map((v) => v.input), -35) },
          color: { field: 'placement', type: 'nominal' },
        },
        layer: [
          { mark: { type: 'line', point: true }, encoding: { y: { field: 'median', type: 'quantitative', scale: { type: 'log' }, title: 'ops/s' } } },
          { mark: { type: 'rule' }, encoding: { y: { field: 'min', type: 'quantitative', scale: { type: 'log' } }, y2: { field: 'max' } } },
        ],
      },
    });
  }
  const pool = suite('pool');
  if (pool) {
    const loaded = pool.cases.filter((c) => c.labels.workload !== 'lone trivial');
    out.set(CHARTS_OF.pool[0], barsWithWhiskers({
      title: titled(`Dispatch: tasks per second through each pool, ${String(loaded[0]?.labels.threads)} threads, ${String(loaded[0]?.labels.inflight)} in flight`),
      values: rows(loaded, 'ops/s', ['workload', 'pool']), horizontal: true, width: 260, height: 200,
      x: { field: 'pool', type: 'nominal', sort: null, title: null }, y: { title: 'ops/s' },
      facet: { row: { field: 'workload', type: 'nominal', title: null } },
    }));
  }
  const sc = suite('scaling');
  if (sc) {
    const values: Row[] = rows(sc.cases, 'ops/s', ['placement', 'threads']).map((v) => ({ ...v, line: 'measured' }));
    // The ideal: n threads do n times the work of one.
    for (const v of values.filter((x) => x.threads === 1)) {
      for (const t of new Set(values.map((x) => Number(x.threads)))) {
        const ideal = Number(v.median) * t;
        values.push({ placement: v.placement, line: 'ideal (linear)', threads: t, median: ideal, min: ideal, max: ideal });
      }
    }
    out.set(CHARTS_OF.scaling[0], {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: titled('topk throughput by worker threads (ideal: linear from 1 thread)'),
      data: { values }, width: 320, height: 220,
      // The legends show a stretch of line (colour; solid or dashed), not the points' dots.
      encoding: {
        x: { field: 'threads', type: 'ordinal', title: 'worker threads', axis: { labelAngle: 0 } },
        color: { field: 'placement', type: 'nominal', legend: LINE_LEGEND },
      },
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            y: { field: 'median', type: 'quantitative', title: 'ops/s' }, detail: { field: 'line' },
            strokeDash: { field: 'line', type: 'nominal', title: null, scale: { domain: ['measured', 'ideal (linear)'], range: [[1, 0], [4, 4]] }, legend: { ...LINE_LEGEND, encode: { symbols: { update: { stroke: { value: '#555' } } } } } },
          },
        },
        { mark: 'rule', encoding: { y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' } } },
      ],
    });
  }
  const h = suite('http');
  if (h) {
    out.set(CHARTS_OF.http[0], barsWithWhiskers({
      title: titled('Loop-latency ratio per placement: /healthz p99 under load over idle (lower is better, log scale)'),
      values: rows(h.cases, 'loop-latency ratio', ['route', 'placement']), log: true, reference: 1,
      x: { field: 'placement', type: 'nominal', sort: null, title: null }, y: { title: 'under load / idle (x)' },
      facet: { column: { field: 'route', type: 'nominal', title: null } },
    }));
  }
  const m = suite('memory');
  if (m) {
    const measured = m.cases.filter((c) => c.metrics.rss !== undefined);
    const catalogMiB = Number(m.params.catalogMiB);
    const one = measured.find((c) => c.labels.workers === 1)?.metrics.rss.median ?? 0;
    const values: Row[] = rows(measured, 'rss', ['workers']).map((v) => ({ ...v, what: 'measured' }));
    // What a per-worker copy of the catalog would have cost on top of 1 worker.
    for (const c of measured) {
      const n = Number(c.labels.workers);
      const copied = one + (n - 1) * catalogMiB + (c.metrics.rss.median - one);
      values.push({ workers: n, what: 'if each worker had a copy', median: copied, min: copied, max: copied });
    }
    out.set(CHARTS_OF.memory[0], barsWithWhiskers({
      title: titled(`RSS with 1 and N workers over a ${catalogMiB.toFixed(0)} MiB catalog`), values, x: { field: 'workers', type: 'ordinal', title: 'pool workers', axis: { labelAngle: 0 } }, y: { title: 'RSS (MiB)' },
      color: { field: 'what', type: 'nominal', title: null, sort: ['measured'], legend: { labelLimit: 400 } }, width: 260,
    }));
  }
  const rm = suite('remote');
  if (rm) {
    out.set(CHARTS_OF.remote[0], barsWithWhiskers({
      title: titled('Round trip of one task at a time, local worker against remote (p50, ms)'),
      values: rows(rm.cases, 'p50', ['workload', 'input', 'placement']).map((v) => ({ ...v, workload: `${v.workload} ${v.input}` })), width: 160,
      x: { field: 'placement', type: 'nominal', sort: null, title: null }, y: { title: 'round trip p50 (ms)' },
      facet: { column: { field: 'workload', type: 'nominal', title: null } },
    }));
  }
  return out;
}

/** Renders every chart the results allow; returns file name -> SVG text, or the reason there are none. */
export async function renderCharts(r: BenchResults): Promise<{ svgs: Map<string, string>; note?: string }> {
  let vega: typeof import('vega');
  let vl: typeof import('vega-lite');
  try {
    [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  } catch (err) {
    return { svgs: new Map(), note: `charts skipped: vega/vega-lite not installed (${(err as Error).message.split('\n')[0]})` };
  }
  const svgs = new Map<string, string>();
  for (const [file, spec] of specs(r)) {
    const compiled = vl.compile(spec as never).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    svgs.set(file, await view.toSVG());
    view.finalize();
  }
  return { svgs };
}

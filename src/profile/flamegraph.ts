// A flame graph of the merged worker profile as one self-contained SVG.
//
// Why our own renderer: no maintained npm package renders a .cpuprofile to a
// file that opens offline. flamebearer 2 (2026) prints text only; speedscope
// 1.25's package is a multi-file web app (1 MB: JS, CSS, wasm) that loads a
// profile through its own page; d3-flame-graph needs d3 in a browser plus a
// converter. A static SVG (Brendan Gregg's layout: root at the bottom, width
// = time on CPU, hover for a tooltip) is about 150 lines and has no
// dependency; for zooming and timelines, open the .cpuprofile files in
// speedscope or DevTools.
import { frameOf, functionKey, IDLE, nodeTimes, ROOT, type CpuProfile } from './cpuprofile.js';
import { nativeSplit } from './native.js';

export type FrameKind = 'app' | 'deps' | 'node' | 'vm' | 'native';

export interface FlameNode {
  name: string;
  /** Where it is (url:line), shown in the tooltip. */
  where: string;
  kind: FrameKind;
  /** Self time, ms. */
  self: number;
  /** Self + children, ms (filled by finish()). */
  value: number;
  children: Map<string, FlameNode>;
}

export function flameNode(name: string, where: string, kind: FrameKind): FlameNode {
  return { name, where, kind, self: 0, value: 0, children: new Map() };
}

export function child(parent: FlameNode, key: string, make: () => FlameNode): FlameNode {
  let c = parent.children.get(key);
  if (c === undefined) parent.children.set(key, (c = make()));
  return c;
}

/** Fills `value` bottom-up; returns the root's. */
export function finish(node: FlameNode): number {
  let v = node.self;
  for (const c of node.children.values()) v += finish(c);
  node.value = v;
  return v;
}

function kindOf(url: string): FrameKind {
  if (url === '') return 'vm';
  if (url.startsWith('node:')) return 'node';
  if (url.includes('/node_modules/')) return 'deps';
  return 'app';
}

/**
 * Merges the call trees of several profiles by function path (name + url +
 * line at each level). (idle) is left out: the graph shows time on CPU. A
 * kernel's native time becomes a child frame "<kernel> (native kernel)" of
 * its JS caller (see native.ts), in place of V8's frame for the addon call.
 */
export function flameTree(profiles: CpuProfile[], title: string): FlameNode {
  const root = flameNode(title, '', 'vm');
  for (const p of profiles) {
    const t = nodeTimes(p);
    const v8root = p.nodes.find((n) => !t.parent.has(n.id));
    if (v8root === undefined) continue;
    const kernelFrame = (parent: FlameNode, kernel: string) =>
      child(parent, `native:${kernel}`, () => flameNode(`${kernel} (native kernel)`, 'addon', 'native'));
    const walk = (id: number, into: FlameNode) => {
      const node = t.byId.get(id)!;
      const f = frameOf(node);
      if (f.name === IDLE) return;
      const up = t.parent.get(id);
      // V8's frame of an addon call bears the name of any addon export
      // (threadCpuUs, the pool's CPU clock, for a topk call): it is no caller,
      // so the kernel's frame takes its place rather than sitting under it.
      const addon = f.url === '' ? nativeSplit(node, undefined, up === undefined ? undefined : t.byId.get(up)) : undefined;
      const here = f.name === ROOT ? into : addon?.addonFrame === true ? kernelFrame(into, addon.kernel) : child(into, functionKey(f.name, f.url, f.line), () => {
        const file = f.url.replace(/^file:\/\/.*?\/(dist|src|node_modules)\//, '$1/');
        return flameNode(f.name, f.url === '' ? '' : `${file}:${f.line}`, kindOf(f.url));
      });
      const ms = (t.selfUs.get(id) ?? 0) / 1000;
      const nat = t.native.get(id);
      if (addon?.addonFrame === true) {
        here.self += ms; // all of it the kernel's (nativeSplit: share 1)
      } else {
        here.self += ms - (nat?.us ?? 0) / 1000;
        if (nat !== undefined) kernelFrame(here, nat.kernel).self += nat.us / 1000;
      }
      for (const c of node.children ?? []) walk(c, here);
    };
    walk(v8root.id, root);
  }
  finish(root);
  return root;
}

const ROW = 17;
const WIDTH = 1200;
const PAD = 10;
const HEADER = 44;

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

// Colors as in flamegraph.pl's "js" palette: warm for our code, yellow for
// dependencies, aqua for Node's own JS, grey for V8 and builtins, and the
// native kernels in a saturated red that stands out.
function colorOf(n: FlameNode): string {
  const r = hash(n.name);
  switch (n.kind) {
    case 'app': return `hsl(${Math.round(10 + 25 * r)},85%,${Math.round(58 + 8 * r)}%)`;
    case 'deps': return `hsl(${Math.round(48 + 10 * r)},80%,${Math.round(55 + 8 * r)}%)`;
    case 'node': return `hsl(${Math.round(175 + 15 * r)},45%,${Math.round(55 + 8 * r)}%)`;
    case 'native': return 'hsl(350,85%,48%)';
    default: return `hsl(0,0%,${Math.round(68 + 10 * r)}%)`;
  }
}

function depthOf(n: FlameNode, minMs: number): number {
  let d = 0;
  for (const c of n.children.values()) if (c.value >= minMs) d = Math.max(d, depthOf(c, minMs));
  return d + 1;
}

/** Renders a tree to SVG: one row per stack depth, root at the bottom. */
export function renderFlameSvg(root: FlameNode, subtitle: string, unit = 'ms'): string {
  const total = root.value;
  const scale = total > 0 ? (WIDTH - 2 * PAD) / total : 0;
  const minMs = 0.5 / Math.max(scale, 1e-9); // frames under half a pixel are not drawn
  const depth = depthOf(root, minMs);
  const height = HEADER + depth * ROW + PAD;
  const out: string[] = [];
  const draw = (n: FlameNode, x: number, level: number) => {
    const w = n.value * scale;
    if (w < 0.5) return;
    const y = height - PAD - (level + 1) * ROW;
    const pct = total > 0 ? (n.value / total) * 100 : 0;
    const tip = `${n.name}${n.where ? ` (${n.where})` : ''}: ${n.value.toFixed(1)} ${unit}, ${pct.toFixed(2)}% (self ${n.self.toFixed(1)} ${unit})`;
    const chars = Math.floor((w - 6) / 6.6);
    const label = chars >= 3 ? (n.name.length > chars ? n.name.slice(0, chars - 2) + '..' : n.name) : '';
    out.push(`<g><title>${escape(tip)}</title><rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${ROW - 1}" rx="2" fill="${colorOf(n)}"/>` +
      (label ? `<text x="${(x + 3).toFixed(1)}" y="${y + 12}">${escape(label)}</text>` : '') + '</g>');
    let cx = x;
    const kids = [...n.children.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const c of kids) {
      draw(c, cx, level + 1);
      cx += c.value * scale;
    }
  };
  draw(root, PAD, 0);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Verdana,sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fbfbf6"/>`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="15">${escape(root.name)}</text>`,
    `<text x="${WIDTH / 2}" y="35" text-anchor="middle" fill="#555">${escape(subtitle)}</text>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}

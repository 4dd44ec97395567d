// --native: Linux perf sees what the V8 profiler cannot, the C++ frames
// inside the addon (native.ts says what it shows). We re-run the same profile command under
// `perf record` with node's --perf-basic-prof (so JIT-compiled JS frames get
// names from /tmp/perf-<pid>.map; no root needed with perf_event_paranoid
// <= 2), then fold `perf script`'s stacks into native.md (top symbols by self
// samples) and flame-native.svg.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { child, finish, flameNode, renderFlameSvg, type FlameNode, type FrameKind } from './flamegraph.js';

/** Why perf cannot be used here, or undefined when it can. */
export function perfUnavailable(): string | undefined {
  const version = spawnSync('perf', ['--version'], { encoding: 'utf8' });
  if (version.error !== undefined || version.status !== 0) return 'perf is not installed (Debian: apt-get install linux-perf)';
  // cpu-clock is a software event: it works in VMs and containers without PMU access.
  const probe = spawnSync('perf', ['record', '-q', '-e', 'cpu-clock', '-o', '/dev/null', '--', 'true'], { encoding: 'utf8' });
  if (probe.status !== 0) return `perf cannot record here (${(probe.stderr || '').trim().split('\n')[0] || `exit ${probe.status}`}; check /proc/sys/kernel/perf_event_paranoid)`;
  return undefined;
}

/** Runs `node --perf-basic-prof <script> ...args` under perf record; resolves with its exit code. */
export function recordUnderPerf(outDir: string, script: string, args: string[], hz = 999): Promise<number> {
  // --perf-basic-prof also turns on V8's log, one isolate-*-v8.log per
  // thread, in the working directory unless told where: they go to outDir
  // and are removed once the run ends (nothing here reads them).
  const perfArgs = ['record', '-q', '-F', String(hz), '-g', '-e', 'cpu-clock', '-o', join(outDir, 'perf.data'), '--',
    process.execPath, '--perf-basic-prof', `--logfile=${join(outDir, 'v8.log')}`, script, ...args];
  return new Promise((resolve, reject) => {
    const p = spawn('perf', perfArgs, { stdio: 'inherit' });
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      for (const f of readdirSync(outDir)) if (/^isolate-.*-v8\.log$/.test(f)) rmSync(join(outDir, f), { force: true });
      resolve(code ?? (signal !== null ? 1 : 0));
    });
  });
}

interface Frame {
  sym: string;
  dso: string;
}

const kindOf = (f: Frame): FrameKind =>
  f.dso.endsWith('.node') ? 'native' : f.dso.includes('/perf-') && f.dso.endsWith('.map') ? 'app' : f.dso.includes('node_modules') ? 'deps' : 'vm';

/** Parses `perf script -F comm,tid,ip,sym,dso` output into stacks (leaf first). */
export function parsePerfScript(text: string): { thread: string; frames: Frame[] }[] {
  const out: { thread: string; frames: Frame[] }[] = [];
  let cur: { thread: string; frames: Frame[] } | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      cur = undefined;
      continue;
    }
    if (!/^\s/.test(line)) {
      cur = { thread: line.trim().split(/\s+/)[0] ?? '?', frames: [] };
      out.push(cur);
      continue;
    }
    const m = /^\s+[0-9a-f]+\s+(.*?)\s+\(([^)]*)\)\s*$/.exec(line);
    if (cur === undefined || m === null) continue;
    const sym = m[1].replace(/\+0x[0-9a-f]+$/, '');
    cur.frames.push({ sym: sym === '[unknown]' ? `[${basename(m[2])}]` : sym, dso: m[2] });
  }
  return out;
}

export interface PerfReport {
  samples: number;
  /** Samples with the addon (a .node file) anywhere on the stack / all samples. */
  addonShare: number;
  top: { sym: string; dso: string; samples: number; share: number }[];
}

/** Turns perf.data in `outDir` into native.md and flame-native.svg; returns the report. */
export function reportPerf(outDir: string, title: string): PerfReport {
  const data = join(outDir, 'perf.data');
  const script = spawnSync('perf', ['script', '-i', data, '-F', 'comm,tid,ip,sym,dso'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (script.status !== 0) throw new Error(`perf script failed: ${script.stderr.trim().split('\n')[0]}`);
  const stacks = parsePerfScript(script.stdout);
  const self = new Map<string, { sym: string; dso: string; samples: number }>();
  const root = flameNode(title, '', 'vm');
  let withAddon = 0;
  const maps = new Set<string>();
  for (const s of stacks) {
    if (s.frames.length === 0) continue;
    const leaf = s.frames[0];
    const key = `${leaf.sym}\u0000${leaf.dso}`;
    const e = self.get(key) ?? { sym: leaf.sym, dso: basename(leaf.dso), samples: 0 };
    e.samples++;
    self.set(key, e);
    if (s.frames.some((f) => f.dso.endsWith('.node'))) withAddon++;
    let node: FlameNode = root;
    for (let i = s.frames.length - 1; i >= 0; i--) {
      const f = s.frames[i];
      if (f.dso.includes('/perf-') && f.dso.endsWith('.map')) maps.add(f.dso);
      node = child(node, `${f.sym}\u0000${f.dso}`, () => flameNode(f.sym, basename(f.dso), kindOf(f)));
    }
    node.self += 1;
  }
  finish(root);
  const n = stacks.length;
  const top = [...self.values()].sort((a, b) => b.samples - a.samples).slice(0, 25).map((e) => ({ ...e, share: n > 0 ? e.samples / n : 0 }));
  const report: PerfReport = { samples: n, addonShare: n > 0 ? withAddon / n : 0, top };
  writeFileSync(join(outDir, 'flame-native.svg'), renderFlameSvg(root, `perf, all threads (libuv's included): ${n} samples; width = samples; red = inside the addon`, 'samples'));
  const md = [
    '# hotpath profile: native frames (perf)', '',
    `${n} samples of every thread of the process (perf record -F 999 -g, cpu-clock), node --perf-basic-prof. ` +
      `${(report.addonShare * 100).toFixed(1)}% of samples have the addon on the stack.`, '',
    '| # | symbol (self) | object | samples | share |', '| ---: | --- | --- | ---: | ---: |',
    ...top.map((e, i) => `| ${i + 1} | \`${e.sym.replace(/\|/g, '\\|')}\` | ${e.dso} | ${e.samples} | ${(e.share * 100).toFixed(1)}% |`), '',
    'Open perf.data with `perf report -i perf.data`; flame-native.svg in a browser.', '',
  ].join('\n');
  writeFileSync(join(outDir, 'native.md'), md);
  // The JIT symbol maps are only needed by perf script (done): do not leave them in /tmp.
  for (const m of maps) rmSync(m, { force: true });
  return report;
}

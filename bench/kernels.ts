// npm run bench:kernels — each kernel x impl at realistic sizes, with the
// native speedup over the TS twin and, for topk, the ratio to a plain
// sequential read of the same catalog bytes (the memory-bandwidth yardstick).
// Usage: node dist/bench/kernels.js [--samples N] [--json FILE]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { syntheticCatalog } from '../src/catalog/synthetic.js';
import { runFingerprint } from '../src/kernels/fingerprint/index.js';
import { runTopk } from '../src/kernels/topk/index.js';
import { runToplist } from '../src/kernels/toplist/index.js';
import type { Impl } from '../src/kernels/common.js';
import { native } from '../src/native/binding.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { measure, table, type Case } from './lib/measure.js';
import { skewedEvents, syntheticAudio } from './lib/inputs.js';

const { values: args } = parseArgs({
  options: {
    samples: { type: 'string', default: '15' },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log('Usage: node dist/bench/kernels.js [--samples N (15)] [--json FILE]');
  process.exit(0);
}

const addon = native();
const machine = machineInfo({ simd: addon?.simd() ?? 'none', native: addon !== null });
console.log(`hotpath kernels benchmark\nmachine: ${describeMachine(machine)}\n`);
const impls: Impl[] = addon ? ['ts', 'native'] : ['ts'];

interface Group {
  kernel: string;
  size: string;
  unit: string;
  units: number;
  cases: Case[];
}

const groups: Group[] = [];
for (const items of [20_000, 100_000]) {
  const catalog = syntheticCatalog({ items, dims: 128, seed: 42 });
  const args = { catalog, vector: catalog.data.slice(0, 128), k: 10, exclude: undefined };
  const cases: Case[] = impls.map((impl) => ({ name: impl, fn: () => runTopk(args, impl) }));
  if (addon) cases.push({ name: 'memread', fn: () => addon.memread(catalog.data) });
  groups.push({ kernel: 'topk', size: `${items / 1000}k x 128, k=10`, unit: 'items/s', units: items, cases });
}
{
  const events = skewedEvents(1_000_000, 50_000, 7);
  groups.push({
    kernel: 'toplist', size: '1M events / 50k ids, k=10', unit: 'events/s', units: events.length,
    cases: impls.map((impl) => ({ name: impl, fn: () => runToplist({ events, k: 10 }, impl) })),
  });
}
{
  const samples = syntheticAudio(30, 16_000, 3);
  groups.push({
    kernel: 'fingerprint', size: '30 s @ 16 kHz', unit: 'samples/s', units: samples.length,
    cases: impls.map((impl) => ({ name: impl, fn: () => runFingerprint({ samples, sampleRate: 16_000 }, impl) })),
  });
}

const samples = Number(args.samples);
const rows: string[][] = [];
const results: Record<string, unknown>[] = [];
const ratios: Record<string, number> = {};
for (const g of groups) {
  const stats = measure(g.cases, { samples });
  const ts = stats.get('ts')!.median;
  for (const c of g.cases) {
    const s = stats.get(c.name)!;
    const throughput = (g.units / s.median) * 1000;
    rows.push([
      `${g.kernel} ${g.size}`, c.name, s.median.toFixed(3), `±${(s.spread * 50).toFixed(0)}%`,
      throughput.toExponential(2), c.name === 'memread' ? '' : `${(ts / s.median).toFixed(2)}x`,
    ]);
    results.push({ kernel: g.kernel, size: g.size, impl: c.name, unit: g.unit, throughput, ...s });
  }
  if (g.kernel === 'topk' && addon) {
    const nat = stats.get('native')!.median;
    ratios[`topk ${g.size}: native speedup over ts`] = ts / nat;
    ratios[`topk ${g.size}: native / memread of the same bytes`] = nat / stats.get('memread')!.median;
  }
}

console.log(table(['kernel', 'impl', 'ms/op', 'spread', 'throughput/s', 'vs ts'], rows));
console.log('\n(spread: half the min..max range over the samples, as a share of the median; throughput in the kernel\'s unit: items, events or samples per second)\n');
const targets: Record<string, string> = {
  'topk 20k x 128, k=10: native speedup over ts': '>= 8',
  'topk 100k x 128, k=10: native / memread of the same bytes': '<= 1.5',
};
for (const [name, value] of Object.entries(ratios)) {
  const target = targets[name];
  const ok = target === undefined ? '' : (target.startsWith('>=') ? value >= Number(target.slice(3)) : value <= Number(target.slice(3))) ? '  ok' : '  MISSED';
  console.log(`${name}: ${value.toFixed(2)}${target ? ` (target ${target})${ok}` : ''}`);
}
if (args.json) {
  writeFileSync(args.json, JSON.stringify({ machine, date: new Date().toISOString(), samples, results, ratios }, null, 2));
  console.log(`\nwrote ${args.json}`);
}

// npm run bench:pool — dispatch cost of hotpath's pool against plain Piscina
// and a hand-written raw worker_threads pool, in one run: trivial tasks
// (return the input) and 100 µs busy tasks, same threads, same depth.
// Usage: node dist/bench/pool.js [--threads 2] [--inflight 32] [--seconds 1.5] [--rounds 3] [--json FILE]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Piscina } from 'piscina';
import { createPool } from '../src/pool/pool.js';
import { native } from '../src/native/binding.js';
import { cpuSource } from './lib/cpu.js';
import { drive, type DriveResult } from './lib/drive.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { table } from './lib/measure.js';
import { RawPool } from './lib/raw-pool.js';

const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    inflight: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '1.5' },
    rounds: { type: 'string', default: '3' },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log('Usage: node dist/bench/pool.js [--threads 2] [--inflight 32] [--seconds 1.5] [--rounds 3] [--json FILE]');
  process.exit(0);
}
const threads = Number(args.threads);
const inflight = Number(args.inflight);
const durationMs = Number(args.seconds) * 1000;
const rounds = Number(args.rounds);

const machine = machineInfo({ simd: native()?.simd() ?? 'none', native: native() !== null });
console.log(`hotpath pool dispatch benchmark\nmachine: ${describeMachine(machine)}`);
console.log(`${threads} threads, ${inflight} tasks in flight, ${rounds} rounds of ${durationMs / 1000} s per case; CPU: ${cpuSource()}\n`);

const hotpath = await createPool({ threads });
const piscina = new Piscina({ filename: new URL('./workers/piscina-worker.js', import.meta.url).href, minThreads: threads, maxThreads: threads });
const piscinaAsync = new Piscina({
  filename: new URL('./workers/piscina-worker.js', import.meta.url).href, minThreads: threads, maxThreads: threads, atomics: 'async',
});
const raw = new RawPool(new URL('./workers/raw-worker.js', import.meta.url), threads);
await Promise.all([raw.ready(), piscina.run({ v: 0 }), piscinaAsync.run({ v: 0 })]);

let n = 0;
const systems: Record<string, Record<string, () => Promise<unknown>>> = {
  hotpath: {
    trivial: () => hotpath.run('echo', n++, { placement: 'ts-worker' }),
    'busy 100us': () => hotpath.run('spin', { us: 100 }, { placement: 'ts-worker' }),
  },
  piscina: { trivial: () => piscina.run({ v: n++ }), 'busy 100us': () => piscina.run({ us: 100 }) },
  "piscina atomics:'async'": { trivial: () => piscinaAsync.run({ v: n++ }), 'busy 100us': () => piscinaAsync.run({ us: 100 }) },
  'raw worker_threads': { trivial: () => raw.run({ v: n++ }), 'busy 100us': () => raw.run({ us: 100 }) },
};
const workloads = ['trivial', 'busy 100us'];

// Warm-up: JIT tiers and the workers' first tasks, so no system pays them
// inside a measured window (the first one measured would otherwise).
for (const w of workloads) for (const sys of Object.values(systems)) await drive(sys[w], inflight, 300);

const samples = new Map<string, DriveResult[]>();
for (let r = 0; r < rounds; r++) {
  for (const w of workloads) {
    for (const [name, sys] of Object.entries(systems)) {
      const key = `${w}|${name}`;
      const res = await drive(sys[w], inflight, durationMs);
      samples.set(key, [...(samples.get(key) ?? []), res]);
      process.stdout.write(`\rround ${r + 1}/${rounds} ${w.padEnd(10)} ${name.padEnd(24)} ${res.opsPerSec.toFixed(0).padStart(7)} ops/s`);
    }
  }
}
process.stdout.write('\r'.padEnd(80) + '\r');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary: Record<string, { opsPerSec: number; cpuUsPerOp: number; p50Us: number; p99Us: number; spread: number }> = {};
const rows: string[][] = [];
for (const w of workloads) {
  for (const name of Object.keys(systems)) {
    const s = samples.get(`${w}|${name}`)!;
    const ops = s.map((x) => x.opsPerSec);
    const m = {
      opsPerSec: median(ops), cpuUsPerOp: median(s.map((x) => x.cpuUsPerOp)),
      p50Us: median(s.map((x) => x.p50Us)), p99Us: median(s.map((x) => x.p99Us)),
      spread: (Math.max(...ops) - Math.min(...ops)) / median(ops),
    };
    summary[`${w}|${name}`] = m;
    rows.push([w, name, m.opsPerSec.toFixed(0), `±${(m.spread * 50).toFixed(0)}%`, m.cpuUsPerOp.toFixed(1), m.p50Us.toFixed(0), m.p99Us.toFixed(0)]);
  }
}
console.log(table(['tasks', 'pool', 'ops/s', 'spread', 'main CPU µs/task', 'p50 µs', 'p99 µs'], rows));

const ratios: Record<string, number> = {};
for (const w of workloads) {
  const h = summary[`${w}|hotpath`];
  const p = summary[`${w}|piscina`];
  const x = summary[`${w}|raw worker_threads`];
  ratios[`${w}: hotpath / piscina ops/s`] = h.opsPerSec / p.opsPerSec;
  ratios[`${w}: hotpath / piscina main CPU per task`] = h.cpuUsPerOp / p.cpuUsPerOp;
  ratios[`${w}: hotpath / raw ops/s`] = h.opsPerSec / x.opsPerSec;
}
console.log('');
for (const [k, v] of Object.entries(ratios)) {
  const target = k.endsWith('piscina ops/s') ? ' (target >= 0.90: at most 10% slower than plain Piscina)' : k.endsWith('piscina main CPU per task') ? ' (target <= 1.10)' : '';
  console.log(`${k}: ${v.toFixed(2)}${target}`);
}
if (args.json) {
  writeFileSync(args.json, JSON.stringify({ machine, date: new Date().toISOString(), threads, inflight, durationMs, rounds, summary, ratios }, null, 2));
  console.log(`\nwrote ${args.json}`);
}
await Promise.all([hotpath.close(), piscina.destroy(), piscinaAsync.destroy(), raw.close()]);

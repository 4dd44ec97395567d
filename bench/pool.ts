// npm run bench:pool — dispatch cost of hotpath's pool (batched, and with
// batching off) against plain Piscina and a hand-written raw worker_threads
// pool, in one run: trivial tasks (return the input) and 100 µs busy tasks,
// same threads, same depth; and a lone task's round trip (1 in flight).
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
const unbatched = await createPool({ threads, maxBatch: 1 });
const piscina = new Piscina({ filename: new URL('./workers/piscina-worker.js', import.meta.url).href, minThreads: threads, maxThreads: threads });
const piscinaAsync = new Piscina({
  filename: new URL('./workers/piscina-worker.js', import.meta.url).href, minThreads: threads, maxThreads: threads, atomics: 'async',
});
const raw = new RawPool(new URL('./workers/raw-worker.js', import.meta.url), threads);
await Promise.all([raw.ready(), piscina.run({ v: 0 }), piscinaAsync.run({ v: 0 })]);

let n = 0;
type Work = 'trivial' | 'busy 100us' | 'lone trivial';
const hotpathTasks = (pool: typeof hotpath): Record<Work, () => Promise<unknown>> => ({
  trivial: () => pool.run('echo', n++, { placement: 'ts-worker' }),
  'busy 100us': () => pool.run('spin', { us: 100 }, { placement: 'ts-worker' }),
  'lone trivial': () => pool.run('echo', n++, { placement: 'ts-worker' }),
});
const piscinaTasks = (pool: Piscina): Record<Work, () => Promise<unknown>> => ({
  trivial: () => pool.run({ v: n++ }), 'busy 100us': () => pool.run({ us: 100 }), 'lone trivial': () => pool.run({ v: n++ }),
});
const systems: Record<string, Record<Work, () => Promise<unknown>>> = {
  hotpath: hotpathTasks(hotpath),
  'hotpath maxBatch:1': hotpathTasks(unbatched),
  piscina: piscinaTasks(piscina),
  "piscina atomics:'async'": piscinaTasks(piscinaAsync),
  'raw worker_threads': { trivial: () => raw.run({ v: n++ }), 'busy 100us': () => raw.run({ us: 100 }), 'lone trivial': () => raw.run({ v: n++ }) },
};
const workloads: Work[] = ['trivial', 'busy 100us', 'lone trivial'];
// A lone task measures round-trip latency: one in flight.
const depth = (w: Work) => (w === 'lone trivial' ? 1 : inflight);

// Warm-up: JIT tiers and the workers' first tasks, so no system pays them
// inside a measured window (the first one measured would otherwise).
for (const w of workloads) for (const sys of Object.values(systems)) await drive(sys[w], depth(w), 300);

const samples = new Map<string, DriveResult[]>();
for (let r = 0; r < rounds; r++) {
  for (const w of workloads) {
    for (const [name, sys] of Object.entries(systems)) {
      const key = `${w}|${name}`;
      const res = await drive(sys[w], depth(w), durationMs);
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
const targets: Record<string, string> = {};
const ratio = (name: string, a: number, b: number, target?: string) => {
  ratios[name] = a / b;
  if (target !== undefined) targets[name] = target;
};
for (const w of ['trivial', 'busy 100us'] as const) {
  const get = (name: string) => summary[`${w}|${name}`];
  // Issue 3: the pool's own bookkeeping (no batching) adds at most 10% over plain Piscina.
  ratio(`${w}: hotpath maxBatch:1 / piscina ops/s`, get('hotpath maxBatch:1').opsPerSec, get('piscina').opsPerSec, '>= 0.90');
  ratio(`${w}: hotpath maxBatch:1 / piscina main CPU per task`, get('hotpath maxBatch:1').cpuUsPerOp, get('piscina').cpuUsPerOp, '<= 1.10');
  // Issue 7: batched dispatch against the raw pool and Piscina.
  ratio(`${w}: hotpath / raw ops/s`, get('hotpath').opsPerSec, get('raw worker_threads').opsPerSec, w === 'trivial' ? '>= 0.80' : '>= 0.95');
  ratio(`${w}: hotpath / piscina ops/s`, get('hotpath').opsPerSec, get('piscina').opsPerSec, w === 'trivial' ? '>= 4' : undefined);
}
ratio('lone trivial: hotpath / piscina p50 round trip', summary['lone trivial|hotpath'].p50Us, summary['lone trivial|piscina'].p50Us, '<= 1.00');
console.log('');
for (const [k, v] of Object.entries(ratios)) {
  const t = targets[k];
  const ok = t === undefined ? '' : (t.startsWith('>=') ? v >= Number(t.slice(3)) : v <= Number(t.slice(3))) ? '  ok' : '  MISSED';
  console.log(`${k}: ${v.toFixed(2)}${t ? ` (target ${t})${ok}` : ''}`);
}
if (args.json) {
  writeFileSync(args.json, JSON.stringify({ machine, date: new Date().toISOString(), threads, inflight, durationMs, rounds, summary, ratios, targets }, null, 2));
  console.log(`\nwrote ${args.json}`);
}
await Promise.all([hotpath.close(), unbatched.close(), piscina.destroy(), piscinaAsync.destroy(), raw.close()]);

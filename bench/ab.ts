// A/B of hotpath's dispatch against an earlier build of itself, interleaved in
// one run, with the raw worker_threads pool and Piscina alongside: the pool
// suite's workloads (echo, toplist of 1 event and of 4 KB, 100 µs spin),
// `--rounds` rounds of each system in turn, medians and spreads (max-min over
// median), and CPU per task: the event loop's, and every thread's (the
// process's: peers' workers included, other processes not). `--aa` adds a
// second pool of this build, run like the others: its ratio to the first is
// the run's resolution (an A/B within it is noise). On Linux, the share of
// the machine's CPU each system left idle (bound by hand-offs, not by CPU).
// `--loop-us N` adds the raw pool once more with N µs of busy work on the
// event loop as each result comes back: what N µs more of the loop's CPU a
// task costs a pool's throughput (a calibration for hotpath's own).
// Usage: node dist/bench/ab.js --base /path/to/old/dist/src/index.js
//   [--aa] [--loop-us N] [--tasks-per-worker N] [--threads 2] [--inflight 32] [--ms 300] [--rounds 7] [--only toplist] [--no-peers]
import { parseArgs } from 'node:util';
import { machineTicks } from './lib/cpu.js';
import { drive } from './lib/drive.js';
import { startSystems, type PoolUnderTest } from './lib/peers.js';

const { values: a } = parseArgs({
  options: {
    base: { type: 'string' }, threads: { type: 'string', default: '2' }, inflight: { type: 'string', default: '32' },
    ms: { type: 'string', default: '300' }, rounds: { type: 'string', default: '7' }, only: { type: 'string' }, 'no-peers': { type: 'boolean', default: false },
    aa: { type: 'boolean', default: false }, 'tasks-per-worker': { type: 'string' }, 'loop-us': { type: 'string' },
  },
});
const threads = Number(a.threads);
const inflight = Number(a.inflight);
const ms = Number(a.ms);
const rounds = Number(a.rounds);

async function hotpathFrom(url: string, name: string): Promise<PoolUnderTest> {
  const { createPool } = (await import(url)) as typeof import('../src/index.js');
  const p = await createPool({ threads, ...(a['tasks-per-worker'] === undefined ? {} : { tasksPerWorker: Number(a['tasks-per-worker']) }) });
  const o = { placement: 'ts-worker' } as const;
  return {
    name, trivial: (v) => p.run('echo', v, o), busy: (us) => p.run('spin', { us }, o),
    toplist: (events, k) => p.run('toplist', { events, k }, o), close: () => p.close(),
  };
}

const ONE = Uint32Array.of(7);
const K4 = Uint32Array.from({ length: 1024 }, (_, i) => Math.imul(i, 2654435761) >>> 24);
let n = 0;
const WORK: Record<string, (s: PoolUnderTest) => Promise<unknown>> = {
  echo: (s) => s.trivial(n++),
  'toplist 1': (s) => s.toplist(ONE.slice(), 1),
  'toplist 4K': (s) => s.toplist(K4.slice(), 10),
  'busy 100us': (s) => s.busy(100),
};
const works = Object.keys(WORK).filter((w) => a.only === undefined || w.includes(a.only));

const systems: PoolUnderTest[] = [await hotpathFrom('../src/index.js', 'hotpath')];
if (a.aa) systems.push(await hotpathFrom('../src/index.js', 'hotpath again'));
if (a.base !== undefined) systems.push(await hotpathFrom(a.base, 'hotpath base'));
if (!a['no-peers']) systems.push(...(await startSystems(threads, ['piscina', 'raw worker_threads'])).systems);
const loopUs = a['loop-us'] === undefined ? undefined : Number(a['loop-us']);
if (loopUs !== undefined) systems.push(await rawWithLoopWork(loopUs));

/** The raw pool, spending `us` more of the event loop's time on every result. */
async function rawWithLoopWork(us: number): Promise<PoolUnderTest> {
  const [raw] = (await startSystems(threads, ['raw worker_threads'])).systems;
  const work = <T>(v: T): T => {
    for (const end = performance.now() + us / 1000; performance.now() < end;);
    return v;
  };
  return {
    name: `raw +${us}us loop`, trivial: (v) => raw.trivial(v).then(work), busy: (n) => raw.busy(n).then(work),
    toplist: (events, k) => raw.toplist(events, k).then(work), close: () => raw.close(),
  };
}
for (const s of systems) await s.trivial(0);

const ops = new Map<string, number[]>();
const cpu = new Map<string, number[]>();
/** CPU of the whole process (every thread) per task: what a loaded machine runs out of. */
const all = new Map<string, number[]>();
/** The share of the machine's CPU left idle while a system ran (Linux only). */
const idle = new Map<string, number[]>();
for (const w of works) for (const s of systems) await drive(() => WORK[w](s), inflight, ms / 3);
for (let r = 0; r < rounds; r++) {
  for (const w of works) {
    // A different order each round: no system always runs first or last.
    const order = systems.map((_, i) => systems[(i + r) % systems.length]);
    for (const s of order) {
      const c0 = process.cpuUsage();
      const m0 = machineTicks();
      const res = await drive(() => WORK[w](s), inflight, ms);
      const c = process.cpuUsage(c0);
      const m1 = machineTicks();
      const key = `${w}|${s.name}`;
      if (m0 !== undefined && m1 !== undefined && m1.total > m0.total) idle.set(key, [...(idle.get(key) ?? []), (m1.idle - m0.idle) / (m1.total - m0.total)]);
      all.set(key, [...(all.get(key) ?? []), (c.user + c.system) / res.ops]);
      ops.set(key, [...(ops.get(key) ?? []), res.opsPerSec]);
      cpu.set(key, [...(cpu.get(key) ?? []), res.cpuUsPerOp]);
    }
  }
}
const median = (x: number[]) => { const s = [...x].sort((p, q) => p - q); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const spread = (x: number[]) => (Math.max(...x) - Math.min(...x)) / median(x);
/** Median and interquartile range. */
const cell = (x: number[], d: number) => {
  const s = [...x].sort((p, q) => p - q);
  return `${median(x).toFixed(d)} (IQR ${s[Math.floor(s.length / 4)].toFixed(d)}-${s[Math.floor((3 * s.length) / 4)].toFixed(d)})`;
};
const idleCell = (key: string) => {
  const x = idle.get(key);
  return x === undefined ? '' : `  machine idle ${(100 * median(x)).toFixed(0)}%`;
};
console.log(`threads ${threads}, ${inflight} in flight, ${rounds} rounds x ${ms} ms`);
for (const w of works) {
  const m = (name: string) => median(ops.get(`${w}|${name}`) ?? [NaN]);
  for (const s of systems) {
    const x = ops.get(`${w}|${s.name}`)!;
    console.log(`${w.padEnd(11)} ${s.name.padEnd(20)} ${(median(x) / 1000).toFixed(1).padStart(7)}k ops/s  spread ${(100 * spread(x)).toFixed(0).padStart(3)}%  main CPU ${cell(cpu.get(`${w}|${s.name}`)!, 2)} µs/task  all threads ${cell(all.get(`${w}|${s.name}`)!, 1)} µs/task${idleCell(`${w}|${s.name}`)}`);
  }
  // Per-round ratios too: each round's pair ran back to back.
  const perRound = (p: string, q: string) => {
    const xs = ops.get(`${w}|${p}`); const ys = ops.get(`${w}|${q}`);
    if (xs === undefined || ys === undefined) return '';
    const r = xs.map((x, i) => x / ys[i]);
    return `${(m(p) / m(q)).toFixed(2)} (per-round median ${median(r).toFixed(2)}, ${Math.min(...r).toFixed(2)}-${Math.max(...r).toFixed(2)})`;
  };
  console.log(`  ${w}: hotpath/raw ${perRound('hotpath', 'raw worker_threads')}; hotpath/piscina ${perRound('hotpath', 'piscina')}${a.base ? `; hotpath/base ${perRound('hotpath', 'hotpath base')}; base/raw ${perRound('hotpath base', 'raw worker_threads')}` : ''}${a.aa ? `; A/A hotpath/again ${perRound('hotpath', 'hotpath again')}` : ''}${loopUs === undefined ? '' : `; raw +${loopUs}us loop/raw ${perRound(`raw +${loopUs}us loop`, 'raw worker_threads')}`}`);
}
await Promise.all(systems.map((s) => s.close()));

// npm run bench:profile — what profiling costs the pool: throughput with and
// without a capture running (CPU profiles on every thread + task tracing), in
// one run. Windows come in off/on pairs, back to back and in alternating
// order, and the overhead is the median of the pairs' ratios: on a shared
// 2-core machine throughput drifts by 2x between windows (echo: 24k..57k
// ops/s in one run), so only adjacent windows compare. Also the cost of
// stopping a capture (collecting the profiles, building the summary and the
// flame graph) and the size of what it writes.
// Usage: node dist/bench/profile-overhead.js [--threads N] [--inflight 4] [--seconds 1] [--pairs 8] [--interval-us 1000] [--json FILE]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { syntheticCatalog } from '../src/catalog/synthetic.js';
import { native } from '../src/native/binding.js';
import { createPool } from '../src/pool/pool.js';
import { packProfile } from '../src/profile/archive.js';
import { startCapture } from '../src/profile/capture.js';
import { workloadCall, WORKLOAD_DEFAULTS, type WorkloadOptions } from '../src/profile/workload.js';
import { drive } from './lib/drive.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { table } from './lib/measure.js';

const { values: args } = parseArgs({
  options: {
    threads: { type: 'string' },
    inflight: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '1' },
    pairs: { type: 'string', default: '8' },
    'interval-us': { type: 'string', default: '1000' },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log('Usage: node dist/bench/profile-overhead.js [--threads N] [--inflight 4] [--seconds 1] [--pairs 8] [--interval-us 1000] [--json FILE]');
  process.exit(0);
}
const inflight = Number(args.inflight);
const durationMs = Number(args.seconds) * 1000;
const rounds = Number(args.pairs);
const intervalUs = Number(args['interval-us']);

const machine = machineInfo({ simd: native()?.simd() ?? 'none', native: native() !== null });
const items = 100_000;
const catalog = syntheticCatalog({ items, dims: 128, seed: 42 });
const pool = await createPool({ catalog, threads: args.threads === undefined ? undefined : Number(args.threads) });
console.log(`hotpath profiling overhead\nmachine: ${describeMachine(machine)}`);
console.log(`${pool.threads} worker threads, ${inflight} tasks in flight, ${rounds} pairs of ${durationMs / 1000} s windows (off, on) per case, ` +
  `sampling every ${intervalUs} µs on the main thread and every worker; load average at start ${loadavg()[0].toFixed(2)}\n`);

const base = { ...WORKLOAD_DEFAULTS, items, durationMs, concurrency: inflight };
const cases: Record<string, () => Promise<unknown>> = {
  // Dispatch-bound: the main thread's sampling and tracing costs show most here.
  'echo (trivial)': () => pool.run('echo', 1, { placement: 'ts-worker' }),
  'topk ts-worker 100k': workloadCall(pool, { ...base, kernel: 'topk', placement: 'ts-worker' } as WorkloadOptions),
  'topk native-worker 100k': workloadCall(pool, { ...base, kernel: 'topk', placement: 'native-worker' } as WorkloadOptions),
};

// Warm-up: JIT tiers and first tasks out of the measured windows.
for (const call of Object.values(cases)) await drive(call, inflight, 500);

interface Sample { off: number[]; on: number[]; stopMs: number[]; bytes: number[]; zipBytes: number[] }
const results = new Map<string, Sample>();
for (let r = 0; r < rounds; r++) {
  for (const [name, call] of Object.entries(cases)) {
    const s = results.get(name) ?? { off: [], on: [], stopMs: [], bytes: [], zipBytes: [] };
    results.set(name, s);
    // Alternate the order each round so neither side always runs second.
    for (const profiled of r % 2 === 0 ? [false, true] : [true, false]) {
      if (!profiled) {
        s.off.push((await drive(call, inflight, durationMs)).opsPerSec);
        continue;
      }
      const capture = await startCapture(pool, { intervalUs });
      s.on.push((await drive(call, inflight, durationMs)).opsPerSec);
      const t0 = performance.now();
      const { files } = await capture.stop();
      s.stopMs.push(performance.now() - t0);
      s.bytes.push([...files.values()].reduce((n, f) => n + Buffer.byteLength(f), 0));
      s.zipBytes.push(packProfile({ files }).body.length);
    }
    if (process.stdout.isTTY) process.stdout.write(`\rround ${r + 1}/${rounds} ${name.padEnd(26)}`);
  }
}
if (process.stdout.isTTY) process.stdout.write('\r'.padEnd(60) + '\r');
await pool.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const summary: Record<string, { offOpsPerSec: number; onOpsPerSec: number; overhead: number; overheadP25: number; overheadP75: number; stopMs: number; filesKiB: number; zipKiB: number }> = {};
const rows: string[][] = [];
for (const [name, s] of results) {
  const costs = s.on.map((on, i) => 1 - on / s.off[i]);
  const e = {
    offOpsPerSec: median(s.off), onOpsPerSec: median(s.on), overhead: median(costs), overheadP25: quantile(costs, 0.25), overheadP75: quantile(costs, 0.75),
    stopMs: median(s.stopMs), filesKiB: median(s.bytes) / 1024, zipKiB: median(s.zipBytes) / 1024,
  };
  summary[name] = e;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  rows.push([name, e.offOpsPerSec.toFixed(0), e.onOpsPerSec.toFixed(0), pct(e.overhead), `${pct(e.overheadP25)}..${pct(e.overheadP75)}`,
    e.stopMs.toFixed(0), e.filesKiB.toFixed(0), e.zipKiB.toFixed(0)]);
}
console.log(table(['case', 'ops/s off', 'ops/s on', 'overhead', 'middle half', 'stop ms', 'files KiB', 'zip KiB'], rows));
console.log('\nops/s: medians of the windows; overhead = 1 - on/off per adjacent pair, median (middle half: 25th..75th percentile of the pairs);\n' +
  `stop = collecting the profiles + building summary and flame graph after a ${durationMs / 1000} s window (not in the throughput); ` +
  `load average at end ${loadavg()[0].toFixed(2)} (other processes on the machine widen the ranges)`);

if (args.json !== undefined) {
  writeFileSync(args.json, JSON.stringify({ machine, loadAverageAtEnd: loadavg()[0], threads: pool.threads, inflight, seconds: durationMs / 1000, pairs: rounds, intervalUs, results: summary }, null, 2) + '\n');
  console.log(`wrote ${args.json}`);
}

// npm run bench:pool — the `pool` suite of `hotpath bench` alone: dispatch
// cost of hotpath's pool (batched, and with batching off) against plain
// Piscina, tinypool, workerpool, poolifier and a raw worker_threads pool,
// trivial and 100 µs tasks, same threads, same depth, and a lone task's
// round trip; then the target ratios quoted in issue notes.
// Usage: node dist/bench/pool.js [--quick] [--threads 2] [--inflight 32] [--seconds S] [--rounds N] [--systems a,b] [--json FILE]
// --systems: only these pools (names as in the table, comma-separated), e.g. hotpath,piscina,'raw worker_threads'
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runBench } from './run.js';

const USAGE = 'Usage: node dist/bench/pool.js [--quick] [--threads 2] [--inflight 32] [--seconds S] [--rounds N] [--systems a,b] [--json FILE]';
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    threads: { type: 'string', default: '2' },
    inflight: { type: 'string' },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    systems: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(`${USAGE}\n(the pool suite of hotpath bench; window and rounds default to its profile's)`);
  process.exit(0);
}
const { results } = await runBench({
  profile: args.quick ? 'quick' : 'full', suites: ['pool'], threads: Number(args.threads), argv: process.argv.slice(2),
  tune: (p) => {
    if (args.inflight !== undefined) p.pool.inflight = Number(args.inflight);
    if (args.seconds !== undefined) p.pool.windowMs = Number(args.seconds) * 1000;
    if (args.rounds !== undefined) p.rounds = Number(args.rounds);
    if (args.systems !== undefined) p.pool = { ...p.pool, systems: args.systems.split(',').map((x) => x.trim()) };
    return p;
  },
});
if (args.json) {
  writeFileSync(args.json, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${args.json}`);
}
if (results.suites.some((s) => s.status === 'failed')) process.exitCode = 1;

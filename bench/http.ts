// npm run bench:http — does the service keep its event loop free? The server
// runs in a child process (`hotpath serve`, default catalog); for each
// placement, one autocannon saturates POST /v1/recommend while a second,
// light one (1 connection, a fixed rate) measures GET /healthz. The number
// that matters is /healthz p99 under load divided by its idle p99: inline
// placements compute on the loop and /healthz waits behind them; worker
// placements leave the loop to HTTP.
// Usage: node dist/bench/http.js [--seconds 5] [--connections 16] [--health-rate 100]
//        [--placements ts-inline,native-inline,...] [--items 100000] [--threads N] [--json FILE]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { native } from '../src/native/binding.js';
import { PLACEMENTS } from '../src/pool/types.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { table } from './lib/measure.js';

interface AcOptions {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  overallRate?: number;
  ignoreCoordinatedOmission?: boolean;
}
interface AcResult {
  requests: { average: number; total: number };
  latency: { p50: number; p97_5: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
/** autocannon's instance: a promise of the result and an emitter of each response. */
type AcInstance = Promise<AcResult> & { on(ev: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void };
// autocannon 8 ships no types; these are the fields used here (autocannon's README).
const autocannon = createRequire(import.meta.url)('autocannon') as (o: AcOptions) => AcInstance;

const USAGE = 'Usage: node dist/bench/http.js [--seconds 5] [--connections 16] [--health-rate 100] ' +
  '[--placements a,b] [--items 100000] [--threads N] [--json FILE]';
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
    'health-rate': { type: 'string', default: '100' },
    placements: { type: 'string', default: PLACEMENTS.join(',') },
    items: { type: 'string', default: '100000' },
    threads: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const healthRate = Number(args['health-rate']);
const placements = args.placements.split(',');
for (const p of placements) if (!PLACEMENTS.includes(p as never)) throw new Error(`unknown placement ${p}; ${USAGE}`);

const machine = machineInfo({ simd: native()?.simd() ?? 'none', native: native() !== null });
console.log(`hotpath HTTP benchmark: /v1/recommend saturated, /healthz measured beside it\nmachine: ${describeMachine(machine)}`);

// --- the server, in a child process ---------------------------------------
const cli = fileURLToPath(new URL('../src/cli/hotpath.js', import.meta.url));
const serverArgs = [cli, 'serve', '--port', '0', '--catalog-items', args.items, ...(args.threads ? ['--threads', args.threads] : [])];
const child = spawn(process.execPath, serverArgs, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'info' } });
const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
const listening = await new Promise<string>((resolve, reject) => {
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const msg = String((JSON.parse(line) as { msg?: string }).msg);
    if (msg.includes('listening on')) resolve(msg);
  });
  void exited.then((code) => reject(new Error(`server exited with ${code} before listening`)));
});
const base = /listening on (\S+)/.exec(listening)![1];
console.log(`server: ${listening.replace(/^hotpath /, '')}`);
console.log(`load: ${connections} connections on POST /v1/recommend {"itemId": 1, "k": 10} for ${seconds} s per placement ` +
  `(after 1 s of warm-up); /healthz at ${healthRate} req/s on 1 connection. autocannon runs in this process, ` +
  `on the same ${machine.cores} cores as the server.\n`);

interface Probe {
  answered: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

/**
 * The light /healthz probe: one connection, `healthRate` requests a second
 * (autocannon sends each second's requests back to back, then waits for the
 * next second: 100 sequential requests of ~0.3 ms, then ~970 ms idle).
 * Latencies come from autocannon's per-response durations (hrtime, fractional
 * ms) rather than its histogram: that one has 1 ms resolution, and with a rate
 * its coordinated-omission correction assumes a 1 ms interval whatever the rate
 * (Math.ceil(1 / rate) in autocannon 8.0.0), which back-fills one 20 ms GC
 * pause into twenty samples. A request still unanswered when the window
 * closes is not counted: `answered` shows how many got through.
 */
async function health(duration: number): Promise<Probe> {
  const ms: number[] = [];
  const run = autocannon({ url: `${base}/healthz`, connections: 1, duration, overallRate: healthRate, ignoreCoordinatedOmission: true });
  run.on('response', (_c, status, _b, t) => {
    if (status === 200) ms.push(t);
  });
  const r = await run;
  ms.sort((a, b) => a - b);
  const pct = (p: number) => (ms.length === 0 ? NaN : ms[Math.min(ms.length - 1, Math.ceil((p / 100) * ms.length) - 1)]);
  return { answered: ms.length, p50: pct(50), p99: pct(99), max: pct(100), errors: r.errors + r.timeouts + r.non2xx };
}

const recommend = (placement: string, duration: number) => autocannon({
  url: `${base}/v1/recommend?placement=${placement}`, connections, duration, method: 'POST',
  headers: { 'content-type': 'application/json' }, body: '{"itemId": 1, "k": 10}',
});

const f = (ms: number) => (Number.isNaN(ms) ? '-' : ms < 10 ? ms.toFixed(2) : ms.toFixed(0));

await health(1); // warm-up: the server's first requests compile its routes
const idle = await health(seconds);
console.log(`/healthz idle: p50 ${f(idle.p50)} ms, p99 ${f(idle.p99)} ms, max ${f(idle.max)} ms (${idle.answered} answered)\n`);

interface Row {
  placement: string;
  recommend: { reqPerSec: number; p50: number; p97_5: number; p99: number; errors: number; non2xx: number };
  healthz: Probe;
  ratio: number;
}
const rows: Row[] = [];
for (const placement of placements) {
  await recommend(placement, 1);
  const [load, h] = await Promise.all([recommend(placement, seconds), health(seconds)]);
  const row: Row = {
    placement,
    recommend: {
      reqPerSec: load.requests.average, p50: load.latency.p50, p97_5: load.latency.p97_5, p99: load.latency.p99,
      errors: load.errors + load.timeouts, non2xx: load.non2xx,
    },
    healthz: h,
    ratio: h.p99 / idle.p99,
  };
  rows.push(row);
  console.log(`${placement.padEnd(14)} recommend ${row.recommend.reqPerSec.toFixed(0).padStart(6)} req/s, /healthz p99 ${f(h.p99)} ms (${h.answered} answered)`);
}

child.kill('SIGTERM');
const code = await exited;

console.log('\n' + table(
  ['placement', 'recommend req/s', 'p50 ms', 'p97.5 ms', 'p99 ms', 'errors', '/healthz answered', 'p50 ms', 'p99 ms', 'max ms', 'p99 load/idle'],
  rows.map((r) => [
    r.placement, r.recommend.reqPerSec.toFixed(0), String(r.recommend.p50), String(r.recommend.p97_5), String(r.recommend.p99),
    String(r.recommend.errors + r.recommend.non2xx), String(r.healthz.answered), f(r.healthz.p50), f(r.healthz.p99), f(r.healthz.max),
    Number.isNaN(r.ratio) ? 'no answer' : `${r.ratio.toFixed(1)}x`,
  ]),
));
console.log(`\n/healthz idle: p50 ${f(idle.p50)} ms, p99 ${f(idle.p99)} ms over ${idle.answered} requests. ` +
  'recommend latencies are autocannon\'s (whole ms); /healthz ones are per response (hrtime).');
console.log(`server exit code after SIGTERM: ${code}`);
if (args.json) {
  writeFileSync(args.json, JSON.stringify({ machine, date: new Date().toISOString(), seconds, connections, healthRate, server: listening, idle, rows }, null, 2));
  console.log(`wrote ${args.json}`);
}

// Suite `http`: does the service keep its event loop free? The service runs
// in a child process (`hotpath serve`, default catalog); for each compute
// route x placement, autocannon saturates the route while a light probe
// (1 connection, 100 req/s) measures GET /healthz beside it. The number
// that matters is /healthz p99 under load / its idle p99 (the loop-latency
// ratio): inline placements compute on the loop and /healthz waits behind
// them; worker placements leave the loop to HTTP. /metrics is scraped before
// and after each window for the server's own event-loop delay p99 and its
// pool utilization over that window.
import { httpDriver, type RouteLoad, type ServerHandle } from '../lib/http-driver.js';
import { skipped, type CaseResult, type SuiteOutcome, type Verdict } from '../lib/results.js';
import { poolInput } from '../lib/sizes.js';
import { metric, noisy, pickBest } from '../lib/stats.js';
import type { Suite, SuiteContext } from '../lib/suite.js';
import { PLACEMENTS } from '../../src/pool/types.js';

const PROBE_RATE = 100;

/**
 * The most req/s is often an inline placement (no dispatch), while /healthz
 * waits 15-60x its idle p99 behind it. The second verdict per route picks
 * among placements that keep /healthz p99 within this factor of idle (worker
 * placements measured 1-3x here, inline ones 15x and more).
 */
export const LOOP_RATIO_OK = 3;

function routes(): RouteLoad[] {
  const events = poolInput('toplist', 'small').events as Uint32Array;
  const samples = poolInput('fingerprint', 'small').samples as Float32Array;
  const bytes = (a: Uint32Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return [
    { name: 'recommend', path: '/v1/recommend', method: 'POST', contentType: 'application/json', body: '{"itemId": 1, "k": 10}' },
    { name: 'toplist', path: '/v1/toplist?k=10', method: 'POST', contentType: 'application/octet-stream', body: bytes(events) },
    { name: 'fingerprint', path: '/v1/fingerprint?sampleRate=16000', method: 'POST', contentType: 'application/octet-stream', body: bytes(samples) },
  ];
}

interface Sample {
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  healthP99: number;
  ratio: number;
  loopP99Ms: number;
  utilization: number;
}

async function run(ctx: SuiteContext): Promise<SuiteOutcome> {
  const driver = httpDriver();
  const why = driver.available();
  if (why !== null) return skipped(why);
  const { seconds, warmupSeconds, connections, items } = ctx.profile.http;
  const rounds = ctx.profile.rounds;
  const list = routes();
  const placements = [...PLACEMENTS];
  let server: ServerHandle | undefined;
  try {
    server = await driver.start({ items });
    const url = server.url;
    const cases = list.flatMap((route) => placements.map((placement) => ({ route, placement, samples: [] as Sample[], unanswered: 0 })));
    ctx.progress.begin('http', rounds * (cases.length + 1) + cases.length);
    await driver.probe(url, Math.min(1, seconds), PROBE_RATE); // the server's first requests compile its routes
    for (const c of cases) {
      await driver.load(url, c.route, c.placement, warmupSeconds, connections);
      ctx.progress.step(`warm-up ${c.route.name} ${c.placement}`);
    }
    const idle: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Idle /healthz p99 once per round: the ratio's denominator sees the same neighbours.
      const quiet = await driver.probe(url, seconds, PROBE_RATE);
      idle.push(quiet.p99);
      ctx.progress.step(`round ${r + 1}/${rounds} /healthz idle`, `p99 ${quiet.p99.toFixed(2)} ms`);
      for (const c of cases) {
        const before = await driver.scrape(url);
        const [load, health] = await Promise.all([driver.load(url, c.route, c.placement, seconds, connections), driver.probe(url, seconds, PROBE_RATE)]);
        const after = await driver.scrape(url);
        const windowS = (after.at - before.at) / 1000;
        // No /healthz answer in the whole window: the loop was blocked at
        // least that long, so the window is a lower bound of its p99.
        const healthP99 = health.answered > 0 ? health.p99 : seconds * 1000;
        c.unanswered += health.answered > 0 ? 0 : 1;
        c.samples.push({
          ...load,
          healthP99,
          ratio: healthP99 / quiet.p99,
          loopP99Ms: after.loopP99 * 1000,
          utilization: (after.busySeconds - before.busySeconds) / (after.threads * windowS),
        });
        ctx.progress.step(`round ${r + 1}/${rounds} ${c.route.name} ${c.placement}`, `${load.reqPerSec.toFixed(0)} req/s, /healthz p99 ${health.p99.toFixed(1)} ms`);
      }
    }
    const out: CaseResult[] = [];
    const verdicts: Verdict[] = [];
    for (const route of list) {
      const entries: { name: string; metric: CaseResult['metrics'][string] }[] = [];
      const loopFree: typeof entries = [];
      for (const c of cases.filter((x) => x.route === route)) {
        const s = c.samples;
        const metrics: CaseResult['metrics'] = {
          'req/s': metric(s.map((x) => x.reqPerSec), 'req/s', 'higher'),
          p50: metric(s.map((x) => x.p50), 'ms', 'lower'),
          p99: metric(s.map((x) => x.p99), 'ms', 'lower'),
          'healthz p99': metric(s.map((x) => x.healthP99), 'ms', 'lower'),
          'loop-latency ratio': metric(s.map((x) => x.ratio), 'x', 'lower'),
          'server loop delay p99': metric(s.map((x) => x.loopP99Ms), 'ms', 'lower'),
          'pool utilization': metric(s.map((x) => x.utilization), '0..1', 'higher'),
        };
        // Inline placements never touch the pool: 0 utilization is the truth,
        // not a failed measurement, and a ratio of 0 to itself is meaningless.
        if (s.every((x) => !(x.utilization > 0))) delete metrics['pool utilization'];
        for (const [k, m] of Object.entries(metrics)) if (!m.samples.every(Number.isFinite)) delete metrics[k];
        entries.push({ name: c.placement, metric: metrics['req/s'] });
        if (metrics['loop-latency ratio'] !== undefined && metrics['loop-latency ratio'].median <= LOOP_RATIO_OK) loopFree.push({ name: c.placement, metric: metrics['req/s'] });
        out.push({
          id: `http/${route.name}/${c.placement}`,
          labels: {
            route: `${route.method} ${route.path.split('?')[0]}`, placement: c.placement, connections, errors: s.reduce((n, x) => n + x.errors, 0),
            healthz: c.unanswered === 0 ? 'answered' : `no answer in ${c.unanswered} of ${s.length} windows: p99 >= the window`,
          },
          metrics, primary: 'req/s', noisy: noisy(metrics['req/s']),
        });
      }
      verdicts.push({ group: `${route.name}: req/s`, metric: 'req/s', ...pickBest(entries) });
      verdicts.push({ group: `${route.name}: req/s, /healthz p99 within ${LOOP_RATIO_OK}x of idle`, metric: 'req/s', ...pickBest(loopFree) });
    }
    return {
      status: 'ok',
      params: {
        server: server.banner, items, seconds, connections, rounds, probeRatePerSec: PROBE_RATE,
        idleHealthzP99Ms: metric(idle, 'ms', 'lower'),
        bodies: Object.fromEntries(list.map((r) => [r.name, typeof r.body === 'string' ? r.body : `${r.body.byteLength} bytes`])),
      },
      cases: out, verdicts, ratios: [],
    };
  } finally {
    await server?.stop();
  }
}

export const httpSuite: Suite = { name: 'http', title: 'HTTP: the service under load, and its event loop beside it', run };

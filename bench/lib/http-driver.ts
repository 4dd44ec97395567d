// What the http suite needs from a service under load, behind one small
// interface (HttpDriver): start the service in a child process, load one
// route with autocannon, probe /healthz beside it, scrape /metrics. This is
// the same method as bench/http.ts (bench:http), which has no exports yet;
// when it gains some, `httpDriver()` can return an adapter over them.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { netCause } from '../../src/cli/messages.js';

export interface ServerHandle {
  url: string;
  /** The server's startup line (threads, catalog, native). */
  banner: string;
  stop(): Promise<number | null>;
}

export interface RouteLoad {
  name: string;
  path: string;
  method: 'POST';
  contentType: string;
  body: string | Buffer;
}

export interface LoadResult {
  reqPerSec: number;
  /** Round trip per response, ms. */
  p50: number;
  p99: number;
  errors: number;
}

export interface ProbeResult {
  answered: number;
  p50: number;
  p99: number;
}

export interface Scrape {
  at: number;
  /** Event-loop delay p99 since the previous scrape (prom-client resets its histogram on each collect), seconds. */
  loopP99: number;
  /** hotpath_pool_busy_seconds_total: a counter. */
  busySeconds: number;
  threads: number;
}

export interface HttpDriver {
  available(): string | null;
  start(opts: { items: number }): Promise<ServerHandle>;
  load(url: string, route: RouteLoad, placement: string, seconds: number, connections: number): Promise<LoadResult>;
  probe(url: string, seconds: number, ratePerSec: number): Promise<ProbeResult>;
  scrape(url: string): Promise<Scrape>;
}

interface AcOptions {
  url: string; connections: number; duration: number; method?: string; headers?: Record<string, string>;
  body?: string | Buffer; overallRate?: number; ignoreCoordinatedOmission?: boolean; sampleInt?: number;
}
interface AcResult { errors: number; timeouts: number; non2xx: number }
type AcInstance = Promise<AcResult> & { on(ev: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void };
// autocannon 8 ships no types: these are the fields used (autocannon's README). It
// checks its stop flag once per `sampleInt` (default 1000 ms): a 0.5 s run
// lasted 1 s until SAMPLE_MS made it stop within 50 ms of its duration.
const SAMPLE_MS = 50;
const autocannon = () => createRequire(import.meta.url)('autocannon') as (o: AcOptions) => AcInstance;

const cli = fileURLToPath(new URL('../../src/cli/hotpath.js', import.meta.url));
const serveModule = fileURLToPath(new URL('../../src/cli/serve.js', import.meta.url));

/** Nearest-rank percentile (NaN for no samples). Sorts `ms` in place. */
function percentile(ms: number[], p: number): number {
  if (ms.length === 0) return NaN;
  ms.sort((a, b) => a - b);
  return ms[Math.min(ms.length - 1, Math.ceil((p / 100) * ms.length) - 1)];
}

/** Reads `name{...} value` lines of the Prometheus text format (enough for gauges and counters). */
export function promValue(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && (line[name.length] === ' ' || line[name.length] === '{')) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

export const childServer: HttpDriver = {
  available() {
    if (!existsSync(cli) || !existsSync(serveModule)) return 'the service is not built (no dist/src/cli/serve.js: run npm run build)';
    try {
      autocannon();
    } catch {
      return 'autocannon is not installed (a devDependency: npm install)';
    }
    return null;
  },

  async start({ items }) {
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--catalog-items', String(items)], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' },
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const banner = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        try {
          const msg = String((JSON.parse(line) as { msg?: string }).msg);
          if (msg.includes('listening on')) resolve(msg);
        } catch { /* not a log line */ }
      });
      void exited.then((code) => reject(new Error(`the server exited with ${code} before listening: ${stderr.slice(-500)}`)));
    });
    child.stdout!.resume();
    return {
      url: /listening on (\S+)/.exec(banner)![1],
      banner,
      stop: async () => {
        child.kill('SIGTERM');
        return exited;
      },
    };
  },

  // Latencies per response (hrtime, fractional ms), as for the probe:
  // autocannon's own percentiles are whole ms, and a 0.4 ms p50 reads 0.
  async load(url, route, placement, seconds, connections) {
    const ms: number[] = [];
    const t0 = performance.now();
    const run = autocannon()({
      url: `${url}${route.path}${route.path.includes('?') ? '&' : '?'}placement=${placement}`, connections, duration: seconds,
      method: route.method, headers: { 'content-type': route.contentType }, body: route.body, sampleInt: SAMPLE_MS,
    });
    run.on('response', (_c, _status, _b, t) => ms.push(t));
    const r = await run;
    const elapsedS = (performance.now() - t0) / 1000;
    return { reqPerSec: ms.length / elapsedS, p50: percentile(ms, 50), p99: percentile(ms, 99), errors: r.errors + r.timeouts + r.non2xx };
  },

  // One connection at a fixed rate. Latencies per response (hrtime, fractional
  // ms) rather than autocannon's 1 ms histogram, whose coordinated-omission
  // correction back-fills one pause into many samples (see bench/http.ts).
  async probe(url, seconds, ratePerSec) {
    const ms: number[] = [];
    const run = autocannon()({ url: `${url}/healthz`, connections: 1, duration: seconds, overallRate: ratePerSec, ignoreCoordinatedOmission: true, sampleInt: SAMPLE_MS });
    run.on('response', (_c, status, _b, t) => {
      if (status === 200) ms.push(t);
    });
    await run;
    return { answered: ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99) };
  },

  async scrape(url) {
    let text: string;
    try {
      text = await (await fetch(`${url}/metrics`)).text();
    } catch (err) {
      // undici says only "fetch failed" (the server died mid-run, say): name the URL and why.
      throw new Error(`cannot reach ${url}/metrics: ${netCause(err)}`, { cause: err });
    }
    return {
      at: performance.now(),
      loopP99: promValue(text, 'nodejs_eventloop_lag_p99_seconds') ?? NaN,
      busySeconds: promValue(text, 'hotpath_pool_busy_seconds_total') ?? NaN,
      threads: promValue(text, 'hotpath_threads') ?? NaN,
    };
  },
};

/** The driver the http suite uses (see the header: an adapter over bench/http.ts once it exports one). */
export function httpDriver(): HttpDriver {
  return childServer;
}

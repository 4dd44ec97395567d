// hotpath worker --redis redis://HOST:PORT [--kernels ./k.js,...]: takes the
// jobs of its kernels (ours and those in --kernels) from Redis and runs them
// in a local pool (docs/remote.md). SIGTERM or SIGINT: take no more, finish
// what it holds, close, exit 0.
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { isKernel, type AnyKernel } from '../kernels/define.js';
import { startWorker } from '../remote/worker.js';
import { describeError, reportUsage, UsageError } from './messages.js';

const HELP = `Usage: hotpath worker --redis redis://HOST:PORT [options]

Runs the remote placement's jobs (createPool({ remote: { redis } })) for
hotpath's kernels and yours, in a local pool. Start as many as you like, on
as many machines as you like. Needs the package bullmq (npm install bullmq).

Options:
  --redis URL               redis://[user:pass@]host:port[/db]  (required)
  --kernels FILES           comma-separated modules whose defineKernel exports are served
  --threads N               the local pool's threads [cores - 1]
  --concurrency N           jobs held at once per kernel [threads]
  --metrics-port P          serve /metrics and /healthz on this port (0: any) [none]
  --metrics-host H          [127.0.0.1]
  --prefix S                queue and key prefix, as the callers' remote.prefix [hotpath]
  --lock-duration-ms MS     a killed worker's job runs again this long after it died [30000]
  --stalled-interval-ms MS  how often dead workers' jobs are looked for [30000]
  --max-stalled N           times a job may be retaken before it fails [1]
  --log-level L             pino level [info]
  --help`;

function int(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${value}`);
  return n;
}

/** Every kernel a module exports; a module that cannot be imported is the caller's --kernels. */
async function loadKernels(files: string): Promise<AnyKernel[]> {
  const out: AnyKernel[] = [];
  for (const file of files.split(',').map((f) => f.trim()).filter((f) => f.length > 0)) {
    const url = pathToFileURL(resolve(file)).href;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(url)) as Record<string, unknown>;
    } catch (err) {
      const e = err as Error & { code?: string };
      const why = e.code === 'ERR_MODULE_NOT_FOUND' && (e.message ?? '').includes(fileURLToPath(url)) ? 'no such file' : describeError(err);
      throw new UsageError(`--kernels ${file}: cannot import it: ${why}`);
    }
    const found = Object.values(mod).filter(isKernel);
    if (found.length === 0) throw new UsageError(`--kernels ${file} exports no kernel (a defineKernel() result)`);
    out.push(...found);
  }
  return out;
}

export async function main(argv: string[]): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  let options: Omit<Parameters<typeof startWorker>[0], 'logger'>;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        redis: { type: 'string' }, kernels: { type: 'string' }, threads: { type: 'string' }, concurrency: { type: 'string' },
        'metrics-port': { type: 'string' }, 'metrics-host': { type: 'string' }, prefix: { type: 'string' },
        'lock-duration-ms': { type: 'string' }, 'stalled-interval-ms': { type: 'string' }, 'max-stalled': { type: 'string' },
        'log-level': { type: 'string' }, help: { type: 'boolean' },
      },
    }));
    if (values.help === true) {
      console.log(HELP);
      return;
    }
    if (typeof values.redis !== 'string') throw new Error('--redis is required');
    const level = values['log-level'];
    if (typeof level === 'string' && !(level in pino.levels.values) && level !== 'silent') {
      throw new Error(`--log-level must be one of ${[...Object.keys(pino.levels.values), 'silent'].join(', ')}, got ${level}`);
    }
    // Every value is checked here, before Redis: a bad one is a usage error (exit 2), not a failed start.
    const s = (k: string): string | undefined => values[k] as string | undefined;
    options = {
      redis: values.redis,
      kernels: s('kernels') === undefined ? [] : await loadKernels(s('kernels')!),
      threads: int(s('threads'), 'threads', 1),
      concurrency: int(s('concurrency'), 'concurrency', 1),
      metricsPort: int(s('metrics-port'), 'metrics-port', 0),
      metricsHost: s('metrics-host'),
      prefix: s('prefix'),
      lockDurationMs: int(s('lock-duration-ms'), 'lock-duration-ms', 1),
      stalledIntervalMs: int(s('stalled-interval-ms'), 'stalled-interval-ms', 1),
      maxStalledCount: int(s('max-stalled'), 'max-stalled', 0),
    };
  } catch (err) {
    reportUsage('worker', err);
    return;
  }
  const log = pino({ level: (values['log-level'] as string | undefined) ?? 'info', base: { pid: process.pid, role: 'hotpath-worker' } });
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    if (worker === undefined) {
      // Still waiting for Redis: it holds no job, nothing to drain.
      log.info({ signal }, 'stopped before it took any job');
      process.exit(0);
    }
    log.info({ signal }, 'draining: no new jobs, finishing those held');
    worker.close().then(() => {
      log.info({}, 'worker closed');
      process.exit(0);
    }, (err: Error) => {
      log.error({ err: err.message }, 'close failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    worker = await startWorker({ ...options, logger: log });
  } catch (err) {
    log.error({ err: describeError(err), code: (err as { code?: string }).code }, 'worker could not start');
    process.exitCode = 1;
    // Redis connections retry forever: do not wait for them.
    setTimeout(() => process.exit(1), 100).unref();
    return;
  }
  log.info({ kernels: worker.kernels, threads: worker.pool.threads, metricsPort: worker.port }, 'worker ready');
}

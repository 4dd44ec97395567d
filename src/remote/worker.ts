// The worker's side of the `remote` placement (`hotpath worker`): one BullMQ
// Worker per kernel queue, each job run by a local pool on `auto`, as a
// local pool.run with the job's input (validated there again), a deadline
// of what is left of the caller's, and an AbortSignal that the cancel
// channel fires. The event loop only moves bytes: kernels run in the pool's
// threads, so BullMQ's lock renewals are never starved by a long kernel.
//
// Answers: a result, or a kernel's error, is the job's return value (a
// KernelError is an answer, not a reason to retry). A job fails only when
// BullMQ gives up on it (stalled more than maxStalledCount times: its
// workers died). A killed worker's job goes back to the queue once its lock
// expires (lockDurationMs) and a stalled check sees it (stalledIntervalMs).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Job, Queue, Worker } from 'bullmq';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { HotpathError, toWire } from '../errors.js';
import type { AnyKernel } from '../kernels/define.js';
import { createPool, type Pool } from '../pool/pool.js';
import { decode, encode } from './codec.js';
import {
  cancelChannel, DEFAULT_INLINE_BYTES, DEFAULT_PAYLOAD_TTL_MS, DEFAULT_PREFIX, loadBullmq, parseRedisUrl, resultKey,
  type JobData, type JobReturn, type Payload,
} from './protocol.js';

export interface WorkerOptions {
  redis: string;
  /** The user's kernels; ours are served too. */
  kernels?: readonly AnyKernel[];
  threads?: number;
  /** Jobs held at once per kernel. Default: the pool's threads (a killed worker loses no more than it runs). */
  concurrency?: number;
  prefix?: string;
  /** BullMQ lockDuration: a dead worker's job is retaken this long after its last lock renewal. Default 30000. */
  lockDurationMs?: number;
  /** BullMQ stalledInterval: how often expired locks are looked for. Default 30000. */
  stalledIntervalMs?: number;
  /** Times a job may be retaken from dead workers before it fails (HP_ERR_WORKER_CRASHED at the caller). Default 1. */
  maxStalledCount?: number;
  /** Port of /metrics and /healthz; 0 picks one (see `port`); undefined serves none. */
  metricsPort?: number;
  metricsHost?: string;
  logger?: Logger;
}

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const silent: Logger = { info() {}, warn() {}, error() {} };

interface Redis {
  set(key: string, value: Buffer, px: 'PX', ms: number): Promise<unknown>;
  getBuffer(key: string): Promise<Buffer | null>;
  del(...keys: string[]): Promise<number>;
  subscribe(channel: string): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  duplicate(): Redis;
  disconnect(): void;
  status: string;
}

/** Cancels that arrived before their job started here (the message can beat the job). */
const EARLY_CANCEL_MS = 60_000;

export interface RemoteWorker {
  readonly pool: Pool;
  /** The metrics port, when serving. */
  readonly port: number | undefined;
  readonly kernels: string[];
  /** Stops taking jobs, finishes those held, closes everything. */
  close(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RemoteWorker> {
  const target = parseRedisUrl(options.redis);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const log = options.logger ?? silent;
  const bull = await loadBullmq();
  const pool = await createPool({ kernels: options.kernels ?? [], threads: options.threads });
  const kernels = pool.kernels;

  const conn = new bull.RedisConnection({ ...target, maxRetriesPerRequest: null }, { shared: false, blocking: false });
  conn.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
  const redis = (await conn.client) as unknown as Redis;
  const sub = redis.duplicate();
  sub.on('error', () => {});

  const running = new Map<string, AbortController>();
  const early = new Map<string, number>();
  sub.on('message', (_channel, message) => {
    const id = String(message);
    const ac = running.get(id);
    if (ac !== undefined) {
      ac.abort(new HotpathError('HP_ERR_ABORTED', 'cancelled by its caller'));
      return;
    }
    const now = Date.now();
    early.set(id, now);
    for (const [k, at] of early) {
      if (now - at < EARLY_CANCEL_MS) break;
      early.delete(k);
    }
  });
  await sub.subscribe(cancelChannel(prefix));

  // Metrics: a registry of its own, so that one process's numbers are never mixed with a host app's.
  const registry = new Registry();
  const queues = new Map<string, Queue>();
  new Gauge({
    name: 'hotpath_remote_queue_depth', help: 'Jobs waiting in Redis for a worker, per kernel', labelNames: ['kernel'], registers: [registry],
    async collect() {
      await Promise.all([...queues].map(async ([kernel, q]) => {
        this.set({ kernel }, await q.getWaitingCount().catch(() => NaN));
      }));
    },
  });
  const waitHist = new Histogram({
    name: 'hotpath_remote_job_wait_seconds', help: 'From a job\'s enqueue (caller\'s clock) to its start here: the metric that says "add a worker"',
    labelNames: ['kernel'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry],
  });
  const runHist = new Histogram({
    name: 'hotpath_remote_job_run_seconds', help: 'Kernel run time of a job on this worker', labelNames: ['kernel'],
    buckets: [0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers: [registry],
  });
  const jobs = new Counter({ name: 'hotpath_remote_jobs_total', help: 'Jobs this worker answered, by outcome (ok, error, aborted, timeout)', labelNames: ['kernel', 'outcome'], registers: [registry] });
  const failures = new Counter({ name: 'hotpath_remote_failures_total', help: 'Jobs answered with an error, by code', labelNames: ['kernel', 'code'], registers: [registry] });
  const retries = new Counter({ name: 'hotpath_remote_retries_total', help: 'Jobs taken again after a worker holding them died (stalled)', labelNames: ['kernel'], registers: [registry] });
  const active = new Gauge({ name: 'hotpath_remote_jobs_active', help: 'Jobs this worker holds now', labelNames: ['kernel'], registers: [registry] });

  async function payloadOut(kernel: string, jobId: string, value: unknown): Promise<Payload> {
    const buf = encode(value);
    if (buf.length <= DEFAULT_INLINE_BYTES) return { b: buf.toString('base64') };
    const key = resultKey(prefix, kernel, jobId);
    await redis.set(key, buf, 'PX', DEFAULT_PAYLOAD_TTL_MS);
    return { k: key };
  }

  async function handle(kernel: string, job: Job<JobData>): Promise<JobReturn> {
    const id = String(job.id);
    const started = Date.now();
    waitHist.observe({ kernel }, Math.max(0, started - job.timestamp) / 1000);
    if (job.attemptsStarted > 1 || (job as { stalledCounter?: number }).stalledCounter) retries.inc({ kernel });
    const answer = (e: unknown, outcome: string, ms = 0): JobReturn => {
      const wire = toWire(e);
      jobs.inc({ kernel, outcome });
      failures.inc({ kernel, code: wire.code });
      return { e: wire, ms };
    };
    if (early.delete(id)) return answer(new HotpathError('HP_ERR_ABORTED', `${kernel}: cancelled by its caller before it started`), 'aborted');
    const { i, d } = job.data;
    const left = d === undefined ? undefined : d - Date.now();
    if (left !== undefined && left <= 0) return answer(new HotpathError('HP_ERR_DEADLINE', `${kernel}: deadline passed while it waited in Redis`), 'timeout');
    let input: unknown;
    if ('k' in i) {
      const buf = await redis.getBuffer(i.k);
      if (buf === null) return answer(new HotpathError('HP_ERR_ABORTED', `${kernel}: its input is gone (cancelled, or older than its TTL)`), 'aborted');
      input = decode(buf);
    } else {
      input = decode(Buffer.from(i.b, 'base64'));
    }
    const ac = new AbortController();
    running.set(id, ac);
    active.inc({ kernel });
    try {
      const result = (await pool.run(kernel, input, { placement: 'auto', signal: ac.signal, deadlineMs: left, transfer: true })) as Record<string, unknown>;
      const runMs = (result.timing as { runMs: number }).runMs;
      delete result.placement;
      delete result.fallback;
      delete result.timing;
      delete result.choice;
      runHist.observe({ kernel }, runMs / 1000);
      jobs.inc({ kernel, outcome: 'ok' });
      return { r: await payloadOut(kernel, id, result), ms: runMs };
    } catch (err) {
      const code = (err as { code?: unknown })?.code;
      return answer(err, code === 'HP_ERR_ABORTED' ? 'aborted' : code === 'HP_ERR_DEADLINE' ? 'timeout' : 'error', Date.now() - started);
    } finally {
      running.delete(id);
      active.dec({ kernel });
      // The input key stays: if this process dies before BullMQ records the
      // answer, the job runs again and needs it. The caller deletes it when
      // it has its answer (or its TTL does).
    }
  }

  const workers: Worker[] = [];
  for (const kernel of kernels) {
    queues.set(kernel, new bull.Queue(kernel, { connection: redis as never, prefix }));
    const w = new bull.Worker<JobData, JobReturn>(kernel, (job) => handle(kernel, job), {
      connection: { ...target, maxRetriesPerRequest: null },
      prefix,
      concurrency: options.concurrency ?? pool.threads,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 1,
    });
    w.on('error', (err) => log.warn({ kernel, err: err.message }, 'worker error'));
    w.on('stalled', (jobId) => log.warn({ kernel, jobId }, 'job stalled: its worker died; it runs again'));
    w.on('failed', (job, err) => log.error({ kernel, jobId: job?.id, err: err.message }, 'job failed'));
    workers.push(w);
  }
  for (const q of queues.values()) q.on('error', () => {});
  await Promise.all(workers.map((w) => w.waitUntilReady()));

  let closing = false;
  let server: Server | undefined;
  if (options.metricsPort !== undefined) {
    server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/metrics') {
        registry.metrics().then((body) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(body);
        }, (err: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(err.message);
        });
      } else if (req.method === 'GET' && path === '/healthz') {
        const ok = !closing && redis.status === 'ready';
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: ok ? 'ok' : closing ? 'draining' : 'redis unreachable', kernels, threads: pool.threads, active: running.size }));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'HP_ERR_NOT_FOUND', message: 'GET /metrics or /healthz' } }));
      }
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(options.metricsPort, options.metricsHost ?? '127.0.0.1', () => resolve());
    });
  }
  const port = server === undefined ? undefined : (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  return {
    pool, port, kernels,
    close() {
      closed ??= (async () => {
        closing = true;
        // BullMQ's close: take no more jobs, wait for the active ones to finish.
        await Promise.all(workers.map((w) => w.close()));
        await Promise.all([...queues.values()].map((q) => q.close().catch(() => {})));
        await pool.close();
        sub.disconnect();
        await conn.close().catch(() => {});
        if (server !== undefined) await new Promise<void>((resolve) => server!.close(() => resolve()));
      })();
      return closed;
    },
  };
}

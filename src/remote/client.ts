// The caller's side of the `remote` placement: a pool created with
// `remote: { redis }` hands such tasks here. Each becomes a BullMQ job on the
// kernel's queue; its answer comes back on the queue's event stream
// (QueueEvents). The Task is the pool's own (task.ts): it settles once,
// counts its outcome under placement 'remote' and clears its timers, so a
// remote task has the local semantics of abort, deadline and stats.
//
// An abort or a passed deadline settles the task at once, then removes the
// job if it is still waiting and publishes its id on the cancel channel,
// where the worker holding it aborts its local run. Redis going away (the
// connection closes, or a ping goes unanswered for healthIntervalMs) fails
// every task waiting for an answer with HP_ERR_REMOTE_UNAVAILABLE: a
// restarted Redis may have lost the job, and nothing would ever answer it.
import { randomUUID } from 'node:crypto';
import type { Queue, QueueEvents, RedisConnection } from 'bullmq';
import { fromWire, HotpathError } from '../errors.js';
import { outcomeOf, type Task } from '../pool/task.js';
import { decode, encode } from './codec.js';
import {
  cancelChannel, DEFAULT_INLINE_BYTES, DEFAULT_PAYLOAD_TTL_MS, DEFAULT_PREFIX, eventsKey, inputKey, loadBullmq, parseRedisUrl,
  type BullMQ, type JobData, type JobReturn, type Payload, type RedisTarget,
} from './protocol.js';

/** createPool's `remote` option. */
export interface RemoteOptions {
  /** redis://host:port of the Redis the workers (`hotpath worker --redis`) use. */
  redis: string;
  /** Key and queue prefix; the workers' `--prefix` must match. Default 'hotpath'. */
  prefix?: string;
  /** Encoded inputs up to this size go inside the job (base64), larger ones in a key beside it. Default 16384 bytes. */
  inlineBytes?: number;
  /** Longest life of an input key a job never consumed. Default 1 h. */
  payloadTtlMs?: number;
  /** Redis is pinged this often; a ping unanswered this long fails waiting tasks (HP_ERR_REMOTE_UNAVAILABLE). Default 1000 ms. */
  healthIntervalMs?: number;
  /** createPool fails with HP_ERR_REMOTE_UNAVAILABLE when Redis cannot be reached within this. Default 5000 ms. */
  connectTimeoutMs?: number;
}

/** The ioredis calls this file makes (BullMQ's client forwards them to ioredis). */
interface Redis {
  set(key: string, value: Buffer, px: 'PX', ms: number): Promise<unknown>;
  getBuffer(key: string): Promise<Buffer | null>;
  del(...keys: string[]): Promise<number>;
  publish(channel: string, message: string): Promise<number>;
  ping(): Promise<string>;
  xrevrange(key: string, end: string, start: string, count: 'COUNT', n: number): Promise<[string, string[]][]>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

interface KernelQueue {
  queue: Queue;
  events: QueueEvents;
}

interface Pending {
  task: Task;
  kernel: string;
  jobId: string;
  /** performance.now() when submitted: wait = round trip - run. */
  t0: number;
  /** The job was added (it may need removing on cancel). */
  added: boolean;
  inKey?: string;
}

function positive(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || value > 2 ** 31 - 1) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `remote.${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

const unavailable = (why: string, cause?: unknown): HotpathError =>
  new HotpathError('HP_ERR_REMOTE_UNAVAILABLE', `remote: ${why}`, cause === undefined ? undefined : { cause });

export class RemoteClient {
  readonly prefix: string;
  private readonly target: RedisTarget;
  private readonly inlineBytes: number;
  private readonly ttlMs: number;
  private readonly healthMs: number;
  private readonly connectMs: number;
  private readonly id = randomUUID().slice(0, 12);
  private seq = 0;
  private bull: BullMQ | undefined;
  private conn: RedisConnection | undefined;
  private redis: Redis | undefined;
  private starting: Promise<void> | undefined;
  private readonly queues = new Map<string, Promise<KernelQueue>>();
  private readonly pending = new Map<string, Pending>();
  private health: NodeJS.Timeout | undefined;
  private pinging = false;
  /** Why Redis is considered unreachable now; undefined while it answers. */
  private down: string | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(options: RemoteOptions) {
    if (typeof options !== 'object' || options === null) throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'remote must be { redis: "redis://host:port" }');
    this.target = parseRedisUrl(options.redis);
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    if (typeof this.prefix !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(this.prefix)) throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'remote.prefix must be letters, digits, _ . -');
    this.inlineBytes = options.inlineBytes === undefined ? DEFAULT_INLINE_BYTES : Math.floor(positive(options.inlineBytes, 'inlineBytes', 1));
    this.ttlMs = positive(options.payloadTtlMs, 'payloadTtlMs', DEFAULT_PAYLOAD_TTL_MS);
    this.healthMs = positive(options.healthIntervalMs, 'healthIntervalMs', 1000);
    this.connectMs = positive(options.connectTimeoutMs, 'connectTimeoutMs', 5000);
  }

  /** Connects (imports bullmq on first call). Rejects with HP_ERR_REMOTE_UNAVAILABLE when Redis does not answer in time. */
  ready(): Promise<void> {
    this.starting ??= this.start();
    return this.starting;
  }

  private async start(): Promise<void> {
    this.bull = await loadBullmq();
    // enableOfflineQueue off: while Redis is away a command fails at once
    // instead of waiting in ioredis for a reconnect that may never come.
    this.conn = new this.bull.RedisConnection({ ...this.target, enableOfflineQueue: false, maxRetriesPerRequest: 1 }, { shared: false, blocking: false });
    this.conn.on('error', () => {});
    let timer: NodeJS.Timeout | undefined;
    try {
      this.redis = (await Promise.race([
        this.conn.client,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(unavailable(`no answer from redis://${this.target.host}:${this.target.port} within ${this.connectMs} ms`)), this.connectMs);
        }),
      ])) as unknown as Redis;
    } catch (err) {
      const conn = this.conn;
      this.conn = undefined;
      await conn.close(true).catch(() => {});
      throw err instanceof HotpathError ? err : unavailable(`cannot connect to redis://${this.target.host}:${this.target.port}: ${(err as Error).message}`, err);
    } finally {
      clearTimeout(timer);
    }
    this.redis.on('close', () => this.markDown('the connection to Redis closed'));
    this.redis.on('ready', () => {
      this.down = undefined;
    });
    this.health = setInterval(() => this.ping(), this.healthMs);
    this.health.unref();
  }

  private ping(): void {
    if (this.pinging || this.redis === undefined) return;
    this.pinging = true;
    let answered = false;
    const timer = setTimeout(() => {
      if (!answered) this.markDown(`Redis did not answer a ping within ${this.healthMs} ms`);
    }, this.healthMs);
    this.redis.ping().then(() => {
      this.down = undefined;
    }, (err: Error) => this.markDown(`ping failed: ${err.message}`)).finally(() => {
      answered = true;
      clearTimeout(timer);
      this.pinging = false;
    });
  }

  /** Fails every task waiting for an answer: nothing may ever answer it. */
  private markDown(why: string): void {
    this.down = why;
    if (this.pending.size === 0) return;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.task.settle('error', undefined, unavailable(`${why} while ${p.kernel} job ${p.jobId} was out`));
    this.checkIdle();
  }

  private kernelQueue(kernel: string): Promise<KernelQueue> {
    let q = this.queues.get(kernel);
    if (q === undefined) {
      q = this.openQueue(kernel);
      this.queues.set(kernel, q);
      q.catch(() => this.queues.delete(kernel));
    }
    return q;
  }

  private async openQueue(kernel: string): Promise<KernelQueue> {
    const bull = this.bull!;
    // Read the event stream from its present end, known before our first
    // job exists: no answer can slip past between connecting and reading.
    const last = await this.redis!.xrevrange(eventsKey(this.prefix, kernel), '+', '-', 'COUNT', 1);
    const lastEventId = last.length > 0 ? last[0][0] : '0-0';
    const queue = new bull.Queue(kernel, { connection: this.redis as never, prefix: this.prefix });
    const events = new bull.QueueEvents(kernel, { connection: { ...this.target }, prefix: this.prefix, lastEventId });
    queue.on('error', () => {});
    events.on('error', () => {});
    events.on('completed', ({ jobId, returnvalue }) => this.completed(jobId, returnvalue as unknown));
    events.on('failed', ({ jobId, failedReason }) => this.failed(jobId, failedReason));
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return { queue, events };
  }

  /** A validated task: sends `input` (the worker validates it again, as its own pool does) and settles the task with the answer. */
  submit(task: Task, input: unknown, deadlineMs: number | undefined): void {
    if (deadlineMs !== undefined && task.counters.runEstimate.ms > deadlineMs) {
      const expected = task.counters.runEstimate.ms;
      task.settle('rejected', undefined, new HotpathError('HP_ERR_OVERLOADED',
        `deadline ${deadlineMs} ms cannot be met: remote runs of ${task.kernel} take about ${expected.toFixed(1)} ms`, { details: { expectedMs: expected } }));
      return;
    }
    let buf: Buffer;
    try {
      buf = encode(input);
    } catch (err) {
      task.settle('error', undefined, new HotpathError('HP_ERR_INVALID_ARGUMENT', `${task.kernel}: the input cannot be sent to a remote worker: ${(err as Error).message}`));
      return;
    }
    const p: Pending = { task, kernel: task.kernel, jobId: `${this.id}-${++this.seq}`, t0: performance.now(), added: false };
    this.pending.set(p.jobId, p);
    if (deadlineMs !== undefined) {
      task.deadlineTimer = setTimeout(() => this.cancel(p, new HotpathError('HP_ERR_DEADLINE', `${task.kernel}: deadline of ${deadlineMs} ms passed`)), deadlineMs);
    }
    if (task.signal !== undefined) {
      task.onAbort = () => this.cancel(p, task.abortError());
      task.signal.addEventListener('abort', task.onAbort, { once: true });
    }
    this.send(p, buf, deadlineMs === undefined ? undefined : Date.now() + deadlineMs).catch((err: unknown) => {
      if (this.pending.delete(p.jobId)) {
        task.settle('error', undefined, err instanceof HotpathError ? err : unavailable(`cannot queue ${p.kernel}: ${(err as Error)?.message ?? String(err)}`, err));
        this.checkIdle();
      }
    });
  }

  private async send(p: Pending, buf: Buffer, deadlineAt: number | undefined): Promise<void> {
    await this.ready();
    if (this.down !== undefined) throw unavailable(this.down);
    const { queue } = await this.kernelQueue(p.kernel);
    if (p.task.settled) return;
    let payload: Payload;
    if (buf.length <= this.inlineBytes) {
      payload = { b: buf.toString('base64') };
    } else {
      p.inKey = inputKey(this.prefix, p.kernel, p.jobId);
      payload = { k: p.inKey };
      await this.redis!.set(p.inKey, buf, 'PX', this.ttlMs + (deadlineAt === undefined ? 0 : Math.max(0, deadlineAt - Date.now())));
    }
    const data: JobData = deadlineAt === undefined ? { i: payload } : { i: payload, d: deadlineAt };
    await queue.add(p.kernel, data, { jobId: p.jobId, removeOnComplete: true, removeOnFail: true, attempts: 1 });
    p.added = true;
    // Cancelled while it was being added: take it back.
    if (p.task.settled) void this.withdraw(p);
  }

  private cancel(p: Pending, err: HotpathError): void {
    this.pending.delete(p.jobId);
    if (!p.task.settle(outcomeOf(err), undefined, err)) return;
    this.checkIdle();
    if (p.added) void this.withdraw(p);
  }

  /** A cancelled job: stop it where it runs, remove it where it waits. */
  private async withdraw(p: Pending): Promise<void> {
    try {
      await this.redis!.publish(cancelChannel(this.prefix), p.jobId);
      const { queue } = await this.kernelQueue(p.kernel);
      await queue.remove(p.jobId);
      // Removed, or already read by the worker running it (which then stops).
      this.dropInput(p);
    } catch {
      // Redis is away: the job's own deadline (in its data) or the worker's
      // payload TTL ends it; the caller has its answer already.
    }
  }

  private completed(jobId: string, value: unknown): void {
    const p = this.pending.get(jobId);
    if (p === undefined) return;
    this.pending.delete(jobId);
    this.dropInput(p);
    this.answer(p, value as JobReturn).catch((err: unknown) => {
      p.task.settle('error', undefined, err instanceof HotpathError ? err : unavailable(`reading the answer of ${p.kernel} job ${jobId}: ${(err as Error).message}`, err));
    }).finally(() => this.checkIdle());
  }

  private async answer(p: Pending, rv: JobReturn): Promise<void> {
    const { task } = p;
    if (typeof rv !== 'object' || rv === null) throw new HotpathError('HP_ERR_KERNEL_FAILED', `${p.kernel}: a remote worker answered ${JSON.stringify(rv)}`);
    const runMs = typeof rv.ms === 'number' ? rv.ms : 0;
    if (rv.e !== undefined) {
      const err = fromWire(rv.e);
      task.settle(outcomeOf(err), undefined, err);
      return;
    }
    let buf: Buffer;
    const payload = rv.r;
    if (payload !== undefined && 'b' in payload) {
      buf = Buffer.from(payload.b, 'base64');
    } else if (payload !== undefined && 'k' in payload) {
      const got = await this.redis!.getBuffer(payload.k);
      void this.redis!.del(payload.k).catch(() => {});
      if (got === null) throw unavailable(`the result of ${p.kernel} job ${p.jobId} is gone from Redis`);
      buf = got;
    } else {
      throw new HotpathError('HP_ERR_KERNEL_FAILED', `${p.kernel}: a remote worker answered without a result`);
    }
    if (task.settled) return;
    const result = decode(buf) as Record<string, unknown>;
    const totalMs = performance.now() - p.t0;
    const waitMs = Math.max(0, totalMs - runMs);
    result.placement = 'remote';
    result.fallback = false;
    result.timing = { waitMs, runMs };
    task.counters.timing(waitMs, runMs);
    task.counters.runEstimate.add(runMs);
    task.settle('ok', result);
  }

  private failed(jobId: string, reason: string): void {
    const p = this.pending.get(jobId);
    if (p === undefined) return;
    this.pending.delete(jobId);
    this.dropInput(p);
    // attempts: 1 and kernel errors come back as answers: a failed job is one
    // BullMQ gave up on (stalled more than maxStalledCount: its workers died).
    p.task.settle('error', undefined, new HotpathError('HP_ERR_WORKER_CRASHED', `${p.kernel}: remote job ${jobId} failed: ${reason}`));
    this.checkIdle();
  }

  /** The job is over: its input key (if it had one) is no longer needed. */
  private dropInput(p: Pending): void {
    if (p.inKey !== undefined) void this.redis!.del(p.inKey).catch(() => {});
  }

  private checkIdle(): void {
    if (this.pending.size > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Waits for every task out to settle, then closes the connections. */
  async close(): Promise<void> {
    if (this.pending.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    clearInterval(this.health);
    if (this.starting === undefined) return;
    await this.starting.catch(() => {});
    const queues = await Promise.all([...this.queues.values()].map((q) => q.catch(() => undefined)));
    await Promise.all(queues.map(async (q) => {
      if (q === undefined) return;
      await q.events.close().catch(() => {});
      await q.queue.close().catch(() => {});
    }));
    await this.conn?.close(this.down !== undefined).catch(() => {});
  }
}

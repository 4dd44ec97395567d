// createPool: a typed compute pool over Piscina. We keep our own FIFO in
// front of Piscina and hand it a task only when a worker is free, so that a
// queued task can be aborted at once, the queue depth we use for deadline
// admission is exact, and back-pressure is ours (Piscina's queue-full error
// has no code). Piscina keeps the threads: start, respawn, resource limits.
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { Catalog } from '../catalog/catalog.js';
import { fromWire, HotpathError } from '../errors.js';
import { nativeAvailable } from '../native/binding.js';
import { compiledModule } from '../paths.js';
import { runInline, route, type Route } from './placement.js';
import { RunEstimate, TaskQueue } from './queue.js';
import { kernelSpec } from './registry.js';
import { Slots } from './slots.js';
import { StatsBook } from './stats.js';
import { outcomeOf, Task, type Lane } from './task.js';
import { PLACEMENTS, type KernelName, type KernelTypes, type Placement, type PoolOptions, type PoolStats, type RunOptions, type RunResult, type TaskTrace } from './types.js';
import type { WireResponse, WireTask, WorkerInit } from './wire.js';

interface LaneState {
  /** Tasks that run at the same time (threads). */
  readonly parallel: number;
  /** Tasks handed out at once: parallel x tasksPerWorker. */
  readonly concurrency: number;
  readonly queue: TaskQueue<Task>;
  inflight: number;
  readonly runTime: RunEstimate;
}

let poolSeq = 0;

function positiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

export class Pool extends EventEmitter {
  readonly threads: number;
  readonly tasksPerWorker: number;
  readonly maxQueue: number;
  readonly defaultPlacement: Placement;
  readonly catalog: Catalog | undefined;
  /** BroadcastChannel name on which this pool's workers take out-of-band commands (profiling). */
  readonly controlChannel = `hotpath:control:${process.pid}:${++poolSeq}`;
  private readonly graceMs: number;
  private readonly piscina: Piscina;
  private readonly slots: Slots;
  private readonly book = new StatsBook();
  private readonly lanes: Record<Lane, LaneState>;
  private readonly estimates = new Map<string, RunEstimate>();
  private readonly nativeOk = nativeAvailable();
  private closing: Promise<void> | undefined;
  private destroying = false;
  private idleWaiters: (() => void)[] = [];
  private tracer: ((trace: TaskTrace) => void) | undefined;

  constructor(options: PoolOptions = {}) {
    super();
    this.threads = positiveInt(options.threads, 'threads', Math.max(1, availableParallelism() - 1));
    this.tasksPerWorker = positiveInt(options.tasksPerWorker, 'tasksPerWorker', 1);
    this.maxQueue = options.maxQueue === undefined ? 256 : Math.max(0, positiveInt(options.maxQueue + 1, 'maxQueue + 1', 1) - 1);
    this.defaultPlacement = options.defaultPlacement ?? 'native-worker';
    if (!PLACEMENTS.includes(this.defaultPlacement)) throw new HotpathError('HP_ERR_INVALID_PLACEMENT', `unknown placement ${String(this.defaultPlacement)}`);
    this.graceMs = options.cancelGraceMs ?? 250;
    this.catalog = options.catalog;
    const lane = (parallel: number, depth: number): LaneState =>
      ({ parallel, concurrency: parallel * depth, queue: new TaskQueue(), inflight: 0, runTime: new RunEstimate() });
    // native-async gets as many libuv threads as the pool has workers, so the
    // placements compare like for like (libuv's pool also serves fs and dns).
    this.lanes = { worker: lane(this.threads, this.tasksPerWorker), async: lane(this.threads, 1) };
    this.slots = new Slots(this.lanes.worker.concurrency + this.lanes.async.concurrency);
    const workerData: WorkerInit = { catalog: this.catalog, words: this.slots.words, control: this.controlChannel };
    this.piscina = new Piscina({
      filename: options.workerFile === undefined ? compiledModule('pool/worker.js') : String(options.workerFile),
      minThreads: this.threads,
      maxThreads: this.threads,
      // A fixed-size pool: idle workers are never reaped, so bursty load pays
      // no respawn (about 55 ms a worker here, FACTS.md).
      idleTimeout: 2 ** 31 - 1,
      // A worker gets its next task while it runs the current one: the
      // message round trip is hidden (trivial tasks +24% here, bench:pool).
      // The worker still runs them one at a time.
      concurrentTasksPerWorker: this.tasksPerWorker,
      // 'async' (not the default 'sync'): idle workers return to their event
      // loop, so utilization, timers and on-demand profiling work (FACTS.md).
      atomics: 'async',
      resourceLimits: options.resourceLimits,
      workerData,
    });
    // Never let a worker's error crash the host: surface it as an event.
    this.piscina.on('error', (err: unknown) => this.emit('workerError', err));
    this.piscina.on('workerDestroy', () => {
      if (!this.destroying) this.book.restarts++;
    });
    // 'workerReady' fires when a (re)started worker can take tasks.
    this.piscina.on('workerCreate', () => this.emit('workerReady'));
  }

  /** Runs a kernel; resolves with its result, where it ran and how long it waited and ran. */
  run<K extends KernelName>(kernel: K, input: KernelTypes[K]['input'], options: RunOptions = {}): Promise<RunResult<K>> {
    const calledAt = performance.timeOrigin + performance.now();
    return new Promise<RunResult<K>>((resolve, reject) => {
      const spec = kernelSpec(kernel);
      const r: Route = route(options.placement ?? this.defaultPlacement, spec, this.nativeOk);
      const counters = this.book.counters(kernel, r.placement);
      if (this.closing !== undefined) {
        counters.outcomes.rejected++;
        throw new HotpathError('HP_ERR_POOL_CLOSED', 'the pool is closed');
      }
      let args: unknown;
      try {
        args = spec.validate(input, this.catalog);
      } catch (err) {
        counters.outcomes.error++;
        throw err;
      }
      const task = new Task(kernel, spec, r.placement, r.impl, r.fallback, r.lane === 'inline' ? 'worker' : r.lane, args,
        options.transfer ?? true, options.signal, resolve as (v: object) => void, reject, counters, calledAt, this.tracer);
      if (options.signal?.aborted) {
        task.settle('aborted', undefined, task.abortError());
        return;
      }
      if (r.lane === 'inline') {
        runInline(task);
        return;
      }
      this.admit(task, this.lanes[r.lane], options.deadlineMs);
    });
  }

  private admit(task: Task, lane: LaneState, deadlineMs: number | undefined): void {
    const saturated = lane.inflight >= lane.concurrency;
    if (saturated && lane.queue.length >= this.maxQueue) {
      task.settle('rejected', undefined, new HotpathError('HP_ERR_QUEUE_FULL', `queue full (${this.maxQueue} waiting)`));
      return;
    }
    if (deadlineMs !== undefined) {
      if (typeof deadlineMs !== 'number' || !(deadlineMs > 0) || deadlineMs > 2 ** 31 - 1) {
        task.settle('error', undefined, new HotpathError('HP_ERR_INVALID_ARGUMENT', 'deadlineMs must be a positive number of ms'));
        return;
      }
      // Expected start: the tasks ahead of this one beyond the running ones
      // drain `parallel` at a time, each taking the lane's mean run time;
      // then this task's own mean run time.
      const ahead = Math.max(0, lane.queue.length + lane.inflight - lane.parallel + 1);
      const expected = (ahead / lane.parallel) * lane.runTime.ms + this.estimate(task).ms;
      if (expected > deadlineMs) {
        task.settle('rejected', undefined, new HotpathError('HP_ERR_OVERLOADED',
          `deadline ${deadlineMs} ms cannot be met: about ${expected.toFixed(1)} ms expected`, { details: { expectedMs: expected } }));
        return;
      }
      task.deadlineTimer = setTimeout(() => this.cancel(task, new HotpathError('HP_ERR_DEADLINE', `${task.kernel}: deadline of ${deadlineMs} ms passed`)), deadlineMs);
    }
    if (task.signal !== undefined) {
      task.onAbort = () => this.cancel(task, task.abortError());
      task.signal.addEventListener('abort', task.onAbort, { once: true });
    }
    lane.queue.push(task);
    this.pump(lane);
  }

  private estimate(task: Task): RunEstimate {
    const key = `${task.kernel}/${task.placement}`;
    let e = this.estimates.get(key);
    if (e === undefined) this.estimates.set(key, (e = new RunEstimate()));
    return e;
  }

  private pump(lane: LaneState): void {
    while (lane.inflight < lane.concurrency) {
      const task = lane.queue.shift();
      if (task === undefined) break;
      this.start(task, lane);
    }
    this.checkIdle();
  }

  private start(task: Task, lane: LaneState): void {
    task.state = 'running';
    task.slot = this.slots.acquire();
    lane.inflight++;
    const { spec } = task;
    task.meta = spec.meta?.(task.args);
    const onError = (err: unknown) => this.returned(task, lane, undefined, err);
    task.dispatchedAt = performance.timeOrigin + performance.now();
    if (task.lane === 'async') {
      const t0 = performance.now();
      spec.runAsync!(task.args, Slots.flag(this.slots.words, task.slot)).then(
        (raw) => this.returned(task, lane, { raw, startedAt: performance.timeOrigin + t0, runMs: performance.now() - t0 }),
        onError,
      );
      return;
    }
    const transferList: ArrayBuffer[] = [];
    const wire: WireTask = { kernel: task.kernel, impl: task.impl, slot: task.slot, wire: spec.toWire(task.args, task.transfer, transferList) };
    task.args = undefined; // the input now belongs to the worker
    this.piscina.run(wire, { transferList }).then((resp: WireResponse) => this.returned(task, lane, resp), (err: unknown) =>
      onError(new HotpathError('HP_ERR_WORKER_CRASHED', `the worker running ${task.kernel} died: ${(err as Error)?.message}`, { cause: err })));
  }

  private returned(task: Task, lane: LaneState, resp: WireResponse | undefined, err?: unknown): void {
    task.state = 'returned';
    lane.inflight--;
    if (task.graceTimer !== undefined) clearTimeout(task.graceTimer);
    this.slots.release(task.slot);
    // Hand the free worker its next task first: the bookkeeping below then
    // overlaps with the worker's run instead of lengthening every round trip.
    this.pump(lane);
    if (resp !== undefined) {
      const waitMs = Math.max(0, resp.startedAt - task.enqueuedAt);
      if (resp.skipped !== true) {
        task.startedAt = resp.startedAt;
        task.endedAt = resp.startedAt + resp.runMs;
        task.counters.timing(waitMs, resp.runMs);
        if (task.lane === 'worker') this.book.busyMs += resp.runMs;
        lane.runTime.add(resp.runMs);
        this.estimate(task).add(resp.runMs);
      }
      if (resp.error !== undefined) err = fromWire(resp.error);
      else if (!task.settled) {
        // Fields added to the kernel's fresh result object, not spread into a
        // new one: this runs once per task on the event loop.
        const result = task.spec.result(resp.raw, task.meta) as Record<string, unknown>;
        result.placement = task.placement;
        result.fallback = task.fallback;
        result.timing = { waitMs, runMs: resp.runMs };
        task.settle('ok', result);
      }
    }
    if (err !== undefined) task.settle(outcomeOf(err), undefined, err);
    this.checkIdle();
  }

  /** Abort or deadline: a queued task leaves at once; a running one is told to stop through its flag. */
  private cancel(task: Task, err: HotpathError): void {
    if (task.settled) return;
    const lane = this.lanes[task.lane];
    if (task.state === 'queued') {
      lane.queue.drop(task);
      task.settle(outcomeOf(err), undefined, err);
      this.checkIdle();
      return;
    }
    this.slots.cancel(task.slot);
    task.settle(outcomeOf(err), undefined, err);
    if (task.lane === 'worker') {
      task.graceTimer = setTimeout(() => this.replaceWorker(task), this.graceMs);
      task.graceTimer.unref();
    }
  }

  // A kernel that ignored its cancel flag for the whole grace period: end its
  // worker (Piscina starts a new one). A native call cannot be interrupted,
  // so this frees the core only once the call returns (FACTS.md).
  private replaceWorker(task: Task): void {
    if (task.state !== 'running') return;
    const tid = this.slots.startedBy(task.slot);
    const worker = this.piscina.threads.find((w) => w.threadId === tid);
    if (worker !== undefined) void worker.terminate();
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0) return;
    for (const lane of Object.values(this.lanes)) if (lane.inflight > 0 || lane.queue.length > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * Calls `listener` with the trace of every task that settles from now on
   * (see TaskTrace: where each task's time went). Returns a function that
   * stops it. One listener at a time; costs nothing while none is set.
   */
  traceTasks(listener: (trace: TaskTrace) => void): () => void {
    this.tracer = listener;
    return () => {
      if (this.tracer === listener) this.tracer = undefined;
    };
  }

  /** Zeroes the counters and histograms (createPool does it after its warm-up tasks). */
  resetStats(): void {
    this.book.reset();
  }

  stats(): PoolStats {
    const uptimeMs = performance.now() - this.book.startedAt;
    return {
      threads: this.threads,
      queueDepth: this.lanes.worker.queue.length + this.lanes.async.queue.length,
      inFlight: this.lanes.worker.inflight + this.lanes.async.inflight,
      restarts: this.book.restarts,
      utilization: uptimeMs > 0 ? Math.min(1, this.book.busyMs / (this.threads * uptimeMs)) : 0,
      busyMs: this.book.busyMs,
      uptimeMs,
      kernels: this.book.kernels(),
    };
  }

  /** Finishes what was accepted, refuses new work (HP_ERR_POOL_CLOSED), ends the threads. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
        this.checkIdle();
      });
      this.destroying = true;
      await this.piscina.destroy();
    })();
    return this.closing;
  }
}

/** Creates a pool and waits until its workers have started. */
export async function createPool(options: PoolOptions = {}): Promise<Pool> {
  const pool = new Pool(options);
  // One trivial task per thread: the first real call then pays no worker start-up.
  await Promise.all(Array.from({ length: pool.threads }, () => pool.run('echo', null, { placement: 'ts-worker' })));
  pool.resetStats();
  return pool;
}

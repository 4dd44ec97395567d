// createPool: a typed compute pool over Piscina. Piscina keeps the threads:
// start, respawn, resource limits. Tasks do not go through Piscina.run: we
// keep our own FIFO and hand work to a worker over its own channel when it
// is free or about to be (in batches under load, dispatch.ts), so that a
// queued task can be aborted at once, the queue depth we use for deadline
// admission is exact, back-pressure is ours (Piscina's queue-full error has
// no code), and a lone round trip skips Piscina's per-task work
// (channels.ts). This file is the
// facade only (options, admission, cancel, lifecycle, stats; a little over
// 300 lines): choosing, dispatching, channels and counting live beside it.
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { Catalog } from '../catalog/catalog.js';
import { HotpathError } from '../errors.js';
import type { AnyKernel, InputOf, KernelContext, ResultOf } from '../kernels/define.js';
import { compiledModule, workerModuleUrl } from '../paths.js';
import { RemoteClient } from '../remote/client.js';
import type { AutoChoice } from './auto/choice.js';
import { AutoPlanner } from './auto/planner.js';
import { SimplePlanner } from './auto/simple.js';
import { Channels } from './dispatch/channels.js';
import { clock, cpuClock } from './clock.js';
import { Dispatcher } from './dispatch/dispatch.js';
import type { Planner } from './planner.js';
import { DEFAULT_MAX_BATCH, Lane, libuvThreads } from './dispatch/lane.js';
import { runInline, route, type Route } from './placement.js';
import { kernelContext, poolKernels, Registry } from './registry.js';
import { Slots } from './dispatch/slots.js';
import { checkModules, checkPoolOptions, checkRunOptions, MAX_THREADS, ms, PLANNER, positiveInt, WORKER_FILE } from './options.js';
import { StatsBook, type TimingListener } from './stats.js';
import { outcomeOf, Task } from './task.js';
import { PLACEMENTS, type BuiltinKernels, type Placement, type PoolOptions, type PoolStats, type RunOptions, type RunResult, type TaskTrace } from './types.js';
import type { WorkerInit } from './dispatch/wire.js';

let poolSeq = 0;

export { MAX_THREADS, WORKER_FILE };

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
  private readonly channels: Channels;
  private readonly slots: Slots;
  private readonly book = new StatsBook();
  private readonly lanes: Record<Task['lane'], Lane>;
  private readonly dispatcher: Dispatcher;
  private readonly planner: Planner;
  private readonly registry: Registry;
  private readonly inlineContext: KernelContext;
  private closing: Promise<void> | undefined;
  private startFailure: HotpathError | undefined;
  private destroying = false;
  private idleWaiters: (() => void)[] = [];
  private tracer: ((trace: TaskTrace) => void) | undefined;
  /** The `remote` placement's BullMQ client (src/remote), when createPool was given `remote`. */
  private readonly remote: RemoteClient | undefined;

  constructor(options: PoolOptions = {}) {
    super();
    checkPoolOptions(options);
    this.threads = positiveInt(options.threads, 'threads', Math.max(1, availableParallelism() - 1), MAX_THREADS);
    this.tasksPerWorker = positiveInt(options.tasksPerWorker, 'tasksPerWorker', 2);
    this.maxQueue = options.maxQueue === undefined ? 256 : Math.max(0, positiveInt(options.maxQueue + 1, 'maxQueue + 1', 1) - 1);
    this.defaultPlacement = options.defaultPlacement ?? 'auto';
    this.remote = options.remote === undefined ? undefined : new RemoteClient(options.remote);
    if (!PLACEMENTS.includes(this.defaultPlacement) && !(this.defaultPlacement === 'remote' && this.remote !== undefined)) throw new HotpathError('HP_ERR_INVALID_PLACEMENT', `unknown placement ${String(this.defaultPlacement)}`);
    this.graceMs = ms(options.cancelGraceMs, 'cancelGraceMs', 250);
    this.catalog = options.catalog;
    const kernels = poolKernels(options.kernels, options.builtins ?? true);
    this.registry = new Registry(kernels, { catalog: this.catalog });
    this.inlineContext = kernelContext({ catalog: this.catalog }, undefined);
    const maxBatch = positiveInt(options.maxBatch, 'maxBatch', DEFAULT_MAX_BATCH);
    // native-async takes as many libuv threads as the pool has workers, up to
    // libuv's pool size (4 unless UV_THREADPOOL_SIZE says more). More places
    // than libuv threads hid a queue in libuv, and auto took the lane for 15
    // wide: topk over 20k rows at 60 in flight on 16 cores, 55% of calls to
    // libuv, 8.6k calls/s against 23k in workers (bench/results/many-core).
    const libuv = Math.min(this.threads, libuvThreads());
    this.lanes = {
      worker: new Lane('worker', this.threads, this.threads * this.tasksPerWorker, maxBatch),
      async: new Lane('async', libuv, libuv, 1),
    };
    this.slots = new Slots(this.threads * this.tasksPerWorker * maxBatch + this.threads);
    const workerData: WorkerInit = {
      catalog: this.catalog, words: this.slots.words, control: this.controlChannel,
      kernels: kernels.map((k) => ({ name: k.name, url: workerModuleUrl(k.url) })),
    };
    const workerFile = (options as { [WORKER_FILE]?: string | URL })[WORKER_FILE];
    this.piscina = new Piscina({
      filename: workerFile === undefined ? compiledModule('pool/worker/entry.cjs') : String(workerFile),
      minThreads: this.threads,
      maxThreads: this.threads,
      // A fixed-size pool: idle workers are never reaped, so bursty load pays
      // no respawn (about 55 ms a worker on this 2-core machine).
      idleTimeout: 2 ** 31 - 1,
      // A worker gets its next task while it runs the current one: the
      // message round trip is hidden (trivial tasks +24% here, bench:pool).
      // The worker still runs them one at a time.
      concurrentTasksPerWorker: this.tasksPerWorker,
      // Tasks come over our own channels (channels.ts): Piscina's task port
      // stays unused, and its 'sync' wait would park the worker before our
      // port ever got a message. 'disabled': idle workers wait in their event
      // loop, where timers and on-demand profiling work (with 'sync',
      // timers set after a task do not fire until the next one).
      atomics: 'disabled',
      // The pool keeps its own per-task histograms (stats()); Piscina's
      // per-message ones would cost two more records on every round trip.
      recordTiming: false,
      resourceLimits: options.resourceLimits,
      workerData,
    });
    // Never let a worker's error crash the host: surface it as an event.
    this.piscina.on('error', (err: unknown) => {
      this.emit('workerError', err);
      this.checkStartFailure(err);
    });
    this.piscina.on('workerDestroy', () => {
      if (!this.destroying) this.book.restarts++;
    });
    this.channels = new Channels(this.piscina, this.tasksPerWorker, (batch, answer, err) => this.dispatcher.answered(batch, answer, err), () => {
      // 'workerReady': a (re)started worker can take tasks.
      this.emit('workerReady');
      this.dispatcher.pump(this.lanes.worker);
    });
    const budgetMs = ms(options.inlineBudgetMs, 'inlineBudgetMs', 1);
    this.planner = (options as { [PLANNER]?: string })[PLANNER] === 'simple'
      ? new SimplePlanner(budgetMs, this.lanes)
      : new AutoPlanner(budgetMs, this.lanes, this.slots, availableParallelism(), cpuClock());
    this.dispatcher = new Dispatcher(this.lanes.worker, this.channels, this.slots, this.book, this.planner, () => this.checkIdle(), { catalog: this.catalog });
  }

  /** Resolves once every worker can take tasks; rejects with HP_ERR_WORKER_CRASHED if they cannot start. */
  ready(): Promise<void> {
    return Promise.all([this.channels.ready(this.threads), this.remote?.ready()]).then(() => undefined);
  }

  /**
   * A worker whose module fails to load dies before it opens its channel.
   * Piscina replaces it once, then gives up: with no thread left and none
   * open, nothing could ever run the worker lane's tasks, so they fail now
   * (and later ones at once) instead of waiting forever.
   */
  private checkStartFailure(err: unknown): void {
    if (this.channels.size > 0) return;
    // Piscina removes the dead worker and maybe starts another after it emits.
    setImmediate(() => {
      if (this.channels.size > 0 || this.piscina.threads.length > 0 || this.destroying) return;
      this.startFailure = new HotpathError('HP_ERR_WORKER_CRASHED', `the pool's workers could not start: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      this.channels.fail(this.startFailure);
      const lane = this.lanes.worker;
      for (let task = lane.queue.shift(); task !== undefined; task = lane.queue.shift()) task.settle('error', undefined, this.startFailure);
      this.checkIdle();
    });
  }

  /** The names of the kernels this pool runs. */
  get kernels(): string[] {
    return this.registry.names;
  }

  /**
   * Runs a kernel (the object from defineKernel, or a registered name);
   * resolves with its result, where it ran and how long it waited and ran.
   */
  run<K extends AnyKernel>(kernel: K, input: InputOf<K>, options?: RunOptions): Promise<RunResult<ResultOf<K>>>;
  run<N extends keyof BuiltinKernels>(kernel: N, input: InputOf<BuiltinKernels[N]>, options?: RunOptions): Promise<RunResult<ResultOf<BuiltinKernels[N]>>>;
  run<N extends string>(kernel: N extends keyof BuiltinKernels ? never : N, input: unknown, options?: RunOptions): Promise<RunResult<Record<string, unknown>>>;
  run(kernelOrName: AnyKernel | string, input: unknown, options: RunOptions = {}): Promise<RunResult<object>> {
    // Only traced tasks pay for this clock read (about 50 ns each: three per
    // task were 2% of the event loop's time at 130k tasks/s).
    const calledAt = this.tracer === undefined ? 0 : clock();
    let inlineAuto: Task | undefined;
    const promise = new Promise<RunResult<object>>((resolve, reject) => {
      const spec = this.registry.get(kernelOrName);
      const kernel = spec.name;
      checkRunOptions(options);
      const requested = options.placement ?? this.defaultPlacement;
      const auto = requested === 'auto';
      let r: Route | undefined = auto ? undefined : route(requested, spec, this.remote !== undefined);
      // Refused before a placement is known: counted under the one asked for.
      if (this.closing !== undefined) {
        this.book.counters(kernel, r?.placement ?? 'auto').outcomes.rejected++;
        throw new HotpathError('HP_ERR_POOL_CLOSED', 'the pool is closed');
      }
      let args: unknown;
      try {
        args = spec.validate(input);
      } catch (err) {
        this.book.counters(kernel, r?.placement ?? 'auto').outcomes.error++;
        throw err;
      }
      const size = spec.size(args);
      let choice: AutoChoice | undefined;
      if (auto) {
        choice = this.planner.choose(kernel, size, spec.hasSync);
        r = route(choice.placement, spec);
      }
      const counters = this.book.counters(kernel, r!.placement);
      const task = new Task(kernel, spec, r!.placement, r!.impl, r!.fallback, r!.lane === 'async' ? 'async' : 'worker', args,
        options.transfer ?? true, options.signal, resolve as (v: object) => void, reject, counters, calledAt, this.tracer);
      task.size = size;
      task.choice = choice;
      task.callsAt = this.slots.countCall();
      if (options.signal?.aborted) {
        task.settle('aborted', undefined, task.abortError());
        return;
      }
      if (r!.lane === 'remote') {
        // The worker validates the same input again: its pool runs it as a local call.
        this.remote!.submit(task, input, options.deadlineMs);
        return;
      }
      if (r!.lane === 'inline') {
        runInline(task, this.planner, this.inlineContext);
        if (auto) inlineAuto = task;
        return;
      }
      this.admit(task, this.lanes[r!.lane], options.deadlineMs);
    });
    if (inlineAuto !== undefined) this.planner.settledInline(inlineAuto, promise);
    return promise;
  }

  private admit(task: Task, lane: Lane, deadlineMs: number | undefined): void {
    if (this.startFailure !== undefined && lane === this.lanes.worker) {
      task.settle('error', undefined, this.startFailure);
      return;
    }
    if (lane.queue.length >= this.maxQueue && !this.dispatcher.canSend(lane)) {
      task.settle('rejected', undefined, new HotpathError('HP_ERR_QUEUE_FULL', `queue full (${this.maxQueue} waiting)`));
      return;
    }
    if (deadlineMs !== undefined) {
      const expected = lane.expectedWaitMs() + task.counters.runEstimate.ms;
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
    // Some thread holds nothing (fewer messages out than threads): this task
    // meets no other's run. Not "a message place is free": with two per
    // worker it would wait behind one, and auto took that for overhead.
    task.freeAtEnqueue = lane.messages < lane.parallel && lane.queue.length === 0;
    lane.queue.push(task);
    this.dispatcher.submit(lane);
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
    task.settle(outcomeOf(err), undefined, err);
    this.dispatcher.cancelRunning(task, this.graceMs);
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0) return;
    if (!this.lanes.worker.idle || !this.lanes.async.idle) return;
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

  /**
   * Calls `listener(kernel, placement, waitMs, runMs)` as each task that
   * reached its kernel finishes (what a metrics exporter observes: see
   * hotpath/fastify). Returns a function that removes it.
   */
  onTiming(listener: TimingListener): () => void {
    this.book.listeners.add(listener);
    return () => this.book.listeners.delete(listener);
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
      batches: { messages: this.dispatcher.messages, tasks: this.dispatcher.tasks },
      busyMs: this.book.busyMs,
      uptimeMs,
      kernels: this.book.kernels(),
      auto: this.planner.chosen(),
    };
  }

  /** Finishes what was accepted, refuses new work (HP_ERR_POOL_CLOSED), ends the threads. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
        this.checkIdle();
      });
      await this.remote?.close();
      this.destroying = true;
      this.channels.close();
      await this.piscina.destroy();
    })();
    return this.closing;
  }
}

/** Creates a pool and waits until its workers have started. */
export async function createPool(options: PoolOptions = {}): Promise<Pool> {
  await checkModules(options.kernels);
  const pool = new Pool(options);
  try {
    await pool.ready();
  } catch (err) {
    await pool.close();
    throw err;
  }
  // One trivial task per thread: the first real call finds its path warm.
  await Promise.all(Array.from({ length: pool.threads }, () => pool.run('echo', null, { placement: 'ts-worker' })));
  pool.resetStats();
  return pool;
}

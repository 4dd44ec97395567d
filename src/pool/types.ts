// Public shapes of the pool: placements, options, results, stats.
import type { Catalog } from '../catalog/catalog.js';
import type { AnyKernel, InputOf, ResultOf } from '../kernels/define.js';
import type { echoKernel, spinKernel } from '../kernels/diagnostics.js';
import type { fingerprintKernel } from '../kernels/fingerprint/kernel.js';
import type { topkKernel } from '../kernels/topk/kernel.js';
import type { toplistKernel } from '../kernels/toplist/kernel.js';
import type { RemoteOptions } from '../remote/client.js';
import type { AutoChoice } from './auto/choice.js';

export type { PoolTopkInput } from '../kernels/topk/kernel.js';

/**
 * Where a task runs (docs/pool.md, Placements). `auto` picks one of
 * the local ones per call, never `remote`; `remote` (a `hotpath worker` over
 * Redis, docs/remote.md) exists only in a pool created with `remote`.
 */
export type Placement = 'ts-inline' | 'native-inline' | 'ts-worker' | 'native-worker' | 'native-async' | 'auto' | 'remote';
/** The placements of every pool (those a service, a bench or a profile can ask any pool for): not `remote`. */
export const PLACEMENTS: readonly Placement[] = ['ts-inline', 'native-inline', 'ts-worker', 'native-worker', 'native-async', 'auto'];
/** The placement a pool created with `remote: { redis }` adds. */
export const REMOTE_PLACEMENT = 'remote' satisfies Placement;

/**
 * The kernels every pool knows by name (ours unless `builtins: false`, and
 * the diagnostics echo and spin, which measure the pool's own cost).
 */
export interface BuiltinKernels {
  topk: typeof topkKernel;
  toplist: typeof toplistKernel;
  fingerprint: typeof fingerprintKernel;
  echo: typeof echoKernel;
  spin: typeof spinKernel;
}
export type KernelName = keyof BuiltinKernels;
/** Input and result shapes of the built-in kernels, by name. */
export type KernelTypes = { [N in KernelName]: { input: InputOf<BuiltinKernels[N]>; result: ResultOf<BuiltinKernels[N]> } };

export interface RunOptions {
  /** Where to run. Default: the pool's `defaultPlacement`. */
  placement?: Placement;
  /** Aborts a queued task at once and a running one through its cancel flag. */
  signal?: AbortSignal;
  /** Queue wait + run budget in ms. Refused up front (HP_ERR_OVERLOADED) when the queue makes it unmeetable. */
  deadlineMs?: number;
  /**
   * Worker placements move typed-array inputs to the worker (no copy): your
   * array is detached afterwards, as with postMessage's transfer list. Set
   * false to keep it (the pool copies it). Views into a larger buffer are
   * always copied (moving would detach the whole buffer). Default true.
   */
  transfer?: boolean;
}

export interface Timing {
  /** From run() to the start of the kernel, ms. */
  waitMs: number;
  /** Kernel run time, ms. */
  runMs: number;
}

/** A kernel's result with what the pool adds (these four keys are the pool's: a kernel's own are overwritten). */
export type RunResult<R extends object> = R & {
  /** Where it actually ran ('native-*' becomes 'ts-*' when the addon is missing; never 'auto'). */
  placement: Placement;
  /** For `auto` calls: what it expected of each placement and whether it was exploring. */
  choice?: AutoChoice;
  /** True when a native placement ran its TS twin because the addon is missing. */
  fallback: boolean;
  timing: Timing;
};

export interface PoolOptions {
  /** Your kernels (defineKernel): every worker imports their modules at start. Default: none. */
  kernels?: readonly AnyKernel[];
  /** Include hotpath's own kernels (topk, toplist, fingerprint). Default true. */
  builtins?: boolean;
  /** Catalog for topk (and any kernel, as ctx.catalog), shared with every worker once at start. Default: none (topk refused). */
  catalog?: Catalog;
  /** Worker threads. Default: available cores - 1 (the event loop keeps one), at least 1. */
  threads?: number;
  /**
   * Messages (batches) handed to each worker at once: it runs them one after
   * the other, and gets the next while it runs the current one, hiding the
   * message round trip. A busy worker gets a further message only while what
   * it holds is estimated under 4 ms, so a task waits behind a long one only
   * when that kernel's estimate is wrong. 1 hands work only to an idle worker.
   * Default 2.
   */
  tasksPerWorker?: number;
  /**
   * Most tasks in one message to a worker. Under load, waiting tasks go to a
   * worker in batches (one postMessage each way per batch), each batch capped
   * at about 1 ms of estimated run time; a lone task goes alone and at once.
   * 1 turns batching off. Default 64.
   */
  maxBatch?: number;
  /** Tasks waiting beyond those handed to workers; past it run() rejects with HP_ERR_QUEUE_FULL. Default 256. */
  maxQueue?: number;
  /** Placement when run() names none. Default 'auto'. */
  defaultPlacement?: Placement;
  /** `auto` runs a call on the event loop only when its predicted run time is at most this, ms. Default 1. */
  inlineBudgetMs?: number;
  /** After an abort or deadline, how long a running kernel may ignore its cancel flag before its worker is replaced. Default 250 ms. */
  cancelGraceMs?: number;
  /** Per-worker V8 heap limits (worker_threads resourceLimits). Default: Node's. */
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number; stackSizeMb?: number };
  /**
   * Adds the placement `remote`: tasks run on `hotpath worker` processes that
   * take jobs from this Redis (BullMQ; install `bullmq`). See docs/remote.md.
   */
  remote?: RemoteOptions;
}

export interface Percentiles {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export type Outcome = 'ok' | 'error' | 'aborted' | 'timeout' | 'rejected';

export interface KernelStats {
  kernel: string;
  placement: Placement;
  outcomes: Record<Outcome, number>;
  /** Queue wait, ms. */
  wait: Percentiles;
  /** Kernel run time, ms. */
  run: Percentiles;
}

export interface PoolStats {
  threads: number;
  /** Tasks waiting (not yet started), across lanes. */
  queueDepth: number;
  /** Tasks running in workers or on libuv's pool. */
  inFlight: number;
  /** Worker threads replaced after dying (not counting close()). */
  restarts: number;
  /** Busy worker time / (threads x wall time) since the pool started, 0..1. */
  utilization: number;
  /** Messages sent to worker threads and the tasks they carried (tasks / messages = mean batch size). */
  batches: { messages: number; tasks: number };
  /** Total kernel run time in worker threads, ms (a counter: rate() it for a windowed utilization). */
  busyMs: number;
  uptimeMs: number;
  kernels: KernelStats[];
  /** How often `auto` chose each placement, per kernel. */
  auto: Record<string, Partial<Record<Placement, number>>>;
}

/**
 * One task's path through the pool, for profiling (pool.traceTasks). Times are
 * absolute ms (performance.timeOrigin + performance.now()), comparable across
 * threads; 0 where the task never got there. The parts of a task's latency:
 * main thread before queueing (validation) = enqueuedAt - calledAt; queue
 * wait = dispatchedAt - enqueuedAt; transfer to the worker = startedAt -
 * dispatchedAt; run = endedAt - startedAt; return = settledAt - endedAt.
 */
export interface TaskTrace {
  kernel: string;
  placement: Placement;
  outcome: Outcome;
  calledAt: number;
  enqueuedAt: number;
  dispatchedAt: number;
  startedAt: number;
  endedAt: number;
  settledAt: number;
}

// A lane is where queued tasks wait for a kind of thread: the worker threads
// (through Piscina) or libuv's thread pool (native-async). It owns the FIFO,
// the in-flight counts that bound dispatch, the run-time estimate that
// deadline admission uses, and the batch size for the next message.
import { RunEstimate, TaskQueue } from './queue.js';
import type { Task } from '../task.js';

/**
 * Tasks libuv's thread pool runs at once, for the whole process:
 * UV_THREADPOOL_SIZE, default 4 (libuv caps it at 1024). It is read when
 * libuv first uses the pool, so only the environment can change it.
 */
export function libuvThreads(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number.parseInt(env.UV_THREADPOOL_SIZE ?? '', 10);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 1024) : 4;
}

/** Most tasks one message carries. */
export const DEFAULT_MAX_BATCH = 64;
// A batch runs its tasks one after the other, so its last task waits for the
// others: cap a batch at about this much estimated run time. 1 ms keeps the
// added latency below a typical network round trip while 100 us tasks still
// go 10 to a message.
const BATCH_BUDGET_MS = 1;

export class Lane {
  readonly queue = new TaskQueue<Task>();
  /** Tasks handed out and not yet returned (also those settled early by an abort). */
  inflight = 0;
  /** Messages in flight: at most `concurrency`. */
  messages = 0;
  /** Its tasks wait for the answer being settled (dispatch.ts submit). */
  deferred = false;
  /** Mean run time: what deadline admission and the batch budget expect. */
  readonly runTime = new RunEstimate();
  /**
   * The same, robust (slow outliers count little): what auto's wait uses.
   * One lane runs every kernel and implementation, and a rare slow one (auto
   * trying ts-worker: 4 ms where native takes 0.2) made every wait look 20x
   * longer and kept auto inline at 8 in flight.
   */
  readonly typicalRun = new RunEstimate(undefined, true);

  constructor(
    readonly name: Task['lane'],
    /** Threads that run this lane's tasks at the same time. */
    readonly parallel: number,
    /** Messages handed out at once: parallel x tasksPerWorker. */
    readonly concurrency: number,
    /** Most tasks per message (1: no batching). */
    readonly maxBatch: number,
  ) {}

  get idle(): boolean {
    return this.inflight === 0 && this.queue.length === 0;
  }

  /**
   * Expected wait before a task queued now starts, ms: the tasks ahead of it
   * beyond those running drain `parallel` at a time, each taking `runMs`
   * (default: the mean run time). `ended`: tasks out that already finished
   * (their answers wait for the event loop), not counted as ahead.
   */
  expectedWaitMs(ended = 0, runMs = this.runTime.ms): number {
    const ahead = Math.max(0, this.queue.length + this.inflight - ended - this.parallel + 1);
    return (ahead / this.parallel) * runMs;
  }

  /** The most tasks one message may carry now: maxBatch, capped by the run-time budget. */
  batchCap(): number {
    const ms = this.runTime.ms;
    return this.maxBatch > 1 && ms > 0 ? Math.max(1, Math.min(this.maxBatch, Math.floor(BATCH_BUDGET_MS / ms))) : this.maxBatch;
  }

  /**
   * The tasks for the next message, or undefined when no message may go out.
   * A lone task goes alone and at once (no added latency when idle); under
   * load, what waits is split evenly over the `ways` it can go (workers that
   * can take a message; default the free message places), so every worker
   * gets work, and capped by the run-time budget. `held`: tasks the thread
   * taking this batch holds already; it gets no more than its fair share of
   * what is queued and out (at least one task). Without that cap a closed
   * loop at 32 in flight on 2 workers (tasksPerWorker 1) settled into a
   * convoy: one worker took 31 tasks a message, the other 1 (bench/timeline.ts).
   */
  nextBatch(ways = this.concurrency - this.messages, held = 0): Task[] | undefined {
    if (this.messages >= this.concurrency || this.queue.length === 0) return undefined;
    const fair = Math.max(1, Math.ceil((this.queue.length + this.inflight) / this.parallel) - held);
    const n = Math.min(this.batchCap(), Math.ceil(this.queue.length / Math.max(1, ways)), fair);
    const batch: Task[] = [];
    while (batch.length < n) {
      const t = this.queue.shift();
      if (t === undefined) break;
      batch.push(t);
      // A task whose batch could not be sent goes alone (dispatch.ts unsent).
      if (t.solo || this.queue.peek()?.solo === true) break;
    }
    return batch.length > 0 ? batch : undefined;
  }
}

// One MessagePort per worker thread, ours, beside Piscina's. Piscina starts,
// replaces and ends the threads; messages go straight to a worker over its
// channel instead of through Piscina.run. Piscina.run cost a lone round trip
// about 13 us here: per call it maps every worker to an interface object and
// makes a TaskInfo with an AsyncResource, and its worker side wraps each task
// the same way (lone trivial task, bench:pool, 2 cores: Piscina 67.6 us,
// a raw worker_threads pool 54.8 us, hotpath through Piscina.run 75.9 us).
//
// A worker opens its channel when its module loads (worker/port.ts): it
// posts one end on parentPort, which Piscina passes on as a pool 'message'.
// A worker answers its messages in the order they came, so the batches out
// on a channel are a FIFO. The port emits 'close' once the thread is gone,
// after every answer it posted before dying was delivered (measured here:
// process.exit, an uncaught throw and terminate() alike): what is still
// pending then was lost with the thread.
import type { MessagePort, Worker } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { fromWire, HotpathError, type WireError } from '../../errors.js';
import type { Task } from '../task.js';
import { HELLO, type Hello, type WireAnswer, type WireMessage } from './wire.js';


/**
 * A busy worker is handed a second message only while what it holds is
 * estimated to run under this long (tasksPerWorker 2). Without that second
 * message a worker idles for a round trip after each batch: 100 us tasks,
 * 2 per worker, ran at 0.84x a raw worker_threads pool on 2 cores; with it
 * 0.97x (bench:pool at 4 in flight). At 1 ms (the batch budget, lane.ts),
 * tasks of about 1 ms were held back half the time: fingerprint over 5 s
 * and toplist over 1M events at 8 in flight, 2 cores, left their worker
 * nothing to run at 1505 and 733 of 2090 and 1349 answers while 5 tasks
 * waited, and ran 1.39k and 0.90k calls/s; at 4 ms none, 1.57k and 1.02k
 * (bench placements: workers 10-50% faster for tasks of 1-6 ms). A task
 * sent behind 4 ms of work waits at most that, as it would in the queue
 * for the first free worker when tasks are alike. (While the event loop has
 * time to spare, or for tasks of 0.2 ms and more: dispatch.ts pipelines.)
 */
const PIPELINE_MS = 4;

export interface Channel {
  readonly threadId: number;
  readonly port: MessagePort;
  /** Batches sent and not answered, oldest first. */
  readonly pending: Task[][];
  /** Their estimated run times, ms (same order), and the sum. */
  readonly pendingMs: number[];
  workMs: number;
  /** The thread's last error ('error' event), for the message of what it takes down. */
  error?: Error;
}

/** Called with every batch's outcome: its answer, or the error that lost it. */
export type OnAnswer = (batch: Task[], answer: WireAnswer | undefined, err?: HotpathError) => void;

export class Channels {
  private readonly list: Channel[] = [];
  private readonly starting = new Map<number, Worker>();
  private closed = false;
  private readyWaiters: { n: number; resolve: () => void; reject: (err: Error) => void }[] = [];

  constructor(
    private readonly piscina: Piscina,
    /** Messages one worker holds at once (the pool's tasksPerWorker). */
    private readonly perWorker: number,
    private readonly onAnswer: OnAnswer,
    /** A channel opened: a (re)started worker can take tasks. */
    private readonly onOpen: () => void,
  ) {
    piscina.on('message', (m: unknown) => {
      if (typeof m === 'object' && m !== null && HELLO in m) this.open(m as Hello);
    });
    // Piscina's worker interface calls the threadId `id`.
    piscina.on('workerCreate', (w: { id: number }) => this.holdUntilOpen(w.id));
    piscina.on('workerDestroy', (w: { id: number }) => this.starting.delete(w.id));
  }

  /**
   * Piscina unrefs its idle workers, and tasks no longer keep one referenced
   * (they do not go through Piscina.run): a program awaiting createPool()
   * with nothing else to do exited before any worker had opened its channel
   * (exit code 13, unsettled top-level await). A starting worker now keeps
   * the process alive until its channel opens (or it dies).
   */
  private holdUntilOpen(threadId: number): void {
    if (this.list.some((ch) => ch.threadId === threadId)) return;
    const worker = this.piscina.threads.find((w) => w.threadId === threadId);
    if (worker === undefined) return;
    worker.ref();
    this.starting.set(threadId, worker);
  }

  get size(): number {
    return this.list.length;
  }

  /** Resolves once `n` workers have opened their channels; rejects if the workers cannot start (fail()). */
  ready(n: number): Promise<void> {
    if (this.list.length >= n) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ n, resolve, reject }));
  }

  /** No worker could start (Piscina has given up on them): what waits for one is told so. */
  fail(err: Error): void {
    for (const w of this.readyWaiters.splice(0)) w.reject(err);
  }

  /** Workers that could take a message at the last free(): what waits is split over them. */
  ways = 0;

  /**
   * The channel with the fewest batches out, if it can take one more. A
   * worker that is busy takes a further message only while what it holds is
   * estimated under PIPELINE_MS: then the next batch is waiting in its port
   * when it answers, instead of a round trip later, and a task sent there
   * waits at most about as long as a batch's last task already does.
   * `pipeline` false: idle workers only (loop-load.ts says when).
   */
  free(pipeline = true): Channel | undefined {
    let best: Channel | undefined;
    let ways = 0;
    for (const ch of this.list) {
      const n = ch.pending.length;
      if (n >= this.perWorker || (n > 0 && (!pipeline || ch.workMs > PIPELINE_MS))) continue;
      ways++;
      if (best === undefined || n < best.pending.length) best = ch;
    }
    this.ways = ways;
    return best;
  }

  /** Tasks out on `ch`, in all its batches. */
  static held(ch: Channel): number {
    let n = 0;
    for (const batch of ch.pending) n += batch.length;
    return n;
  }

  /** Posts `batch` (estimated to run `workMs`) to the worker of `ch`. */
  send(ch: Channel, batch: Task[], message: WireMessage, transferList: ArrayBuffer[], workMs: number): void {
    // An idle channel does not keep the process alive (Piscina unrefs idle
    // workers the same way); one with work out does, until its answer.
    ch.port.postMessage(message, transferList); // throws (nothing sent) on an input it cannot clone
    if (ch.pending.push(batch) === 1) ch.port.ref();
    ch.pendingMs.push(workMs);
    ch.workMs += workMs;
  }

  /** The oldest batch out on `ch`, taken off it (answered or lost). */
  private shift(ch: Channel): Task[] | undefined {
    const batch = ch.pending.shift();
    ch.pendingMs.shift();
    // Summed again, not subtracted: an estimate may be Infinity (a kernel not yet timed).
    ch.workMs = 0;
    for (const ms of ch.pendingMs) ch.workMs += ms;
    return batch;
  }

  /** Ends the worker thread `threadId` (a kernel that ignores its cancel flag). Piscina starts a new one. */
  terminate(threadId: number): void {
    const worker = this.piscina.threads.find((w) => w.threadId === threadId);
    if (worker !== undefined) void worker.terminate();
  }

  /** The pool is being destroyed: channels that close from now on take nothing down. */
  close(): void {
    this.closed = true;
  }

  private open(hello: Hello): void {
    const ch: Channel = { threadId: hello[HELLO], port: hello.port, pending: [], pendingMs: [], workMs: 0 };
    ch.port.on('message', (answer: WireAnswer | WireError) => this.answered(ch, answer));
    ch.port.on('close', () => this.lost(ch));
    ch.port.unref();
    this.starting.get(ch.threadId)?.unref();
    this.starting.delete(ch.threadId);
    const worker: Worker | undefined = this.piscina.threads.find((w) => w.threadId === ch.threadId);
    worker?.on('error', (err: Error) => {
      ch.error = err;
    });
    this.list.push(ch);
    for (const w of this.readyWaiters.splice(0)) {
      if (this.list.length >= w.n) w.resolve();
      else this.readyWaiters.push(w);
    }
    this.onOpen();
  }

  private answered(ch: Channel, answer: WireAnswer | WireError): void {
    const batch = this.shift(ch);
    if (batch === undefined) return; // not an answer to anything we sent: our worker never does this
    if (ch.pending.length === 0) ch.port.unref();
    if (Array.isArray(answer)) {
      this.onAnswer(batch, answer);
      return;
    }
    // The worker threw outside any kernel (worker/port.ts) and lives on: the
    // message is lost as if its thread had died.
    const cause = fromWire(answer);
    this.onAnswer(batch, undefined, this.crashError(batch, cause.message, cause));
  }

  private lost(ch: Channel): void {
    this.list.splice(this.list.indexOf(ch), 1);
    if (this.closed) return;
    const why = ch.error?.message ?? 'its thread ended';
    for (let batch = this.shift(ch); batch !== undefined; batch = this.shift(ch)) {
      this.onAnswer(batch, undefined, this.crashError(batch, why, ch.error));
    }
  }

  private crashError(batch: Task[], why: string, cause: unknown): HotpathError {
    return new HotpathError('HP_ERR_WORKER_CRASHED', `the worker running ${batch.map((t) => t.kernel).join(', ')} died: ${why}`, { cause });
  }
}

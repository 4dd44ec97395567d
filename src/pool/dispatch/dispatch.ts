// Hands queued tasks to threads and takes their answers back. Worker-lane
// tasks travel in batches over each worker's channel (channels.ts): one
// postMessage carries every task a worker gets at once and one carries their
// answers, so the per-message cost (the thread wake-ups: postMessage took
// 11-12 us here, bench:pool) is paid once per batch, not once per task. Inside
// a batch each task keeps its own slot (cancel flag), timing, error and result.
// About 350 lines: sending a batch and settling its answer share the lane's
// counts and the slots. Of auto's calls it tells the planner what each cost
// (planner.ts); a call with a fixed placement runs no planner code.
import { fromWire, HotpathError } from '../../errors.js';
import type { KernelContext, PoolContext } from '../../kernels/define.js';
import { type Channel, Channels } from './channels.js';
import { clock as now, ORIGIN } from '../clock.js';
import type { Lane } from './lane.js';
import type { Planner } from '../planner.js';
import { LoopCpu, LoopLoad } from './loop-load.js';
import { kernelContext } from '../registry.js';
import { DONE, Slots } from './slots.js';
import type { StatsBook } from '../stats.js';
import { outcomeOf, type Task } from '../task.js';
import { ANSWER_STRIDE, OK, pushTask, SKIPPED, type WireAnswer, type WireError, type WireMessage } from './wire.js';

/**
 * `.then` on it queues a microtask. queueMicrotask does too, but in Node 20
 * it also makes an AsyncResource and a bound function on every call: 145 ns
 * against 52 here, twice a message.
 */
const SETTLED = Promise.resolve();

export class Dispatcher {
  /** Messages sent to worker threads, and the tasks they carried. */
  messages = 0;
  tasks = 0;
  /**
   * Answers being settled (finish() and the microtask after it), and the
   * lanes that got tasks meanwhile (flagged on the lane: a Set shrank and
   * rehashed on every delete, once a message).
   */
  private settling = 0;
  private readonly deferred: Lane[] = [];
  private pipelineQueued = false;
  /** Whether the event loop is saturated: then busy workers get no second message. */
  private readonly loop = new LoopLoad();
  /** Times auto calls' messages on this thread's CPU clock. */
  private readonly cpu = new LoopCpu();
  /** native-async run contexts, one per slot (its cancel flag). */
  private readonly asyncContexts: KernelContext[] = [];

  constructor(
    private readonly workerLane: Lane,
    private readonly channels: Channels,
    private readonly slots: Slots,
    private readonly book: StatsBook,
    private readonly planner: Planner,
    private readonly checkIdle: () => void,
    private readonly pool: PoolContext,
  ) {}

  /**
   * A task was queued: send what the lane allows now, or, while answers are
   * being settled, once their callers' continuations have run. A caller that
   * submits again as soon as its result arrives (a closed loop, a handler
   * calling the next kernel) then shares one message with the others whose
   * results came in the same answer, instead of the first going alone at once
   * and the rest waiting for the next free worker (with finish() holding the
   * answering worker's next message the same way: trivial tasks at 32 in
   * flight went 8.3 to a message before, 13 after; bench:pool, 2 cores).
   */
  submit(lane: Lane): void {
    if (this.settling === 0) this.pump(lane);
    else this.defer(lane);
  }

  private defer(lane: Lane): void {
    if (lane.deferred) return;
    lane.deferred = true;
    this.deferred.push(lane);
  }

  /** Whether a message could go out on the lane now (a task need not wait in its queue). */
  canSend(lane: Lane): boolean {
    return lane.messages < lane.concurrency && (lane.name === 'async' || this.channels.free(this.loop.pipelines(lane.runTime.ms)) !== undefined);
  }

  /**
   * Sends as many messages as the lane (and, for workers, their channels)
   * allow. `now`: a busy worker's next message may go at once.
   */
  pump(lane: Lane, now = false): void {
    if (lane.name === 'async') {
      for (let batch = lane.nextBatch(); batch !== undefined; batch = lane.nextBatch()) this.sendAsync(batch, lane);
    } else if (lane.queue.length > 0) {
      // Only while tasks wait: free() scans every channel, and pipelines()
      // may read the clock (0.1 us on the 2-core machine). A worker that
      // died and is being replaced has no channel: its share of the lane
      // waits here, not in a port, until the new one opens.
      const pipeline = this.loop.pipelines(lane.runTime.ms);
      do {
        const ch = this.channels.free(pipeline);
        if (ch === undefined) break;
        // A busy worker's next message waits for the end of the current
        // macrotask, so what else its caller submits meanwhile rides along:
        // that worker has its current message to finish first, so nothing
        // is late. (Sent at once, a burst of 4 went as 1 message then 3.)
        if (!now && ch.pending.length > 0) {
          this.pipelineSoon();
          break;
        }
        const batch = lane.nextBatch(this.channels.ways, Channels.held(ch));
        if (batch === undefined) break;
        this.send(batch, lane, ch);
      } while (lane.queue.length > 0);
    }
    this.checkIdle();
  }

  /** Pumps the worker lane in a microtask, after those already queued (what they submit rides along). */
  private pipelineSoon(): void {
    if (this.pipelineQueued) return;
    this.pipelineQueued = true;
    void SETTLED.then(this.pipelineNow);
  }

  private readonly pipelineNow = (): void => {
    this.pipelineQueued = false;
    this.pump(this.workerLane, true);
  };

  /** After an answer's callers have run: send what they and others submitted meanwhile. */
  private readonly afterSettling = (): void => {
    this.settling--;
    // pop(), not `length = 0` after a loop: setting an array's length is a runtime call.
    for (let lane = this.deferred.pop(); lane !== undefined; lane = this.deferred.pop()) {
      lane.deferred = false;
      this.pump(lane, true);
    }
  };

  private prepare(task: Task): void {
    task.state = 'running';
    task.slot = this.slots.acquire();
    // Slots are sized for every task that can be out at once (messages x
    // maxBatch + the libuv lane); running out would be a bug in that count.
    if (task.slot < 0) throw new Error('hotpath: out of cancel slots (a bug: please report it)');
    if (task.traced) task.dispatchedAt = now();
  }

  /** libuv lane: one AsyncWorker per task (its maxBatch is 1). */
  private sendAsync(batch: Task[], lane: Lane): void {
    lane.messages++;
    lane.inflight++;
    const task = batch[0];
    this.prepare(task);
    const t0 = performance.now();
    const c0 = this.cpu.start(batch);
    if (task.choice !== undefined) this.planner.sent(task);
    let running: Promise<unknown>;
    this.slots.untimed(task.slot);
    try {
      const ctx = (this.asyncContexts[task.slot] ??= kernelContext(this.pool, Slots.asyncFlag(this.slots.words, task.slot)));
      running = task.spec.runAsync(task.args, ctx);
    } catch (err) {
      // The addon checks its arguments before it queues the work (an input
      // detached after run() took it): a plain rejection, not a throw out of pump().
      running = Promise.reject(err);
    }
    running.then(
      (raw) => {
        task.completeMs = Math.max(0, this.slots.completionMs(task.slot));
        const us = this.slots.runUs(task.slot);
        const cpuUs = this.slots.runCpuUs(task.slot);
        task.timedByAddon = us >= 0;
        const runMs = task.timedByAddon ? us / 1000 : performance.now() - t0;
        this.finish(batch, lane, [OK, ORIGIN + t0, runMs, raw, cpuUs >= 0 ? Math.min(runMs, cpuUs / 1000) : runMs]);
      },
      (err: unknown) => this.finish(batch, lane, undefined, err),
    );
    task.sendMs = this.cpu.since(c0);
  }

  private send(batch: Task[], lane: Lane, ch: Channel): void {
    lane.messages++;
    lane.inflight += batch.length;
    const c0 = this.cpu.start(batch);
    const transferList: ArrayBuffer[] = [];
    const message: WireMessage = [];
    const moved: Task[] = [];
    let workMs = 0;
    for (const task of batch) {
      this.prepare(task);
      // A kernel never run here may be long: nothing is pipelined behind it.
      const est = task.counters.runEstimate;
      workMs += est.known ? est.ms : Infinity;
      const n = transferList.length;
      pushTask(message, task.spec.code, task.impl, task.choice !== undefined, task.slot, task.callsAt, task.spec.toWire(task.args, task.transfer, transferList));
      if (transferList.length > n) moved.push(task);
      if (task.choice !== undefined) this.planner.sent(task);
    }
    try {
      this.channels.send(ch, batch, message, transferList, workMs);
    } catch (err) {
      this.unsent(batch, lane, err);
      return;
    }
    // A moved input now belongs to the worker; a copied one stays, so the
    // task can be sent again if the worker dies before running it.
    for (const task of moved) task.args = undefined;
    this.messages++;
    this.tasks += batch.length;
    // What sending cost this thread (NaN: not timed).
    const share = this.cpu.since(c0) / batch.length;
    for (const task of batch) task.sendMs = share;
  }

  /**
   * postMessage refused the batch (DataCloneError: an input the caller
   * detached, by transferring its buffer elsewhere, after run() took it).
   * Nothing was sent. Its tasks go back to the head of the queue to be sent
   * one by one, so that only the task at fault fails, with
   * HP_ERR_INVALID_ARGUMENT.
   */
  private unsent(batch: Task[], lane: Lane, err: unknown): void {
    lane.messages--;
    lane.inflight -= batch.length;
    for (const task of batch) {
      this.slots.release(task.slot);
      task.state = 'queued';
    }
    if (batch.length === 1) {
      const task = batch[0];
      task.state = 'returned';
      task.settle('error', undefined, new HotpathError('HP_ERR_INVALID_ARGUMENT',
        `${task.kernel}: its input could not be sent to a worker (${(err as Error)?.message ?? String(err)})`, { cause: err }));
      return;
    }
    for (let i = batch.length - 1; i >= 0; i--) {
      batch[i].solo = true;
      lane.queue.unshift(batch[i]);
    }
  }

  /** A worker's answer to a batch, or (no answer) the error that lost it: channels.ts calls this. */
  answered(batch: Task[], answer: WireAnswer | undefined, err?: HotpathError): void {
    this.finish(batch, this.workerLane, answer, err);
  }

  private finish(batch: Task[], lane: Lane, answer: WireAnswer | undefined, err?: unknown): void {
    lane.messages--;
    lane.inflight -= batch.length;
    const crashed = answer === undefined && batch[0].lane === 'worker';
    let read = 0;
    for (const task of batch) {
      // Every task of an answer counted itself finished; of a crashed batch,
      // those marked DONE did.
      if (batch[0].lane === 'worker' && (answer !== undefined || this.slots.startedBy(task.slot) === DONE)) read++;
      // The worker died: every task of the message but the one it was running
      // (still marked with its threadId) did not cause it. Those whose input is
      // still here go back to the head of the queue, once; kernels are pure, so
      // running a finished one again is safe.
      const retry = crashed && !task.settled && task.args !== undefined && task.retries === 0 && this.slots.startedBy(task.slot) <= 0;
      task.state = retry ? 'queued' : 'returned';
      if (task.graceTimer !== undefined) clearTimeout(task.graceTimer);
      this.slots.release(task.slot);
      if (retry) {
        task.retries++;
        lane.queue.unshift(task);
      }
    }
    this.slots.answersRead(read);
    // The worker that answered gets its next message once the callers whose
    // results are settled here have submitted again (their continuations run
    // as microtasks queued before the deferred pump): one message for what
    // was waiting and what they add. Sending what waited first, then the
    // rest with the next answer, made messages of 10 tasks instead of 13 at
    // 32 in flight, and cost 15% of trivial-task throughput (bench:pool).
    // When a full message is already waiting (always so with maxBatch 1),
    // it goes now: settling then overlaps with the worker's run.
    if (lane.queue.length >= lane.batchCap()) this.pump(lane, true);
    this.settling++;
    this.defer(lane);
    // A message timed when it went out is timed back.
    const c0 = batch[0].sendMs === batch[0].sendMs ? this.cpu.now() : NaN;
    for (let i = 0; i < batch.length; i++) if (batch[i].state === 'returned') this.complete(batch[i], lane, answer, i * ANSWER_STRIDE, err);
    // auto learns what an offloaded task costs the event loop: its share of
    // the message out and of settling the answer, and for libuv the addon's
    // completion (the result's conversion, which a worker does in spec.result
    // inside the share). NaN: not timed.
    const share = this.cpu.since(c0) / batch.length;
    for (const task of batch) {
      if (task.endedAt === 0 || task.choice === undefined) continue;
      this.planner.dispatched(task, task.sendMs + share + task.completeMs, batch.length > 1 || !task.freeAtEnqueue);
    }
    void SETTLED.then(this.afterSettling);
    this.checkIdle();
  }

  /** Settles a returned task from its entries at `j` of the answer (or with `err` when there is no answer). */
  private complete(task: Task, lane: Lane, answer: WireAnswer | undefined, j: number, err: unknown): void {
    if (answer !== undefined) {
      const status = answer[j] as number;
      const startedAt = answer[j + 1] as number;
      const runMs = answer[j + 2] as number;
      const waitMs = Math.max(0, startedAt - task.enqueuedAt);
      if (status !== SKIPPED) {
        task.startedAt = startedAt;
        task.endedAt = startedAt + runMs;
        task.counters.timing(waitMs, runMs);
        if (task.lane === 'worker') this.book.busyMs += runMs;
        // A cancelled run was cut short: it says nothing of how long the
        // kernel takes, so it does not feed the estimates.
        if (status === OK || (answer[j + 3] as WireError).code !== 'HP_ERR_ABORTED') {
          lane.runTime.add(runMs);
          lane.typicalRun.add(runMs);
          task.counters.runEstimate.add(runMs);
          if (task.choice !== undefined) this.planner.completed(task, runMs, (answer[j + 4] as number | undefined) ?? runMs);
        }
      }
      if (status !== OK) err = fromWire(answer[j + 3] as WireError);
      else if (!task.settled) {
        // Fields added to the kernel's fresh result object, not spread into a
        // new one: this runs once per task on the event loop.
        let result: Record<string, unknown>;
        try {
          result = task.spec.result(answer[j + 3] as object) as Record<string, unknown>;
        } catch (e) {
          task.settle('error', undefined, e);
          return;
        }
        result.placement = task.placement;
        result.fallback = task.fallback;
        result.timing = { waitMs, runMs };
        if (task.choice !== undefined) result.choice = task.choice;
        task.settle('ok', result);
      }
    }
    if (err !== undefined) task.settle(outcomeOf(err), undefined, err);
  }

  /**
   * A running task was cancelled: set its flag, and if its kernel ignores the
   * flag for `graceMs`, end its worker (Piscina starts a new one; other tasks
   * in that worker's batch then fail with HP_ERR_WORKER_CRASHED). A native
   * call cannot be interrupted, so a worker stuck in one frees its core only
   * when the call returns (worker.terminate() waits for it).
   */
  cancelRunning(task: Task, graceMs: number): void {
    this.slots.cancel(task.slot);
    if (task.lane !== 'worker') return;
    task.graceTimer = setTimeout(() => {
      if (task.state === 'running') this.channels.terminate(this.slots.startedBy(task.slot));
    }, graceMs);
    task.graceTimer.unref();
  }
}

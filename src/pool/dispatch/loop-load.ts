// Whether the event loop is the bottleneck, from its utilization (ELU: the
// share of wall time it was not idle in libuv). The dispatcher hands a busy
// worker a second message of tiny tasks only while the loop has time to
// spare (tasks of 0.2 ms and more always, LONG_TASK_MS):
// - Loop saturated (tiny tasks; many threads): the loop's cost per message
//   bounds throughput, and more, smaller messages lower it. Trivial tasks on
//   15 threads of a 16-core machine at 32 in flight ran at 0.58x a raw
//   worker_threads pool with a second message per worker (about 1 task a
//   message, 9.6 us of loop time a task), 1.21x with one (5.7 us a task).
// - Loop with time to spare: workers are the bottleneck, and each idles for a
//   round trip after its batch unless the next one is already in its port
//   (100 us tasks, 2 per worker, 2 cores: 0.84x raw with one, 0.97x with two).
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { cpuClock } from '../clock.js';

/**
 * From this mean run time (ms) up, a busy worker gets its next message
 * whatever the loop's load: a message's cost to the loop (5-10 us a task)
 * is then a few percent of the run, and holding tasks of about 1 ms back
 * left workers idle after half their answers (channels.ts PIPELINE_MS).
 */
const LONG_TASK_MS = 0.2;
/** How often the utilization is sampled, ms: reading it costs about a microsecond. */
const WINDOW_MS = 5;
/** Saturated from this utilization up, and until it falls below LEAVE (hysteresis). */
const ENTER = 0.9;
const LEAVE = 0.75;

export class LoopLoad {
  private last: EventLoopUtilization = performance.eventLoopUtilization();
  private at = performance.now();
  private saturated = false;

  /** Whether a busy worker may be handed its next message, for tasks of `runMs` on average. */
  pipelines(runMs: number): boolean {
    return runMs >= LONG_TASK_MS || !this.busy;
  }

  /** Whether the loop was saturated over the last window (read at most every WINDOW_MS). */
  get busy(): boolean {
    const t = performance.now();
    if (t - this.at >= WINDOW_MS) {
      const next = performance.eventLoopUtilization();
      const u = performance.eventLoopUtilization(next, this.last).utilization;
      this.last = next;
      this.at = t;
      this.saturated = u >= (this.saturated ? LEAVE : ENTER);
    }
    return this.saturated;
  }
}

/** One in this many messages is timed (a power of 2). */
const TIMED = 4;

/**
 * Times what messages of auto calls cost the event loop (what auto learns as dispatch cost), on its
 * CPU clock where there is one, else on the wall clock. One message in
 * TIMED is timed (see start()): a timed message costs
 * four clock reads (out and back), about 2.4 us, and trivial tasks go 10 to
 * a message at 2-6 us of loop time each.
 */
export class LoopCpu {
  private readonly clock = cpuClock() ?? (() => performance.now());
  private messages = 0;

  /**
   * The clock's reading, if the message carrying `batch` is to be timed; NaN
   * if not. Only messages with an auto call are timed (a fixed placement
   * pays nothing): one in TIMED, and every one with an explored call: while auto keeps
   * to one lane, those are the other lane's only samples, and one in four
   * left a cold first sample (0.30 ms against 0.06 warm, fingerprint over
   * 5 s) standing for a whole run.
   */
  start(batch: readonly { readonly choice?: { readonly explored: boolean } }[]): number {
    let auto = false;
    for (const task of batch) {
      if (task.choice === undefined) continue;
      if (task.choice.explored) return this.clock();
      auto = true;
    }
    return auto && (this.messages++ & (TIMED - 1)) === 0 ? this.clock() : NaN;
  }

  now(): number {
    return this.clock();
  }

  /** Ms since reading `c0` (NaN if c0 is: not timed). */
  since(c0: number): number {
    return c0 === c0 ? this.clock() - c0 : NaN;
  }
}

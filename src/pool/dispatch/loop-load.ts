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

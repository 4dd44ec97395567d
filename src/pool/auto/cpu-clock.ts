// The calling thread's CPU time, for auto's cost model (auto/planner.ts). auto
// compares placements by what each costs the cores, and wall time says
// what a piece of work cost only while it had a core to itself: with 2 busy
// workers and the event loop on 2 cores, the loop's share of a worker task
// read 0.18-0.30 ms by wall clock against 0.04-0.07 ms of CPU (fingerprint
// over 5 s at 8 in flight), and a libuv run 1.22-1.39 ms against 0.89 alone.
// The addon reads the thread's clock (native/thread_cpu_napi.cc: a system
// call, about 0.6 us), so it is read per message or sampled, never per tiny
// task. Users' timing (timing.runMs) stays wall time.
import { performance } from 'node:perf_hooks';
import { cpuClock } from '../clock.js';
import { RunEstimate } from '../dispatch/queue.js';


/** One in this many messages is timed (a power of 2). */
const TIMED = 4;

/**
 * Times what messages cost the event loop (auto's dispatch cost), on its
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
   * if not. Nothing is timed until auto is `active` (a pool that never uses
   * it pays nothing); then one message in TIMED, whatever placement its
   * calls asked for (the loop's account, loop-account.ts, shares out every
   * call's cost), and every message with an explored call: while auto keeps
   * to one lane, those are the other lane's only samples, and one in four
   * left a cold first sample (0.30 ms against 0.06 warm, fingerprint over
   * 5 s) standing for a whole run.
   */
  start(batch: readonly { readonly choice?: { readonly explored: boolean } }[], active: boolean): number {
    if (!active) return NaN;
    for (const task of batch) if (task.choice?.explored === true) return this.clock();
    return (this.messages++ & (TIMED - 1)) === 0 ? this.clock() : NaN;
  }

  now(): number {
    return this.clock();
  }

  /** Ms since reading `c0` (NaN if c0 is: not timed). */
  since(c0: number): number {
    return c0 === c0 ? this.clock() - c0 : NaN;
  }
}

/** What auto keeps of the event loop's inline runs (placement.ts feeds it). */
export class InlineRuns {
  /** CPU and wall ms of the runs whose CPU time was read: the loop's share of a core. */
  private readonly cpu = new RunEstimate(1);
  private readonly wall = new RunEstimate(1);
  /**
   * Wall ms of every inline run so far. A libuv task's gap leaves out the
   * inline runs that held the loop meanwhile (learn.ts): with auto trying
   * inline calls of 0.8 ms beside libuv (toplist over 1M events at 8 in
   * flight), gaps read 2.1 ms against 0.3-0.5 with libuv alone, and libuv,
   * the fastest there, lost its calls to workers.
   */
  wallMs = 0;
  /** The last inline run's wall ms, and when the next untimed one may be timed (placement.ts runInline). */
  lastRunMs = Infinity;
  cpuSampleAt = 0;

  /** A run of `wallMs` whose CPU time was read: `cpuMs`. */
  observe(wallMs: number, cpuMs: number): void {
    this.wall.add(wallMs);
    this.cpu.add(Math.min(cpuMs, wallMs));
  }

  /**
   * The CPU ms of a run of `wallMs` whose CPU time was not read, from the
   * share in those read: auto's other costs are CPU times, and an inline
   * run's wall time counts the time busy workers held the loop's core.
   */
  cpuMs(wallMs: number): number {
    return this.wall.ms > 0 ? (wallMs * this.cpu.ms) / this.wall.ms : wallMs;
  }
}

// The calling thread's CPU time, for auto's cost model (auto/planner.ts). auto
// compares placements by what each costs the cores, and wall time says
// what a piece of work cost only while it had a core to itself: with 2 busy
// workers and the event loop on 2 cores, the loop's share of a worker task
// read 0.18-0.30 ms by wall clock against 0.04-0.07 ms of CPU (fingerprint
// over 5 s at 8 in flight), and a libuv run 1.22-1.39 ms against 0.89 alone.
// The addon reads the thread's clock (native/thread_cpu_napi.cc: a system
// call, about 0.6 us), so it is read per message or sampled, never per tiny
// task. Users' timing (timing.runMs) stays wall time.
import { RunEstimate } from '../dispatch/queue.js';

/** What auto keeps of the event loop's inline runs (AutoPlanner.ranInline feeds it). */
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
  /** The last inline run's wall ms, and when the next untimed one may be timed (AutoPlanner.inlineStart). */
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

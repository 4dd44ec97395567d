// What auto observes of each call beyond its choice: inline runs' CPU share
// (InlineRuns), callers chained inline (ChainCount), completed tasks (learn).
import { clock as now } from '../clock.js';
import { RunEstimate } from '../dispatch/queue.js';
import type { Task } from '../task.js';
import type { AutoPlanner } from './planner.js';
import type { LoopSignals } from './state.js';
import { CHAIN_SAMPLE_EVERY } from './tuning.js';

/** What auto keeps of the event loop's inline runs (AutoPlanner.ranInline feeds it). */
export class InlineRuns {
  /** CPU and wall ms of the runs whose CPU time was read: the loop's share of a core. */
  private readonly cpu = new RunEstimate(1);
  private readonly wall = new RunEstimate(1);
  /** Wall ms of every inline run so far: a libuv task's gap leaves out those that held the loop meanwhile (learn). */
  wallMs = 0;
  /** The last inline run's wall ms, and when the next untimed one may be timed (AutoPlanner.inlineStart). */
  lastRunMs = Infinity;
  cpuSampleAt = 0;

  /** A run of `wallMs` whose CPU time was read: `cpuMs`. */
  observe(wallMs: number, cpuMs: number): void {
    this.wall.add(wallMs);
    this.cpu.add(Math.min(cpuMs, wallMs));
  }

  /** The CPU ms of a run of `wallMs` whose CPU time was not read, from the share in those read. */
  cpuMs(wallMs: number): number {
    return this.wall.ms > 0 ? (wallMs * this.cpu.ms) / this.wall.ms : wallMs;
  }
}

/** Callers chaining inline calls through microtasks: a sampled inline call counts the run() calls before its first reaction. */
export class ChainCount {
  private inlineCalls = 0;
  /** Call count of the inline call to sample (0: none due). */
  private sampleAt = 0;

  constructor(
    private readonly slots: LoopSignals,
    private readonly planner: AutoPlanner,
  ) {}

  /** An auto call ran inline; `callsAt` is its place in the call count. */
  inline(callsAt: number): void {
    if ((++this.inlineCalls & (CHAIN_SAMPLE_EVERY - 1)) === 0) this.sampleAt = callsAt;
  }

  /** run() made its promise: if its call is the one to sample, count the calls before its first reaction. */
  watch(promise: Promise<unknown>): void {
    if (this.sampleAt === 0) return;
    const at = this.sampleAt;
    this.sampleAt = 0;
    const seen = () => this.planner.observeArrivals((this.slots.callCount - at) | 0);
    // Attached now, before the caller's await: it runs first.
    promise.then(seen, seen);
  }
}

/** Teaches `planner` from a completed offloaded `task`: its run's CPU ms; alone, the round trip; libuv under load, the gap. */
export function learn(planner: AutoPlanner, slots: LoopSignals, task: Task, runMs: number, cpuMs: number): void {
  // Alone: its lane was free and no other call came until now; only such tasks measure overhead.
  const alone = task.freeAtEnqueue && ((slots.callCount - task.callsAt) | 0) === 0;
  if (task.lane === 'worker') {
    planner.observeRun(task.kernel, task.placement, task.size, cpuMs);
    if (alone) planner.observeOverhead(task.kernel, 'worker', task.size, Math.max(0, now() - task.enqueuedAt - runMs));
  } else if (task.timedByAddon) {
    // The addon timed the run on libuv's thread: the kernel's own time, as a worker reports it.
    planner.observeRun(task.kernel, task.placement, task.size, cpuMs);
    if (alone) {
      // libuv publishes no arrivals; only "none came" is news here.
      planner.observeArrivals(0);
      planner.observeOverhead(task.kernel, 'async', task.size, Math.max(0, now() - task.enqueuedAt - runMs));
    } else if (!task.freeAtEnqueue && task.startedAt > 0) {
      // Queued behind others: its thread idled from its run's end until the
      // loop settled it, less the inline runs that held the loop meanwhile.
      const inline = planner.inline.wallMs - task.inlineAt;
      planner.observeGap(task.kernel, task.size, Math.max(0, now() - task.startedAt - runMs - inline));
    }
  }
}

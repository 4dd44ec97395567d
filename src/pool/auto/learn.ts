// What a completed offloaded task teaches auto (auto/planner.ts): its run's CPU time
// where it ran (cpu-clock.ts), and, when it met no queue and no other call,
// what its lane's round trip added (wall time: that is waiting, not work);
// for libuv under load, its thread's idle gap. Workers publish their tasks'
// arrivals themselves (slots.ts).
import type { AutoPlanner } from './planner.js';
import { clock as now } from '../clock.js';
import type { LoopSignals } from './state.js';
import type { Task } from '../task.js';

/** Teaches `planner` from `task`, which completed after running `runMs` of wall time and `cpuMs` of CPU time (not cancelled). */
export function learn(planner: AutoPlanner, slots: LoopSignals, task: Task, runMs: number, cpuMs: number): void {
  // Unloaded: its lane was free and no other call came until now. Only
  // such tasks measure the lanes' own overhead; under load, what is added
  // is queue wait (the lanes' model) and the loop's other work (arrivals).
  const alone = task.freeAtEnqueue && ((slots.callCount - task.callsAt) | 0) === 0;
  if (task.lane === 'worker') {
    planner.observeRun(task.kernel, task.placement, task.size, cpuMs);
    if (alone) planner.observeOverhead(task.kernel, 'worker', task.size, Math.max(0, now() - task.enqueuedAt - runMs));
  } else if (task.timedByAddon) {
    // The addon timed the run on libuv's thread: the kernel's own time, as
    // a worker reports it (without it, only end to end on this thread).
    planner.observeRun(task.kernel, task.placement, task.size, cpuMs);
    if (alone) {
      // libuv's thread publishes no arrivals, and a count taken here would
      // include the time the completion waited for the loop: only "none
      // came" is news (it lets the estimate fall while auto uses libuv).
      planner.observeArrivals(0);
      planner.observeOverhead(task.kernel, 'async', task.size, Math.max(0, now() - task.enqueuedAt - runMs));
    } else if (!task.freeAtEnqueue && task.startedAt > 0) {
      // Queued behind others on libuv: libuv ran it as soon as it was sent
      // (the lane sends no more tasks than it has threads), so what its
      // round trip added to the run is the time its thread then idled,
      // waiting for the loop (auto/state.ts gap), less the inline runs that
      // held the loop meanwhile. Not from a task that found the lane free:
      // under load, that is auto trying libuv while another lane takes the
      // calls, and its gap is that lane's answers (toplist over 1M events:
      // 0.6-1.2 ms against 0.4-0.55 with libuv alone).
      const inline = planner.inline.wallMs - task.inlineAt;
      planner.observeGap(task.kernel, task.size, Math.max(0, now() - task.startedAt - runMs - inline));
    }
  }
}

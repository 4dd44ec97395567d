// What a completed offloaded task teaches auto (auto.ts): its run time where
// it ran, and, when it met no queue and no other call, what its lane's round
// trip added. Workers publish their tasks' arrivals themselves (slots.ts).
import type { AutoPlanner } from './auto.js';
import { clock as now } from './clock.js';
import type { Slots } from './slots.js';
import type { Task } from './task.js';

/** Teaches `planner` from `task`, which completed after running `runMs` (not cancelled). */
export function learn(planner: AutoPlanner, slots: Slots, task: Task, runMs: number): void {
  // Unloaded: its lane was free and no other call came until now. Only
  // such tasks measure the lanes' own overhead; under load, what is added
  // is queue wait (the lanes' model) and the loop's other work (arrivals).
  const alone = task.freeAtEnqueue && ((slots.callCount - task.callsAt) | 0) === 0;
  if (task.lane === 'worker') {
    planner.observeRun(task.kernel, task.placement, task.size, runMs);
    if (alone) planner.observeOverhead(task.kernel, 'worker', task.size, Math.max(0, now() - task.enqueuedAt - runMs));
  } else if (task.timedByAddon) {
    // The addon timed the run on libuv's thread: the kernel's own time, as
    // a worker reports it (without it, only end to end on this thread).
    planner.observeRun(task.kernel, task.placement, task.size, runMs);
    if (alone) {
      // libuv's thread publishes no arrivals, and a count taken here would
      // include the time the completion waited for the loop: only "none
      // came" is news (it lets the estimate fall while auto uses libuv).
      planner.observeArrivals(0);
      planner.observeOverhead(task.kernel, 'async', task.size, Math.max(0, now() - task.enqueuedAt - runMs));
    }
  }
}

// What `auto` is to the rest of the pool: the Planner interface. pool.ts asks
// it where an auto call runs; the inline run and the dispatcher tell it what
// that call cost. Only auto calls reach it: a call with a fixed placement
// runs no planner code.
import type { AutoChoice } from './auto/choice.js';
import type { Task } from './task.js';
import type { Placement } from './types.js';

export interface Planner {
  /** Where an auto call of `kernel` over an input of `size` runs (`nativeOk`: the kernel has a native form). */
  choose(kernel: string, size: number, nativeOk: boolean): AutoChoice;
  /** An auto call is about to run inline: a reading to hand back to ranInline (NaN: not timed). */
  inlineStart(): number;
  /** An auto call ran inline for `runMs` of wall time; `c0` is what inlineStart returned. */
  ranInline(task: Task, runMs: number, c0: number): void;
  /** run() made the promise of an auto call that ran inline. */
  settledInline(task: Task, promise: Promise<unknown>): void;
  /** An auto task is leaving for its lane (a worker or libuv). */
  sent(task: Task): void;
  /** An offloaded auto task's kernel completed (not cancelled): its wall and CPU ms there. */
  completed(task: Task, runMs: number, cpuMs: number): void;
  /** What an offloaded auto task cost the event loop (its shares of the message and the answer), ms; `loaded`: batched or queued. */
  dispatched(task: Task, loopMs: number, loaded: boolean): void;
  /** How often each placement was chosen, per kernel (pool.stats().auto). */
  chosen(): Record<string, Partial<Record<Placement, number>>>;
}

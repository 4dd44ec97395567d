// Absolute time in ms, comparable across threads: performance.timeOrigin +
// performance.now(). The origin is read once per thread: its getter showed as
// 0.6% of an inline auto call's profile (~20 ns a read, twice per task).
import { performance } from 'node:perf_hooks';
import { native } from '../native/binding.js';

export const ORIGIN = performance.timeOrigin;

export const clock = (): number => ORIGIN + performance.now();

/**
 * An auto call's CPU time is read (two reads of the thread's CPU clock, at
 * most 2.4% of the run) when the last run of its kernel and implementation
 * on that thread took at least this many ms of wall time: inline
 * (auto/planner.ts) and in workers (worker/run.ts) alike. Shorter runs
 * report their wall time, which a preemption rarely interrupts.
 */
export const CPU_TIMED_MS = 0.05;

/**
 * CPU ms of the calling thread, or undefined without the addon or a per-thread CPU clock.
 * The addon reads it with a system call (about 0.6 us): read per message or
 * sampled, never per tiny task.
 */
export function cpuClock(): (() => number) | undefined {
  const n = native();
  if (n === null || typeof n.threadCpuUs !== 'function' || n.threadCpuUs() < 0) return undefined;
  return () => n.threadCpuUs() / 1000;
}

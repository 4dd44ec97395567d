// CPU time of the calling thread only (process.cpuUsage() counts every
// thread, workers included; process.threadCpuUsage() needs Node 23.9).
// Linux's /proc/thread-self/schedstat gives on-CPU time in ns; elsewhere we
// fall back to the process's time and say so.
import { readFileSync } from 'node:fs';

let source: 'schedstat' | 'process' | undefined;

/** Microseconds of CPU used by this thread so far. */
export function threadCpuUs(): number {
  if (source !== 'process') {
    try {
      const ns = Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
      source = 'schedstat';
      return ns / 1000;
    } catch {
      source = 'process';
    }
  }
  const u = process.cpuUsage();
  return u.user + u.system;
}

export function cpuSource(): string {
  threadCpuUs();
  return source === 'schedstat' ? 'main thread (/proc/thread-self/schedstat)' : 'whole process (process.cpuUsage: no per-thread clock here)';
}

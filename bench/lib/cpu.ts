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

/**
 * The machine's CPU time so far (Linux /proc/stat, in clock ticks): all of
 * it, and the idle part (idle + iowait). Undefined where there is no
 * /proc/stat. Two readings give the share of the machine a run left idle:
 * a pool that leaves cores idle is bound by its hand-offs, not by CPU.
 */
export function machineTicks(): { total: number; idle: number } | undefined {
  try {
    const t = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    return { total: t.reduce((x, y) => x + y, 0), idle: t[3] + t[4] };
  } catch {
    return undefined;
  }
}

// Closed-loop load: `inflight` callers, each submitting its next task as soon
// as the previous one settles, for `durationMs`. Reports ops/s and the
// calling thread's CPU per task (the event loop's cost of dispatch).
import { threadCpuUs } from './cpu.js';

export interface DriveResult {
  ops: number;
  opsPerSec: number;
  cpuUsPerOp: number;
  /** Round-trip latency percentiles, µs. */
  p50Us: number;
  p99Us: number;
}

export async function drive(submit: () => Promise<unknown>, inflight: number, durationMs: number): Promise<DriveResult> {
  const lat: number[] = [];
  let ops = 0;
  const cpu0 = threadCpuUs();
  const t0 = performance.now();
  const end = t0 + durationMs;
  const loop = async () => {
    while (performance.now() < end) {
      const s = performance.now();
      await submit();
      lat.push(performance.now() - s);
      ops++;
    }
  };
  await Promise.all(Array.from({ length: inflight }, loop));
  const elapsed = performance.now() - t0;
  const cpu = threadCpuUs() - cpu0;
  lat.sort((a, b) => a - b);
  return {
    ops,
    opsPerSec: (ops / elapsed) * 1000,
    cpuUsPerOp: cpu / ops,
    p50Us: lat[Math.floor(lat.length * 0.5)] * 1000,
    p99Us: lat[Math.floor(lat.length * 0.99)] * 1000,
  };
}

// threadCpuUs(): the calling thread's CPU time, with which auto measures the
// event loop's share of an offloaded task (src/pool/clock.ts). It must count
// this thread's work only: not its waiting, and not another thread's work.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { addonOrSkip } from '../fixtures/native.js';

const addon = addonOrSkip();

describe.skipIf(addon === null)('native threadCpuUs', () => {
  it("counts this thread's work, not its waiting nor another thread's work", async () => {
    const cpu = () => addon!.threadCpuUs();
    const t0 = cpu();
    expect(t0).toBeGreaterThan(0);
    // 30 ms of work on this thread.
    const w0 = performance.now();
    while (performance.now() - w0 < 30);
    const t1 = cpu();
    expect(t1 - t0).toBeGreaterThan(15_000);
    // 100 ms blocked (Atomics.wait times out: nothing wakes it) cost no CPU.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    const t2 = cpu();
    expect(t2 - t1).toBeLessThan(20_000);
    // A worker's 400 ms of work is the worker's (starting it costs this thread a little).
    const spin = new Worker('const e = Date.now() + 400; while (Date.now() < e);', { eval: true });
    await new Promise((resolve) => spin.once('exit', resolve));
    expect(cpu() - t2).toBeLessThan(200_000);
  });
});

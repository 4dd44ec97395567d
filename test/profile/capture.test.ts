// Profiling a live pool: one valid .cpuprofile per thread, the kernel named in
// the summary (TS) or its time attributed to the native kernel (native), and
// a per-task breakdown whose parts add up to what the caller measured.
import { BroadcastChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCatalog } from '../../src/catalog/synthetic.js';
import { createPool, type Pool } from '../../src/pool/pool.js';
import { replyChannelName, type ControlReply, type CpuProfile } from '../../src/pool/worker/profiling.js';
import { PARTS } from '../../src/profile/breakdown.js';
import { startCapture, type CaptureResult } from '../../src/profile/capture.js';
import { validateProfile } from '../../src/profile/cpuprofile.js';
import { flameTree } from '../../src/profile/flamegraph.js';
import { kernelAncestors } from '../fixtures/flame.js';
import { driveWorkload, workloadCall, WORKLOAD_DEFAULTS } from '../../src/profile/workload.js';
import { addonOrSkip } from '../fixtures/native.js';

const hasNative = addonOrSkip() !== null;
// 20k x 128: about 4 ms a TS call, 0.5 ms native on this machine:
// hundreds of tasks in a 1 s capture.
const catalog = syntheticCatalog({ items: 20_000, dims: 128, seed: 42 });
let pool: Pool;

beforeAll(async () => {
  pool = await createPool({ catalog, threads: 2 });
});
afterAll(() => pool.close());

async function profileRun(placement: 'ts-worker' | 'native-worker'): Promise<CaptureResult & { measuredMean: number; tasks: number }> {
  const o = { ...WORKLOAD_DEFAULTS, kernel: 'topk' as const, placement, items: 20_000, durationMs: 1000, concurrency: 2 };
  const capture = await startCapture(pool, { workload: { placement } });
  expect(capture.workers).toHaveLength(pool.threads);
  let sum = 0;
  let n = 0;
  const run = await driveWorkload(workloadCall(pool, o), o, (ms) => {
    capture.recordMeasured(ms);
    sum += ms;
    n++;
  });
  expect(run.errors).toBe(0);
  return { ...(await capture.stop()), measuredMean: sum / n, tasks: run.tasks };
}


function checkProfile(p: CpuProfile): void {
  expect(validateProfile(p)).toEqual([]);
  const ids = new Set(p.nodes.map((x) => x.id));
  expect(p.samples!.length).toBeGreaterThan(100);
  expect(p.timeDeltas).toHaveLength(p.samples!.length);
  for (const s of p.samples!) expect(ids.has(s)).toBe(true);
  const lastSample = p.startTime + p.timeDeltas!.reduce((a, b) => a + b, 0);
  expect(lastSample).toBeLessThanOrEqual(p.endTime);
  // 1 s at a 1000 µs interval: the profile spans about the capture.
  expect(p.endTime - p.startTime).toBeGreaterThan(900_000);
}

describe('profiling a ts-worker run', () => {
  let r: CaptureResult & { measuredMean: number; tasks: number };
  beforeAll(async () => {
    r = await profileRun('ts-worker');
  });

  it('writes one valid .cpuprofile per thread: main and every worker', () => {
    const names = [...r.files.keys()].filter((f) => f.endsWith('.cpuprofile')).sort();
    expect(names).toHaveLength(1 + pool.threads);
    expect(names).toContain('main.cpuprofile');
    const workerIds = names.filter((f) => f.startsWith('worker-')).map((f) => Number(/worker-(\d+)/.exec(f)![1]));
    expect(new Set(workerIds).size).toBe(pool.threads);
    for (const name of names) checkProfile(JSON.parse(r.files.get(name)!) as CpuProfile);
    expect(r.summary.threads.map((t) => t.file).sort()).toEqual(names);
    for (const f of ['summary.md', 'summary.json', 'flame.svg']) expect(r.files.has(f)).toBe(true);
  });

  it('names the TS kernel as the top worker function', () => {
    const top = r.summary.workers.top;
    expect(top[0].name).toBe('topkTs');
    expect(top[0].where).toMatch(/kernels\/topk\/ts\.js:\d+$/);
    expect(top[0].busyShare).toBeGreaterThan(0.5);
    expect(r.summary.workers.native.busyShare).toBeLessThan(0.05);
    expect(r.files.get('summary.md')).toContain('`topkTs`');
    expect(r.files.get('flame.svg')).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*topkTs[\s\S]*<\/svg>\s*$/);
  });

  it('breaks each task down into parts that add up to the measured latency', () => {
    const b = r.summary.breakdown;
    expect(b.tasks).toBeGreaterThan(50);
    expect(b.tasks).toBeLessThanOrEqual(r.tasks);
    expect(b.mix).toEqual({ 'topk/ts-worker': b.tasks });
    const sumOfParts = PARTS.reduce((s, p) => s + b.parts[p].mean, 0);
    expect(sumOfParts).toBeCloseTo(b.parts.total.mean, 6); // they telescope
    expect(Math.abs(sumOfParts - r.measuredMean) / r.measuredMean).toBeLessThan(0.05);
    expect(b.measured!.mean).toBeCloseTo(r.measuredMean, 6);
    for (const p of PARTS) expect(b.parts[p].p50).toBeGreaterThanOrEqual(0);
    expect(b.bound).toBe('kernel'); // 2 calls in flight on 2 workers: no queue
  });
});

// Skipped only without the addon, which CI forbids (HOTPATH_REQUIRE_NATIVE=1 makes addonOrSkip throw).
describe.skipIf(!hasNative)('profiling a native-worker run', () => {
  it('attributes the native call to the kernel, not to its JS caller or (program)', async () => {
    const r = await profileRun('native-worker');
    const w = r.summary.workers;
    expect(w.native.ms.topk).toBeGreaterThan(0);
    expect(w.native.busyShare).toBeGreaterThan(0.3);
    expect(w.top[0]).toMatchObject({ name: 'topk (native kernel)', nativeKernel: 'topk' });
    const caller = w.top.find((f) => f.name === 'runTopk');
    expect(caller?.selfMs ?? 0).toBeLessThan(w.top[0].selfMs / 10);
    expect(w.native.method.join(' ')).toMatch(/line that calls the addon/);
    expect(r.files.get('flame.svg')).toContain('topk (native kernel)');
    // V8 may name the addon call's frame threadCpuUs (the pool's CPU clock): the kernel is never drawn under it.
    const workers = [...r.files].filter(([name]) => name.startsWith('worker-')).map(([, text]) => JSON.parse(text) as CpuProfile);
    const above = kernelAncestors(flameTree(workers, 'workers'));
    expect(above.length).toBeGreaterThan(0);
    for (const path of above) expect(path).not.toContain('threadCpuUs');
  });
});

describe('capture rules', () => {
  it('refuses a second capture on the same pool while one runs', async () => {
    const first = await startCapture(pool);
    await expect(startCapture(pool)).rejects.toMatchObject({ code: 'HP_ERR_PROFILE_BUSY' });
    await first.stop();
    const again = await startCapture(pool); // free again once stopped
    await again.stop();
  });

  it('a worker told to stop a profile it never started answers with an error and keeps working', async () => {
    const reply = new BroadcastChannel(replyChannelName(pool.controlChannel));
    const errors: ControlReply[] = [];
    const all = new Promise<void>((resolve) => {
      reply.onmessage = (e) => {
        errors.push((e as { data: ControlReply }).data);
        if (errors.length === pool.threads) resolve();
      };
    });
    const cmd = new BroadcastChannel(pool.controlChannel);
    cmd.postMessage({ type: 'profile-stop', id: 'never-started' });
    cmd.postMessage({ type: 'bogus', id: 'ignored' });
    await all;
    cmd.close();
    reply.close();
    expect(errors.every((e) => e.type === 'profile-error' && e.phase === 'stop' && e.id === 'never-started')).toBe(true);
    expect(new Set(errors.map((e) => e.threadId)).size).toBe(pool.threads);
    const out = await pool.run('echo', 1, { placement: 'ts-worker' });
    expect(out.value).toBe(1);
    expect(pool.stats().restarts).toBe(0);
  });
});

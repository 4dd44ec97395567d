// Typed arrays in batched messages: a batch of a user kernel's tasks over
// typed arrays (every element type, nested objects, views, empty arrays)
// returns results bit-identical to the same tasks sent one per message;
// each task keeps its own cancel, deadline and error; an input array of
// MOVE_MIN_BYTES or more is moved, not copied; and a worker never moves a
// result's buffer out (it would lose V8's fast typed-array path).
import { afterEach, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../src/pool/pool.js';
import { MOVE_MIN_BYTES } from '../../src/pool/dispatch/transfer.js';
import { mirror } from '../fixtures/kernels/mirror.mjs';
import { faultWorker, nextStart, rejection } from '../fixtures/pool.js';

let pools: Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.map((p) => p.close()));
  pools = [];
});

const W = { placement: 'ts-worker' } as const;

/** A pool of one thread running the fault worker, blocked by a long spin until release(). */
async function blockedPool(): Promise<{ p: Pool; release: () => Promise<void> }> {
  const p = await createPool({ threads: 1, kernels: [mirror], ...faultWorker });
  pools.push(p);
  // Teach the lane that a task is quick, so the batch budget caps nothing.
  for (let i = 0; i < 20; i++) await p.run('echo', i, W);
  for (let i = 0; i < 5; i++) await p.run(mirror, { x: i }, W);
  const ac = new AbortController();
  const started = nextStart('spin');
  const blocker = p.run('spin', { us: 10_000_000 }, { ...W, signal: ac.signal });
  await started;
  return { p, release: async () => { ac.abort(); await rejection(blocker); } };
}

/** Inputs over every typed array type, nested, with views, odd values and non-array leaves. */
function inputs(): Record<string, unknown>[] {
  const big = new Float64Array(64).map((_, i) => i / 3);
  return [
    { i8: Int8Array.of(-128, 0, 127), u8: Uint8Array.of(0, 255), c8: Uint8ClampedArray.of(0, 9, 255), k: 1 },
    { i16: Int16Array.of(-32768, 7), u16: Uint16Array.of(65535), i32: Int32Array.of(-2147483648, 5), u32: Uint32Array.of(4294967295, 3) },
    { f32: Float32Array.of(NaN, -0, Infinity, 1.5e-45, 3.4e38), f64: Float64Array.of(NaN, -0, -Infinity, 5e-324, Math.PI) },
    { i64: BigInt64Array.of(-(2n ** 63n), 1n), u64: BigUint64Array.of(2n ** 64n - 1n) },
    { nested: { deeper: { f: Float32Array.of(1, 2, 3), s: 'text' }, n: 4 }, list: [1, 2, 3], nil: null, no: undefined, yes: true },
    // A view into a larger buffer: only its bytes count.
    { view: new Float64Array(big.buffer, 8 * 5, 7), empty: new Uint32Array(0), str: 'é' },
    // The same array under two keys: the kernel sees one array.
    ((u) => ({ a: u, b: u }))(Uint16Array.of(1, 2, 3)),
    { events: new Uint32Array(1000).map((_, i) => i * 7919) },
  ];
}

/** The bytes of every typed array in `v`, in key order, with the rest as JSON (bigints as strings). */
function fingerprint(v: unknown): string {
  return JSON.stringify(v, (_k, x) => {
    if (typeof x === 'bigint') return `${x}n`;
    if (ArrayBuffer.isView(x)) return `${x.constructor.name}:${Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('hex')}`;
    if (x === undefined) return 'undefined';
    return x;
  });
}

describe('typed arrays in batches', () => {
  it('results are bit-identical to the same tasks sent one per message', async () => {
    const solo = await createPool({ threads: 1, kernels: [mirror], maxBatch: 1 });
    pools.push(solo);
    const one: unknown[] = [];
    for (const input of inputs()) one.push((await solo.run(mirror, input, W)).copy);

    const { p, release } = await blockedPool();
    const before = p.stats().batches;
    const running = inputs().map((input) => p.run(mirror, input, W));
    await release();
    const batched = await Promise.all(running);
    const after = p.stats().batches;
    expect(after.tasks - before.tasks).toBe(running.length);
    expect(after.messages - before.messages).toBeLessThan(running.length);
    expect(batched.map((r) => fingerprint(r.copy))).toEqual(one.map(fingerprint));
    // And both are the input itself, bit for bit (the view: its 7 elements only).
    expect(batched.map((r) => fingerprint(r.copy))).toEqual(inputs().map(fingerprint));
    expect(batched.map((r) => r.same)).toEqual([false, false, false, false, false, false, true, false]);
    // Each result's arrays are its own: a buffer per array.
    const f = batched[2].copy.f64 as Float64Array;
    expect(f.buffer.byteLength).toBe(f.byteLength);
  });

  it('abort, deadline and error stay with their own task of a batch of typed-array tasks', async () => {
    const { p, release } = await blockedPool();
    const ac = new AbortController();
    // The fault worker announces the echo when the batch reaches it (it names only hotpath's kernels).
    const marker = p.run('echo', 'first of the batch', W);
    const ok1 = p.run(mirror, { v: Float32Array.of(1, 2) }, W);
    const aborted = p.run(mirror, { v: Float32Array.of(3), spinMs: 200 }, { ...W, signal: ac.signal });
    const late = p.run(mirror, { v: Int32Array.of(4), spinMs: 300 }, { ...W, deadlineMs: 150 });
    const failing = p.run(mirror, { v: Uint8Array.of(5), fail: true }, W);
    const ok2 = p.run(mirror, { v: Float64Array.of(6, 7), spinMs: 1 }, W);
    const sent = nextStart('echo');
    await release();
    await sent;
    ac.abort(new Error('one task of the batch'));
    expect((await rejection(aborted)).code).toBe('HP_ERR_ABORTED');
    expect((await rejection(late)).code).toBe('HP_ERR_DEADLINE');
    expect((await rejection(failing)).code).toBe('HP_ERR_KERNEL_FAILED');
    expect(Array.from((await ok1).copy.v as Float32Array)).toEqual([1, 2]);
    const r2 = await ok2;
    expect(Array.from(r2.copy.v as Float64Array)).toEqual([6, 7]);
    // Its own timing, whatever its neighbours did.
    expect(r2.timing.runMs).toBeLessThan(50);
    expect((await marker).value).toBe('first of the batch');
    expect([p.stats().inFlight, p.stats().queueDepth]).toEqual([0, 0]);
  });

  it('an input of MOVE_MIN_BYTES or more moves; smaller ones and results are copied', async () => {
    const { p, release } = await blockedPool();
    const n = MOVE_MIN_BYTES / 8;
    const large = new Float64Array(n).fill(2.5);
    const kept = new Float64Array(n).fill(3.5);
    const small = new Float64Array(n / 2 - 1).fill(4.5);
    const tasks = [
      p.run(mirror, { large, bigOut: n }, W),
      p.run(mirror, { kept }, { ...W, transfer: false }),
      p.run(mirror, { small, bigOut: 4 }, W),
    ];
    // run() took the large input: moved (transfer defaults to true), so the caller's array is detached.
    await release();
    const [a, b, c] = await Promise.all(tasks);
    expect(large.byteLength).toBe(0);
    expect(kept.length).toBe(n);
    expect(small.length).toBe(n / 2 - 1);
    // Results arrive whole, each array in a buffer of its own.
    expect((a.big as Float64Array).length).toBe(n);
    expect((a.big as Float64Array).buffer.byteLength).toBe(n * 8);
    expect((a.big as Float64Array).every((x) => x === 1.5)).toBe(true);
    expect((a.copy.large as Float64Array).every((x) => x === 2.5)).toBe(true);
    expect((b.copy.kept as Float64Array).every((x) => x === 3.5)).toBe(true);
    expect(Array.from(c.big as Float64Array)).toEqual([1.5, 1.5, 1.5, 1.5]);
    expect((c.big as Float64Array).buffer.byteLength).toBe(32);
    expect((c.copy.small as Float64Array).every((x) => x === 4.5)).toBe(true);
  });

  it('a result the kernel keeps stays whole in the worker: results are copied, not moved', async () => {
    const p = await createPool({ threads: 1, kernels: [mirror] });
    pools.push(p);
    const first = await p.run(mirror, { keep: true }, W);
    const second = await p.run(mirror, { keep: true }, W);
    expect(first.keptBytes).toBe(32768);
    expect(second.keptBytes).toBe(32768);
    expect((first.kept as Float64Array).length).toBe(4096);
    expect((second.kept as Float64Array).every((x) => x === 2)).toBe(true);
  });
});

// Library inputs that used to escape the code table, placement by placement:
// the same input gets the same answer, or the same code, wherever it runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCatalog } from '../../src/catalog/synthetic.js';
import { createPool, type Pool } from '../../src/pool/pool.js';
import { rejection } from '../fixtures/pool.js';

const PLACEMENTS = ['ts-inline', 'native-inline', 'ts-worker', 'native-worker', 'native-async', 'auto'] as const;
const catalog = syntheticCatalog({ items: 200, dims: 8, seed: 5 });
let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ catalog, threads: 1 });
});
afterAll(async () => {
  await pool.close();
});

/** A Float32Array subclass whose own `length` lies (reads past its end if trusted). */
class Lying extends Float32Array {
  override get length(): number {
    return 1_000_000;
  }
}

describe.each(PLACEMENTS)('on %s', (placement) => {
  const code = async (p: Promise<unknown>) => (await rejection(p)).code;

  it('refuses a signal that is not an AbortSignal, and a deadline that is not a positive number', async () => {
    const input = { events: [1, 2, 2], k: 1 };
    expect(await code(pool.run('toplist', input, { placement, signal: {} as AbortSignal }))).toBe('HP_ERR_INVALID_ARGUMENT');
    for (const deadlineMs of [0, -1, Number.NaN, '5', Infinity]) {
      expect(await code(pool.run('toplist', input, { placement, deadlineMs: deadlineMs as number })), String(deadlineMs)).toBe('HP_ERR_INVALID_ARGUMENT');
    }
    expect(await code(pool.run('toplist', input, { placement, transfer: 'yes' as never }))).toBe('HP_ERR_INVALID_ARGUMENT');
  });

  it('a Proxy whose reads throw is HP_ERR_INVALID_ARGUMENT, not a raw TypeError', async () => {
    const trap = new Proxy([1, 2, 3, 4, 5, 6, 7, 8], { get: (t, k) => (k === '3' ? (() => { throw new TypeError('trap'); })() : Reflect.get(t, k)) });
    expect(await code(pool.run('topk', { vector: trap, k: 3 }, { placement }))).toBe('HP_ERR_INVALID_ARGUMENT');
    const events = new Proxy([1, 2], { get: (t, k) => (k === 'length' ? 2 ** 40 : Reflect.get(t, k)) });
    expect(await code(pool.run('toplist', { events, k: 1 }, { placement }))).toBe('HP_ERR_INVALID_ARGUMENT');
  });

  it('a Float32Array subclass with a lying length gets the answer of its real contents', async () => {
    const real = Float32Array.from({ length: 8 }, (_, i) => Math.cos(i));
    const want = await pool.run('topk', { vector: real.slice(), k: 5 }, { placement });
    const got = await pool.run('topk', { vector: new Lying(real), k: 5 }, { placement });
    // auto may pick another twin for the second call: ids agree exactly, scores within float32.
    expect(got.items.map((i) => i.id)).toEqual(want.items.map((i) => i.id));
    for (const [i, item] of got.items.entries()) expect(item.score).toBeCloseTo(want.items[i].score, 5);
  });

  it('a detached input is HP_ERR_INVALID_ARGUMENT', async () => {
    const events = new Uint32Array([1, 2, 3]);
    structuredClone(events.buffer, { transfer: [events.buffer] });
    expect(await code(pool.run('toplist', { events, k: 1 }, { placement }))).toBe('HP_ERR_INVALID_ARGUMENT');
  });
});

describe('createPool options', () => {
  it('refuses each bad option with HP_ERR_INVALID_ARGUMENT, naming it', async () => {
    const bad: [string, object][] = [
      ['inlineBudgetMs', { inlineBudgetMs: -1 }],
      ['inlineBudgetMs', { inlineBudgetMs: Number.NaN }],
      ['cancelGraceMs', { cancelGraceMs: '250' }],
      ['catalog', { catalog: {} }],
      ['builtins', { builtins: 'no' }],
      ['threads', { threads: 0 }],
    ];
    for (const [name, options] of bad) {
      await expect(createPool(options as never), name).rejects.toMatchObject({ code: 'HP_ERR_INVALID_ARGUMENT', message: new RegExp(name) });
    }
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCatalog, MAX_ROW_NORM } from '../../src/catalog/catalog.js';
import { loadCatalog } from '../../src/catalog/npy.js';
import { syntheticCatalog } from '../../src/catalog/synthetic.js';
import { HotpathError } from '../../src/errors.js';
import { writeNpy } from '../fixtures/npy.js';

const dir = mkdtempSync(join(tmpdir(), 'hotpath-npy-'));
const values = Float32Array.from({ length: 12 }, (_, i) => (i % 5) - 2.5);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(HotpathError);
    return (err as HotpathError).code;
  }
  throw new Error('expected a rejection');
}

describe('syntheticCatalog', () => {
  it('is deterministic for a seed, different across seeds, in shared memory', () => {
    const a = syntheticCatalog({ items: 300, dims: 8, seed: 42 });
    const b = syntheticCatalog({ items: 300, dims: 8, seed: 42 });
    const c = syntheticCatalog({ items: 300, dims: 8, seed: 43 });
    expect(a.data).toEqual(b.data);
    expect(a.data).not.toEqual(c.data);
    expect(a.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.norms.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([a.items, a.dims, a.data.length, a.norms.length]).toEqual([300, 8, 2400, 300]);
    const row = a.data.subarray(8, 16);
    expect(a.norms[1]).toBeCloseTo(Math.hypot(...row), 4);
  });

  it('rejects bad options with a code', () => {
    for (const opts of [{ items: 0 }, { dims: 1.5 }, { seed: -1 }, { items: Number.NaN }]) {
      expect(() => syntheticCatalog(opts)).toThrow(expect.objectContaining({ code: 'HP_ERR_INVALID_ARGUMENT' }));
    }
  });
});

describe('loadCatalog (.npy)', () => {
  it('loads float32 [N, D] in place and float64 converted, v1 and v2 headers', async () => {
    const f4 = await loadCatalog(writeNpy(join(dir, 'f4.npy'), values, { shape: [4, 3] }));
    expect([f4.items, f4.dims]).toEqual([4, 3]);
    expect(f4.data).toEqual(values);
    expect(f4.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    const f8 = await loadCatalog(writeNpy(join(dir, 'f8.npy'), Float64Array.from(values), { shape: [3, 4], version: 2 }));
    expect([f8.items, f8.dims]).toEqual([3, 4]);
    expect(f8.data).toEqual(values);
  });

  it('matches a catalog built from the same array', async () => {
    const path = writeNpy(join(dir, 'same.npy'), values, { shape: [6, 2] });
    expect((await loadCatalog(path)).norms).toEqual(createCatalog(values, 2).norms);
  });

  it.each([
    ['missing file', () => join(dir, 'nope.npy'), 'HP_ERR_CATALOG_NOT_FOUND'],
    ['a directory', () => dir, 'HP_ERR_CATALOG_NOT_FOUND'],
    ['truncated data', () => writeNpy(join(dir, 't.npy'), values, { shape: [4, 3], truncate: 5 }), 'HP_ERR_CATALOG_INVALID'],
    ['truncated header', () => writeNpy(join(dir, 'th.npy'), values, { shape: [4, 3], truncate: 48 + 60 }), 'HP_ERR_CATALOG_INVALID'],
    ['int32 dtype', () => writeNpy(join(dir, 'i4.npy'), new Int32Array(12), { shape: [4, 3] }), 'HP_ERR_CATALOG_INVALID'],
    ['big-endian float32', () => writeNpy(join(dir, 'be.npy'), values, { shape: [4, 3], descr: '>f4' }), 'HP_ERR_CATALOG_INVALID'],
    ['float16', () => writeNpy(join(dir, 'f2.npy'), new Uint8Array(24), { shape: [4, 3], descr: '<f2' }), 'HP_ERR_CATALOG_INVALID'],
    ['1-D shape', () => writeNpy(join(dir, '1d.npy'), values, { shape: [12] }), 'HP_ERR_CATALOG_INVALID'],
    ['3-D shape', () => writeNpy(join(dir, '3d.npy'), values, { shape: [2, 2, 3] }), 'HP_ERR_CATALOG_INVALID'],
    ['zero rows', () => writeNpy(join(dir, '0.npy'), new Float32Array(0), { shape: [0, 3] }), 'HP_ERR_CATALOG_INVALID'],
    ['Fortran order', () => writeNpy(join(dir, 'fo.npy'), values, { shape: [4, 3], fortran: true }), 'HP_ERR_CATALOG_INVALID'],
    ['NaN value', () => writeNpy(join(dir, 'nan.npy'), Float32Array.from([1, Number.NaN, 2, 3]), { shape: [2, 2] }), 'HP_ERR_CATALOG_INVALID'],
    ['float64 overflowing float32', () => writeNpy(join(dir, 'big.npy'), Float64Array.from([1, 1e300]), { shape: [1, 2] }), 'HP_ERR_CATALOG_INVALID'],
    ['not a .npy file', () => { const p = join(dir, 'text.npy'); writeFileSync(p, 'hello, world'); return p; }, 'HP_ERR_CATALOG_INVALID'],
    ['empty file', () => { const p = join(dir, 'empty.npy'); writeFileSync(p, ''); return p; }, 'HP_ERR_CATALOG_INVALID'],
  ])('refuses %s with a code', async (_name, make, code) => {
    expect(await codeOf(loadCatalog(make()))).toBe(code);
  });

  it('refuses a path that is not a string', async () => {
    expect(await codeOf(loadCatalog(42 as unknown as string))).toBe('HP_ERR_INVALID_ARGUMENT');
  });
});

describe('catalog files that are not regular files', () => {
  it('a FIFO nobody writes to is refused at once with HP_ERR_CATALOG_INVALID (it used to hang in open)', async () => {
    const fifo = join(dir, 'catalog.fifo');
    execFileSync('mkfifo', [fifo]);
    const started = performance.now();
    const err = await loadCatalog(fifo).then(() => undefined, (e: unknown) => e as HotpathError);
    expect(err?.code).toBe('HP_ERR_CATALOG_INVALID');
    expect(err?.message).toMatch(/FIFO/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a character device (/dev/zero: endless) is refused before any read', async () => {
    expect(await codeOf(loadCatalog('/dev/zero'))).toBe('HP_ERR_CATALOG_INVALID');
  });
});

describe('row norms cannot overflow float32', () => {
  const dims = 16;
  const row = (v: number) => new Float32Array(dims).fill(v);

  it('a row of finite values whose norm is over 2^127 (all 3e38: 1.2e39) is refused at build and at load', async () => {
    expect(() => createCatalog(row(3e38), dims)).toThrow(expect.objectContaining({ code: 'HP_ERR_CATALOG_INVALID', message: expect.stringMatching(/row 0 has an L2 norm of 1\.200e\+39/) }));
    expect(await codeOf(loadCatalog(writeNpy(join(dir, 'huge.npy'), row(3e38), { shape: [1, dims] })))).toBe('HP_ERR_CATALOG_INVALID');
    // One huge value alone, too: its square overflows float32 but not float64.
    expect(await codeOf(loadCatalog(writeNpy(join(dir, 'huge1.npy'), Float32Array.from([3e38, 3e38]), { shape: [1, 2] })))).toBe('HP_ERR_CATALOG_INVALID');
  });

  it('a row just under the bound is kept, its norm finite and exact in float64', () => {
    const v = Math.fround((MAX_ROW_NORM / Math.sqrt(dims)) * 0.999);
    const c = createCatalog(row(v), dims);
    expect(Number.isFinite(c.norms[0])).toBe(true);
    expect(c.norms[0]).toBeCloseTo(Math.fround(v * Math.sqrt(dims)), -33);
  });
});

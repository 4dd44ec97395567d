import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCatalog, type Catalog } from '../../src/catalog/catalog.js';
import { syntheticCatalog } from '../../src/catalog/synthetic.js';
import { topk, type TopkResult } from '../../src/kernels/topk/index.js';
import { addonOrSkip } from '../fixtures/native.js';
import { referenceScores } from '../fixtures/reference.js';

// Float32 accumulation (native SIMD lanes) against float64 (TS, reference):
// relative error ~ D * 2^-24 on the dot product, scores in [-1, 1]. 1e-5 holds
// for D <= 512 with room to spare.
const TOL = 1e-5;
const hasNative = addonOrSkip() !== null;
const impls = hasNative ? (['ts', 'native'] as const) : (['ts'] as const);

/** Asserts that result is a correct top-k of the reference, up to TOL. */
function checkTopk(res: TopkResult, ref: Float64Array, k: number, excluded: Set<number>): void {
  const candidates = ref.length - [...excluded].filter((id) => id < ref.length).length;
  expect(res.items.length).toBe(Math.min(k, candidates));
  const seen = new Set<number>();
  for (const [i, { id, score }] of res.items.entries()) {
    expect(Number.isInteger(id) && id >= 0 && id < ref.length).toBe(true);
    expect(excluded.has(id)).toBe(false);
    expect(seen.has(id)).toBe(false);
    seen.add(id);
    expect(Math.abs(score - ref[id])).toBeLessThanOrEqual(TOL);
    if (i > 0) {
      const prev = res.items[i - 1];
      expect(prev.score > score || (prev.score === score && prev.id < id)).toBe(true);
    }
  }
  // Nothing left out beats the worst returned item by more than the tolerance.
  if (res.items.length > 0) {
    const worst = Math.min(...res.items.map((it) => ref[it.id]));
    for (let id = 0; id < ref.length; id++) {
      if (!seen.has(id) && !excluded.has(id)) expect(ref[id]).toBeLessThanOrEqual(worst + 2 * TOL);
    }
  }
}

/** Same ids in the same order, unless two reference scores near the cut are within 2*TOL. */
function expectSameIdsUnlessNearTie(a: TopkResult, b: TopkResult, ref: Float64Array): void {
  const ids = [...new Set([...a.items, ...b.items].map((it) => it.id))].map((id) => ref[id]).sort((x, y) => y - x);
  // Exact reference ties count too: float32 rounding may break them either way
  // (exact ties in exact arithmetic are held to the lower id in their own test).
  const nearTie = ids.some((s, i) => i > 0 && ids[i - 1] - s <= 2 * TOL);
  if (!nearTie) expect(a.items.map((it) => it.id)).toEqual(b.items.map((it) => it.id));
}

// The numeric contract (docs/kernels.md): components are 0 or of magnitude
// 1e-6..1e6. Below that, float32 products underflow in the native kernel's
// SIMD lanes; the float64 TS twin has no such limit.
const component = fc
  .float({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true })
  .map((v) => (Math.abs(v) < 1e-6 ? 0 : v));

const catalogArb = fc
  .record({ items: fc.integer({ min: 1, max: 200 }), dims: fc.integer({ min: 1, max: 40 }), ints: fc.boolean() })
  .chain(({ items, dims, ints }) =>
    fc.record({
      dims: fc.constant(dims),
      // Small integers make exact ties common, which is what tie-breaking needs.
      values: fc.array(ints ? fc.integer({ min: -2, max: 2 }) : component, {
        minLength: items * dims,
        maxLength: items * dims,
      }),
      query: fc.array(ints ? fc.integer({ min: -2, max: 2 }) : component, {
        minLength: dims,
        maxLength: dims,
      }),
      k: fc.integer({ min: 1, max: items + 5 }),
      exclude: fc.array(fc.integer({ min: 0, max: items + 3 }), { maxLength: 6 }),
    }),
  );

describe('topk', () => {
  it('TS and native agree with the float64 reference on random catalogs (property)', () => {
    fc.assert(
      fc.property(catalogArb, ({ dims, values, query, k, exclude }) => {
        const catalog = createCatalog(values, dims);
        const q = new Float32Array(query);
        const ref = referenceScores(catalog, q);
        const results = impls.map((impl) => topk({ catalog, vector: q, k, exclude }, { impl }));
        for (const res of results) checkTopk(res, ref, k, new Set(exclude));
        if (results.length === 2) expectSameIdsUnlessNearTie(results[0], results[1], ref);
      }),
      { numRuns: 150 },
    );
  });

  it.each(impls)('%s: exact ties go to the lower id', (impl) => {
    const row = [1, 2, 3];
    const catalog = createCatalog([...row, 0, 0, 1, ...row, ...row, 3, 2, 1], 3);
    const res = topk({ catalog, vector: [1, 2, 3], k: 4 }, { impl });
    expect(res.items.map((it) => it.id)).toEqual([0, 2, 3, 1]);
    expect(res.items[0].score).toBeCloseTo(1, 6);
  });

  it.each(impls)('%s: zero-norm query and rows score 0, never NaN', (impl) => {
    const catalog = createCatalog([0, 0, 1, 0, 0, 0], 2);
    const zeroQuery = topk({ catalog, vector: [0, 0], k: 3 }, { impl });
    expect(zeroQuery.items).toEqual([{ id: 0, score: 0 }, { id: 1, score: 0 }, { id: 2, score: 0 }]);
    const res = topk({ catalog, vector: [-1, 0], k: 3 }, { impl });
    expect(res.items.map((it) => it.id)).toEqual([0, 2, 1]);
    expect(res.items.every((it) => !Number.isNaN(it.score))).toBe(true);
  });

  it.each(impls)('%s: edge sizes D = 1, N < k, k = N, everything excluded', (impl) => {
    const catalog = createCatalog([3, -2, 0, 5], 1);
    expect(topk({ catalog, vector: [2], k: 10 }, { impl }).items.map((it) => [it.id, it.score])).toEqual([
      [0, 1], [3, 1], [2, 0], [1, -1],
    ]);
    expect(topk({ catalog, vector: [2], k: 4 }, { impl }).items).toHaveLength(4);
    expect(topk({ catalog, vector: [2], k: 2, exclude: [0, 1, 2, 3, 99] }, { impl }).items).toEqual([]);
  });

  it.each(impls)('%s: a realistic catalog (20k x 128) matches the reference', (impl) => {
    const catalog: Catalog = syntheticCatalog({ items: 20_000, dims: 128, seed: 7 });
    const q = catalog.data.slice(5 * 128, 6 * 128);
    const ref = referenceScores(catalog, q);
    const res = topk({ catalog, vector: q, k: 25, exclude: [5] }, { impl });
    checkTopk(res, ref, 25, new Set([5]));
  });

  it('defaults k to 10 and runs native when the addon loaded', () => {
    const catalog = syntheticCatalog({ items: 500, dims: 16, seed: 1 });
    const res = topk({ catalog, vector: catalog.data.subarray(0, 16) });
    expect(res.items).toHaveLength(10);
    expect(res.items[0].id).toBe(0);
  });
});

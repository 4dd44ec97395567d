import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toplist } from '../../src/kernels/toplist/index.js';
import { addonOrSkip } from '../fixtures/native.js';
import { referenceToplist } from '../fixtures/reference.js';

const impls = addonOrSkip() !== null ? (['ts', 'native'] as const) : (['ts'] as const);

describe('toplist', () => {
  it('TS and native equal the exact reference (property)', () => {
    const idArb = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 0xffffffff }));
    fc.assert(
      fc.property(fc.array(idArb, { maxLength: 3000 }), fc.integer({ min: 1, max: 60 }), (events, k) => {
        const want = referenceToplist(events, k);
        for (const impl of impls) {
          expect(toplist({ events: new Uint32Array(events), k }, { impl }).items).toEqual(want);
          expect(toplist({ events, k }, { impl }).items).toEqual(want);
        }
      }),
      { numRuns: 150 },
    );
  });

  it.each(impls)('%s: empty events, k above distinct ids, ties by lower id', (impl) => {
    expect(toplist({ events: new Uint32Array(0), k: 5 }, { impl }).items).toEqual([]);
    expect(toplist({ events: [9, 3, 9, 3, 7], k: 1000 }, { impl }).items).toEqual([
      { id: 3, count: 2 }, { id: 9, count: 2 }, { id: 7, count: 1 },
    ]);
    expect(toplist({ events: [0xffffffff, 0, 0xffffffff, 0], k: 1 }, { impl }).items).toEqual([{ id: 0, count: 2 }]);
  });

  it.each(impls)('%s: a large batch (300k events over 50k ids, both dense and sparse ids) is exact', (impl) => {
    let x = 12345;
    const dense = new Uint32Array(300_000);
    const sparse = new Uint32Array(300_000);
    for (let i = 0; i < dense.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      // Skewed (square of a uniform) so that the counts differ.
      const r = (x >>> 8) / 16777216;
      dense[i] = Math.floor(r * r * 50_000);
      sparse[i] = Math.imul(dense[i], 2654435761) >>> 0;
    }
    expect(toplist({ events: dense, k: 50 }, { impl }).items).toEqual(referenceToplist(dense, 50));
    expect(toplist({ events: sparse, k: 50 }, { impl }).items).toEqual(referenceToplist(sparse, 50));
  });
});

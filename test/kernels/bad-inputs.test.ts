// Bad inputs get a typed error with a stable code, never a crash: through the
// validated TS API (both impls) and straight into the addon's shims, which
// must check types and lengths again and never read out of bounds.
import { describe, expect, it } from 'vitest';
import { syntheticCatalog } from '../../src/catalog/synthetic.js';
import { topk } from '../../src/kernels/topk/index.js';
import { toplist } from '../../src/kernels/toplist/index.js';
import { addonOrSkip } from '../fixtures/native.js';
import { codeOf } from '../fixtures/errors.js';

const addon = addonOrSkip();
const impls = addon !== null ? (['ts', 'native'] as const) : (['ts'] as const);
const catalog = syntheticCatalog({ items: 50, dims: 4, seed: 3 });
const v = [1, 2, 3, 4];


const topkCases: [string, unknown, string][] = [
  ['not an object', 42, 'HP_ERR_INVALID_ARGUMENT'],
  ['null', null, 'HP_ERR_INVALID_ARGUMENT'],
  ['no catalog', { vector: v }, 'HP_ERR_INVALID_ARGUMENT'],
  ['fake catalog', { catalog: { items: 1, dims: 4 }, vector: v }, 'HP_ERR_INVALID_ARGUMENT'],
  ['no vector', { catalog }, 'HP_ERR_INVALID_ARGUMENT'],
  ['string vector', { catalog, vector: '1,2,3,4' }, 'HP_ERR_INVALID_ARGUMENT'],
  ['Int32Array vector', { catalog, vector: new Int32Array(4) }, 'HP_ERR_INVALID_ARGUMENT'],
  ['Uint8Array vector', { catalog, vector: new Uint8Array(16) }, 'HP_ERR_INVALID_ARGUMENT'],
  ['string in vector', { catalog, vector: [1, '2', 3, 4] }, 'HP_ERR_INVALID_ARGUMENT'],
  ['NaN in vector', { catalog, vector: [1, Number.NaN, 3, 4] }, 'HP_ERR_NON_FINITE'],
  ['Infinity in vector', { catalog, vector: new Float32Array([1, Infinity, 3, 4]) }, 'HP_ERR_NON_FINITE'],
  ['float64 overflowing float32', { catalog, vector: new Float64Array([1, 1e300, 3, 4]) }, 'HP_ERR_NON_FINITE'],
  ['short vector', { catalog, vector: [1, 2, 3] }, 'HP_ERR_DIMENSION_MISMATCH'],
  ['long vector', { catalog, vector: [1, 2, 3, 4, 5] }, 'HP_ERR_DIMENSION_MISMATCH'],
  ['empty vector', { catalog, vector: [] }, 'HP_ERR_DIMENSION_MISMATCH'],
  ['k = 0', { catalog, vector: v, k: 0 }, 'HP_ERR_INVALID_K'],
  ['negative k', { catalog, vector: v, k: -3 }, 'HP_ERR_INVALID_K'],
  ['fractional k', { catalog, vector: v, k: 2.5 }, 'HP_ERR_INVALID_K'],
  ['huge k', { catalog, vector: v, k: 1_000_001 }, 'HP_ERR_INVALID_K'],
  ['string k', { catalog, vector: v, k: '10' }, 'HP_ERR_INVALID_K'],
  ['NaN k', { catalog, vector: v, k: Number.NaN }, 'HP_ERR_INVALID_K'],
  ['exclude not an array', { catalog, vector: v, exclude: 7 }, 'HP_ERR_INVALID_ARGUMENT'],
  ['negative exclude id', { catalog, vector: v, exclude: [-1] }, 'HP_ERR_INVALID_ARGUMENT'],
  ['fractional exclude id', { catalog, vector: v, exclude: [1.5] }, 'HP_ERR_INVALID_ARGUMENT'],
];

const toplistCases: [string, unknown, string][] = [
  ['not an object', 'events', 'HP_ERR_INVALID_ARGUMENT'],
  ['no events', { k: 3 }, 'HP_ERR_INVALID_ARGUMENT'],
  ['Int32Array events', { events: new Int32Array(3) }, 'HP_ERR_INVALID_ARGUMENT'],
  ['Float32Array events', { events: new Float32Array(3) }, 'HP_ERR_INVALID_ARGUMENT'],
  ['negative id', { events: [1, -1] }, 'HP_ERR_INVALID_ARGUMENT'],
  ['id above uint32', { events: [2 ** 32] }, 'HP_ERR_INVALID_ARGUMENT'],
  ['fractional id', { events: [1.5] }, 'HP_ERR_INVALID_ARGUMENT'],
  ['NaN id', { events: [Number.NaN] }, 'HP_ERR_INVALID_ARGUMENT'],
  ['string id', { events: ['1'] }, 'HP_ERR_INVALID_ARGUMENT'],
  ['k = 0', { events: [1], k: 0 }, 'HP_ERR_INVALID_K'],
  ['huge k', { events: [1], k: 2e6 }, 'HP_ERR_INVALID_K'],
  ['Infinity k', { events: [1], k: Infinity }, 'HP_ERR_INVALID_K'],
];

describe.each(impls)('bad input (%s)', (impl) => {
  it.each(topkCases)('topk: %s', (_name, input, code) => {
    expect(codeOf(() => topk(input, { impl }))).toBe(code);
  });
  it.each(toplistCases)('toplist: %s', (_name, input, code) => {
    expect(codeOf(() => toplist(input, { impl }))).toBe(code);
  });
  it('an unknown impl or a bad cancel flag is refused', () => {
    expect(codeOf(() => topk({ catalog, vector: v }, { impl: 'gpu' as never }))).toBe('HP_ERR_INVALID_ARGUMENT');
    expect(codeOf(() => toplist({ events: [1] }, { impl, cancel: new Uint8Array(4) as never }))).toBe('HP_ERR_INVALID_ARGUMENT');
  });
});

describe.runIf(addon !== null)('native shims check their arguments again', () => {
  const a = addon!;
  const q = new Float32Array(4);
  const nativeCode = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      return (err as { code?: string }).code ?? 'none';
    }
    return 'no throw';
  };
  const { data, norms } = catalog;
  const calls: [string, () => unknown][] = [
    ['no arguments', () => (a.topk as (...x: unknown[]) => unknown)()],
    ['data as Uint8Array', () => a.topk(new Uint8Array(data.buffer) as never, norms, 4, q, 3)],
    ['data as Float64Array', () => a.topk(new Float64Array(200) as never, norms, 4, q, 3)],
    ['data not a multiple of dims', () => a.topk(data.subarray(1), norms, 4, q, 3)],
    ['norms too short', () => a.topk(data, norms.subarray(1), 4, q, 3)],
    ['norms as Float64Array', () => a.topk(data, new Float64Array(50) as never, 4, q, 3)],
    ['dims 0', () => a.topk(data, norms, 0, q, 3)],
    ['dims fractional', () => a.topk(data, norms, 2.5, q, 3)],
    ['query too short', () => a.topk(data, norms, 4, new Float32Array(3), 3)],
    ['query as Float64Array', () => a.topk(data, norms, 4, new Float64Array(4) as never, 3)],
    ['k 0', () => a.topk(data, norms, 4, q, 0)],
    ['k NaN', () => a.topk(data, norms, 4, q, Number.NaN)],
    ['k as string', () => a.topk(data, norms, 4, q, '3' as never)],
    ['exclude as Int32Array', () => a.topk(data, norms, 4, q, 3, new Int32Array(2) as never)],
    ['cancel as Uint32Array', () => a.topk(data, norms, 4, q, 3, undefined, new Uint32Array(1) as never)],
    ['cancel empty', () => a.topk(data, norms, 4, q, 3, undefined, new Int32Array(0))],
    ['toplist events as Int32Array', () => a.toplist(new Int32Array(4) as never, 3)],
    ['toplist events as array', () => a.toplist([1, 2] as never, 3)],
    ['toplist k too big', () => a.toplist(new Uint32Array(4), 1_000_001)],
    ['toplist k negative', () => a.toplist(new Uint32Array(4), -1)],
    ['memread of a Float64Array', () => a.memread(new Float64Array(4) as never)],
  ];
  it.each(calls)('%s -> HP_ERR_INVALID_ARGUMENT', (_name, fn) => {
    expect(nativeCode(fn)).toBe('HP_ERR_INVALID_ARGUMENT');
  });
});

import { HotpathError } from '../../errors.js';
import { isCatalog } from '../../catalog/catalog.js';
import { fromArray, requireObject, toFloat32, toK, typedArrayOf } from '../common.js';
import type { TopkArgs } from './types.js';

const DEFAULT_K = 10;

function toExclude(value: unknown): Uint32Array | undefined {
  if (value === undefined) return undefined;
  const typed = typedArrayOf(value, Uint32Array, 'exclude');
  if (typed !== undefined) return typed;
  if (!Array.isArray(value)) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'exclude must be a Uint32Array or an array of item ids');
  }
  return fromArray(value, 'exclude', (n) => new Uint32Array(n), (out, i, v) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `exclude[${i}] must be a non-negative integer id`);
    }
    out[i] = v;
  });
}

export function validateTopk(input: unknown): TopkArgs {
  const o = requireObject(input, 'topk input');
  if (!isCatalog(o.catalog)) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'catalog must be a Catalog (syntheticCatalog, loadCatalog or createCatalog)');
  }
  const catalog = o.catalog;
  const vector = toFloat32(o.vector, 'vector');
  if (vector.length !== catalog.dims) {
    throw new HotpathError('HP_ERR_DIMENSION_MISMATCH', `vector has ${vector.length} dimensions, the catalog has ${catalog.dims}`, {
      details: { expected: catalog.dims, got: vector.length },
    });
  }
  const k = o.k === undefined ? DEFAULT_K : toK(o.k);
  return { catalog, vector, k, exclude: toExclude(o.exclude) };
}

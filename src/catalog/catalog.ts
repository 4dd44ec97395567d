// A catalog is N x D float32 embeddings in one SharedArrayBuffer, plus the L2
// norm of every row in another. Shared memory is the point: the pool hands the
// same buffers to every worker once, and TS and C++ read them in place (a
// 100k x 128 catalog is 51 MB; a copy per worker or per task would dominate).
import { HotpathError } from '../errors.js';

export interface Catalog {
  /** Number of rows (items). Item ids are 0..items-1. */
  readonly items: number;
  /** Dimension of every vector. */
  readonly dims: number;
  /** items x dims, row-major, over a SharedArrayBuffer. */
  readonly data: Float32Array;
  /** L2 norm of each row (computed in float64, stored as float32), over a SharedArrayBuffer. */
  readonly norms: Float32Array;
  /** Where it came from: 'synthetic:<items>x<dims>:seed=<seed>' or the .npy path. */
  readonly source: string;
}

/** Allocates the shared buffers for an items x dims catalog (zeroed). */
export function allocateCatalogData(items: number, dims: number): Float32Array {
  if (!Number.isInteger(items) || items < 1 || !Number.isInteger(dims) || dims < 1) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `catalog shape must be positive integers, got ${items} x ${dims}`);
  }
  const bytes = items * dims * Float32Array.BYTES_PER_ELEMENT;
  if (!Number.isSafeInteger(bytes)) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `catalog of ${items} x ${dims} is too large`);
  }
  return new Float32Array(new SharedArrayBuffer(bytes));
}

/**
 * Largest L2 norm a catalog row may have: 2^127, half of float32's maximum
 * (about 1.7e38). Norms are stored as float32 and the native kernel sums
 * row x (query / |query|) in float32, a sum bounded by the row's norm; with a
 * factor 2 of headroom neither the stored norm nor any partial sum can
 * overflow to Infinity (every value at 3e38 would: its norm is 3e38 x sqrt(D)).
 */
export const MAX_ROW_NORM = 2 ** 127;

/**
 * Row norms in float64 (where squares of float32 values cannot overflow),
 * stored as float32 in shared memory. A row whose norm is over MAX_ROW_NORM
 * is refused with HP_ERR_CATALOG_INVALID.
 */
export function computeNorms(data: Float32Array, items: number, dims: number): Float32Array {
  const norms = new Float32Array(new SharedArrayBuffer(items * Float32Array.BYTES_PER_ELEMENT));
  for (let i = 0, off = 0; i < items; i++, off += dims) {
    let s = 0;
    for (let j = 0; j < dims; j++) {
      const v = data[off + j];
      s += v * v;
    }
    const norm = Math.sqrt(s);
    if (!(norm <= MAX_ROW_NORM)) {
      throw new HotpathError('HP_ERR_CATALOG_INVALID', `catalog row ${i} has an L2 norm of ${norm.toExponential(3)}, over the limit of 2^127 (${MAX_ROW_NORM.toExponential(3)}): scale the catalog down`);
    }
    norms[i] = norm;
  }
  return norms;
}

/**
 * Builds a catalog from shared data that the caller filled. Rejects NaN or
 * Infinity: one of them would turn every score it touches into NaN.
 */
export function catalogFromShared(data: Float32Array, dims: number, source: string): Catalog {
  if (!(data.buffer instanceof SharedArrayBuffer)) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'catalog data must be over a SharedArrayBuffer');
  }
  if (!Number.isInteger(dims) || dims < 1 || data.length === 0 || data.length % dims !== 0) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `catalog data length ${data.length} is not a multiple of dims ${dims}`);
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new HotpathError('HP_ERR_CATALOG_INVALID', `catalog value ${i} (row ${Math.floor(i / dims)}) is not finite`);
    }
  }
  const items = data.length / dims;
  return Object.freeze({ items, dims, data, norms: computeNorms(data, items, dims), source });
}

/**
 * A catalog from any float array (copied once into shared memory).
 * @param values items x dims, row-major: Float32Array, Float64Array or number[]
 */
export function createCatalog(values: Float32Array | Float64Array | readonly number[], dims: number): Catalog {
  if (!(values instanceof Float32Array || values instanceof Float64Array || Array.isArray(values))) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'catalog values must be a Float32Array, Float64Array or number[]');
  }
  if (!Number.isInteger(dims) || dims < 1 || values.length === 0 || values.length % dims !== 0) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `catalog length ${values.length} is not a positive multiple of dims ${dims}`);
  }
  const data = allocateCatalogData(values.length / dims, dims);
  data.set(values as ArrayLike<number>);
  return catalogFromShared(data, dims, `array:${values.length / dims}x${dims}`);
}

/** True when value looks like a Catalog (shape and shared buffers consistent). */
export function isCatalog(value: unknown): value is Catalog {
  const c = value as Catalog | null;
  return (
    typeof c === 'object' && c !== null &&
    c.data instanceof Float32Array && c.norms instanceof Float32Array &&
    Number.isInteger(c.items) && Number.isInteger(c.dims) && c.dims >= 1 &&
    c.data.length === c.items * c.dims && c.norms.length === c.items
  );
}

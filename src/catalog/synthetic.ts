// The default catalog: synthetic, seeded, deterministic. Items are drawn
// around cluster centres so that "items like item 7" is a meaningful query
// (uniform noise would make every cosine score about 0).
import { HotpathError } from '../errors.js';
import { allocateCatalogData, catalogFromShared, type Catalog } from './catalog.js';

export interface SyntheticCatalogOptions {
  /** Number of items. Default 100_000. */
  items?: number;
  /** Vector dimension. Default 128. */
  dims?: number;
  /** PRNG seed (uint32). Default 42. */
  seed?: number;
  /** Number of clusters. Default min(256, max(1, items / 400)). */
  clusters?: number;
}

/** mulberry32: tiny, fast, and identical on every platform (only 32-bit integer ops). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Approximately normal (Irwin-Hall of 4 uniforms, variance 1): no Math.log or
// Math.cos, so the catalog is bit-identical wherever it is generated.
function gauss(rand: () => number): number {
  return (rand() + rand() + rand() + rand() - 2) * Math.sqrt(3);
}

function positiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

export function syntheticCatalog(options: SyntheticCatalogOptions = {}): Catalog {
  const items = positiveInt(options.items, 'items', 100_000);
  const dims = positiveInt(options.dims, 'dims', 128);
  const seed = options.seed ?? 42;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `seed must be a uint32, got ${String(seed)}`);
  }
  const clusters = positiveInt(options.clusters, 'clusters', Math.min(256, Math.max(1, Math.floor(items / 400))));
  const rand = mulberry32(seed);
  const centres = new Float64Array(clusters * dims);
  for (let i = 0; i < centres.length; i++) centres[i] = gauss(rand);
  const data = allocateCatalogData(items, dims);
  for (let i = 0, off = 0; i < items; i++, off += dims) {
    const c = Math.floor(rand() * clusters) * dims;
    for (let j = 0; j < dims; j++) data[off + j] = centres[c + j] + 0.75 * gauss(rand);
  }
  return catalogFromShared(data, dims, `synthetic:${items}x${dims}:seed=${seed}`);
}

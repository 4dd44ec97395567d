import type { Catalog } from '../../catalog/catalog.js';

export interface TopkInput {
  /** The catalog to rank (shared; see syntheticCatalog / loadCatalog). */
  catalog: Catalog;
  /** Query vector of length catalog.dims: Float32Array, Float64Array or number[]. Finite values only. */
  vector: Float32Array | Float64Array | readonly number[];
  /** How many items, 1..1_000_000. Default 10. A k above the candidates returns them all. */
  k?: number;
  /** Item ids never returned (ids outside the catalog are ignored). */
  exclude?: Uint32Array | readonly number[];
}

export interface TopkItem {
  id: number;
  /** Cosine similarity in [-1, 1]; 0 when the query or the row has zero norm. */
  score: number;
}

export interface TopkResult {
  /** Best first: score descending, ties by lower id. */
  items: TopkItem[];
}

/** Validated input: what both implementations take. */
export interface TopkArgs {
  catalog: Catalog;
  vector: Float32Array;
  k: number;
  exclude: Uint32Array | undefined;
}

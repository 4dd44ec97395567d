// Public surface of hotpath: exports only.
export { ERRORS, HotpathError, type ErrorCode, type WireError } from './errors.js';
export { nativeAvailable, nativeLoadError } from './native/binding.js';
export { type Catalog, createCatalog } from './catalog/catalog.js';
export { syntheticCatalog, type SyntheticCatalogOptions } from './catalog/synthetic.js';
export { loadCatalog } from './catalog/npy.js';
export type { Impl, KernelOptions } from './kernels/common.js';
export { MAX_K } from './kernels/common.js';
export { topk, type TopkInput, type TopkItem, type TopkResult } from './kernels/topk/index.js';
export { toplist, type ToplistInput, type ToplistItem, type ToplistResult } from './kernels/toplist/index.js';
export { fingerprint } from './kernels/fingerprint/index.js';
export type { FingerprintInput, FingerprintResult } from './kernels/fingerprint/types.js';
export { createPool, Pool } from './pool/pool.js';
export { PLACEMENTS } from './pool/types.js';
export type {
  KernelName, KernelStats, KernelTypes, Outcome, Percentiles, Placement, PoolOptions, PoolStats, PoolTopkInput,
  RunOptions, RunResult, Timing,
} from './pool/types.js';

// Public surface of hotpath: exports only.
export { ERRORS, HotpathError, KernelError, type ErrorCode, type WireError } from './errors.js';
export { defineKernel, type AnyKernel, type InputOf, type Kernel, type KernelContext, type KernelDefinition, type NativeAddon, type NativeForm, type PoolContext, type ResultOf } from './kernels/define.js';
export { topkKernel } from './kernels/topk/kernel.js';
export { toplistKernel } from './kernels/toplist/kernel.js';
export { fingerprintKernel } from './kernels/fingerprint/kernel.js';
export { includeDir } from './paths.js';
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
export { createPool, MAX_THREADS, Pool } from './pool/pool.js';
export { PLACEMENTS, REMOTE_PLACEMENT } from './pool/types.js';
export type { RemoteOptions } from './remote/client.js';
export type {
  BuiltinKernels, KernelName, KernelStats, KernelTypes, Outcome, Percentiles, Placement, PoolOptions, PoolStats, PoolTopkInput,
  RunOptions, RunResult, Timing,
} from './pool/types.js';

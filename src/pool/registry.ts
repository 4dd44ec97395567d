// What the pool knows about each kernel: how to validate a call on the
// caller's thread, what crosses to the worker (never the catalog: workers got
// it once at start), how the worker runs it, and how its raw typed arrays
// become the public result. Main thread and worker both import this table.
import type { Catalog } from '../catalog/catalog.js';
import { HotpathError } from '../errors.js';
import { abortedError, isCancelled, type Impl } from '../kernels/common.js';
import { fingerprintFrames, fingerprintResult, runFingerprint, validateFingerprint } from '../kernels/fingerprint/index.js';
import { runTopk, topkResult, validateTopk } from '../kernels/topk/index.js';
import { runToplist, toplistResult, validateToplist } from '../kernels/toplist/index.js';
import { fromNativeError, native } from '../native/binding.js';
import type { KernelName } from './types.js';
import { movable } from './transfer.js';

export interface KernelSpec {
  /** Validates on the caller's thread; throws HotpathError. */
  validate(input: unknown, catalog: Catalog | undefined): unknown;
  /** The worker payload and the buffers to move with it. */
  toWire(args: unknown, transfer: boolean, transferList: ArrayBuffer[]): unknown;
  /** Rebuilds args in the worker. */
  fromWire(wire: unknown, catalog: Catalog | undefined): unknown;
  /** Runs synchronously (inline, or inside a worker). */
  run(args: unknown, impl: Impl, cancel: Int32Array | undefined): unknown;
  /** Runs on libuv's thread pool (native-async); undefined when the kernel has no async form. */
  runAsync?(args: unknown, cancel: Int32Array): Promise<unknown>;
  /** Buffers of a raw result to move back to the caller. */
  resultTransfer(raw: unknown): ArrayBuffer[];
  /** What result() needs from the input, taken before the input moves to a worker. */
  meta?(args: unknown): unknown;
  /** Raw -> public result, on the caller's thread. */
  result(raw: unknown, meta: unknown): object;
  /** Whether the kernel has a native implementation (echo and spin do not). */
  native: boolean;
  /** Input size in the kernel's unit of work, what its run time grows with (auto's cost model). */
  size(args: unknown): number;
}

type TopkArgs = ReturnType<typeof validateTopk>;
type ToplistArgs = ReturnType<typeof validateToplist>;
type FpArgs = ReturnType<typeof validateFingerprint>;
interface Arrays { [key: string]: Uint32Array | Float32Array }

// Shared and never written: the worker only iterates it.
const NO_BUFFERS: ArrayBuffer[] = [];
const buffersOf = (raw: unknown): ArrayBuffer[] => Object.values(raw as Arrays).map((a) => a.buffer as ArrayBuffer);

function requireCatalog(catalog: Catalog | undefined): Catalog {
  if (catalog === undefined) throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'this pool has no catalog: pass one to createPool() to run topk');
  return catalog;
}

async function nativeAsync<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw fromNativeError(err);
  }
}

const topk: KernelSpec = {
  native: true,
  // Rows x dims: constant for a pool's catalog, plus k's heap work (small).
  size: (a) => (a as TopkArgs).catalog.items * (a as TopkArgs).catalog.dims,
  validate: (input, catalog) => {
    if (typeof input !== 'object' || input === null) throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'topk input must be an object');
    return validateTopk({ ...input, catalog: requireCatalog(catalog) });
  },
  toWire: (a, transfer, list) => {
    const { vector, k, exclude } = a as TopkArgs;
    return { vector: movable(vector, transfer, list), k, exclude: exclude && movable(exclude, transfer, list) };
  },
  fromWire: (w, catalog) => ({ ...(w as object), catalog: requireCatalog(catalog) }),
  run: (a, impl, cancel) => runTopk(a as TopkArgs, impl, cancel),
  runAsync: (a, cancel) => {
    const { catalog, vector, k, exclude } = a as TopkArgs;
    return nativeAsync(() => native()!.topkAsync(catalog.data, catalog.norms, catalog.dims, vector, k, exclude, cancel));
  },
  resultTransfer: buffersOf,
  result: (raw) => topkResult(raw as ReturnType<typeof runTopk>),
};

const toplist: KernelSpec = {
  native: true,
  size: (a) => (a as ToplistArgs).events.length,
  validate: (input) => validateToplist(input),
  toWire: (a, transfer, list) => ({ events: movable((a as ToplistArgs).events, transfer, list), k: (a as ToplistArgs).k }),
  fromWire: (w) => w,
  run: (a, impl, cancel) => runToplist(a as ToplistArgs, impl, cancel),
  runAsync: (a, cancel) => nativeAsync(() => native()!.toplistAsync((a as ToplistArgs).events, (a as ToplistArgs).k, cancel)),
  resultTransfer: buffersOf,
  result: (raw) => toplistResult(raw as ReturnType<typeof runToplist>),
};

const fingerprint: KernelSpec = {
  native: true,
  size: (a) => (a as FpArgs).samples.length,
  validate: (input) => validateFingerprint(input),
  toWire: (a, transfer, list) => ({ samples: movable((a as FpArgs).samples, transfer, list), sampleRate: (a as FpArgs).sampleRate }),
  fromWire: (w) => w,
  run: (a, impl, cancel) => runFingerprint(a as FpArgs, impl, cancel),
  runAsync: (a, cancel) => nativeAsync(() => native()!.fingerprintAsync((a as FpArgs).samples, (a as FpArgs).sampleRate, cancel)),
  resultTransfer: buffersOf,
  meta: (a) => fingerprintFrames((a as FpArgs).samples.length, (a as FpArgs).sampleRate),
  result: (raw, frames) => fingerprintResult(raw as ReturnType<typeof runFingerprint>, frames as number),
};

// Diagnostics. echo returns its input: the pool's pure dispatch cost.
const echo: KernelSpec = {
  native: false,
  size: () => 1,
  validate: (input) => input,
  toWire: (a) => a,
  fromWire: (w) => w,
  run: (a) => a,
  resultTransfer: () => NO_BUFFERS,
  result: (raw) => ({ value: raw }),
};

// spin busy-waits `us` microseconds (at most 10 s), polling its cancel flag
// every iteration: a stand-in for a CPU-bound task of known length.
const spin: KernelSpec = {
  native: false,
  size: (a) => (a as { us: number }).us,
  validate: (input) => {
    const us = (input as { us?: unknown } | null)?.us;
    if (typeof us !== 'number' || !Number.isFinite(us) || us < 0 || us > 10_000_000) {
      throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'spin takes { us } with 0 <= us <= 10_000_000');
    }
    return { us };
  },
  toWire: (a) => a,
  fromWire: (w) => w,
  run: (a, _impl, cancel) => {
    const { us } = a as { us: number };
    const end = performance.now() + us / 1000;
    while (performance.now() < end) if (isCancelled(cancel)) throw abortedError('spin');
    return { us };
  },
  resultTransfer: () => NO_BUFFERS,
  result: (raw) => raw as object,
};

export const KERNELS: Record<KernelName, KernelSpec> = { topk, toplist, fingerprint, echo, spin };

export function kernelSpec(name: unknown): KernelSpec {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(KERNELS, name)) {
    throw new HotpathError('HP_ERR_UNKNOWN_KERNEL', `unknown kernel ${String(name)}; known: ${Object.keys(KERNELS).join(', ')}`);
  }
  return KERNELS[name as KernelName];
}

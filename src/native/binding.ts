// The only place that loads the .node file. When the addon failed to build or
// will not load, every native call falls back to its TypeScript twin and we say
// so once per process (a warning, never a crash).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { HotpathError, isErrorCode } from '../errors.js';
import { packageRoot } from '../paths.js';

export interface TopkRaw {
  ids: Uint32Array;
  scores: Float32Array;
}
export interface ToplistRaw {
  ids: Uint32Array;
  counts: Uint32Array;
}
export interface FingerprintRaw {
  hashes: Uint32Array;
  times: Uint32Array;
}

/** The addon's exports (see native/shims.h for the contract of each). */
export interface NativeBinding {
  topk(data: Float32Array, norms: Float32Array, dims: number, query: Float32Array, k: number,
    exclude?: Uint32Array, cancel?: Int32Array): TopkRaw;
  topkAsync(data: Float32Array, norms: Float32Array, dims: number, query: Float32Array, k: number,
    exclude?: Uint32Array, cancel?: Int32Array): Promise<TopkRaw>;
  memread(data: Float32Array): number;
  simd(): 'avx2' | 'sse2' | 'scalar';
  toplist(events: Uint32Array, k: number, cancel?: Int32Array): ToplistRaw;
  toplistAsync(events: Uint32Array, k: number, cancel?: Int32Array): Promise<ToplistRaw>;
  fingerprint(samples: Float32Array, sampleRate: number, cancel?: Int32Array): FingerprintRaw;
  fingerprintAsync(samples: Float32Array, sampleRate: number, cancel?: Int32Array): Promise<FingerprintRaw>;
  /** The calling thread's CPU time in us, or -1 where the platform has no per-thread CPU clock. */
  threadCpuUs(): number;
  napiVersion: number;
}

let loaded: NativeBinding | null | undefined;
let loadError: Error | null = null;

/** Path of the addon this process loads: HOTPATH_ADDON_PATH (e.g. the ASan build) or build/Release. */
export function addonPath(): string {
  return process.env.HOTPATH_ADDON_PATH ?? join(packageRoot(), 'build', 'Release', 'hotpath.node');
}

function load(): NativeBinding | null {
  if (process.env.HOTPATH_DISABLE_NATIVE === '1') {
    loadError = new Error('native addon disabled by HOTPATH_DISABLE_NATIVE=1');
    return null;
  }
  try {
    const require = createRequire(import.meta.url);
    return require(addonPath()) as NativeBinding;
  } catch (err) {
    loadError = err as Error;
    if (isMainThread) {
      process.emitWarning(
        `hotpath: native addon not loaded (${(err as Error).message}); native placements run their TypeScript twins`,
        { code: 'HP_WARN_NATIVE_UNAVAILABLE' },
      );
    }
    return null;
  }
}

/** The addon, or null when it is not available (then use the TS twins). */
export function native(): NativeBinding | null {
  if (loaded === undefined) loaded = load();
  return loaded;
}

/** True when the native addon loaded in this thread. */
export function nativeAvailable(): boolean {
  return native() !== null;
}

/** Why the addon did not load, or null. */
export function nativeLoadError(): Error | null {
  native();
  return loadError;
}

/** Errors thrown by the addon carry a `code`; rebuild them as typed errors. */
export function fromNativeError(err: unknown): unknown {
  if (err instanceof HotpathError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && isErrorCode(code)) return new HotpathError(code, err.message);
  return err;
}

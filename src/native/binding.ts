// The only place that loads the .node file. When the addon failed to build or
// will not load, every native call falls back to its TypeScript twin and we say
// so once per process (a warning, never a crash).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** Path of the addon this process loads: HOTPATH_ADDON_PATH (e.g. the ASan build) or build/Release. */
export function addonPath(): string {
  return process.env.HOTPATH_ADDON_PATH ?? join(packageRoot(), 'build', 'Release', 'hotpath.node');
}

interface Loaded {
  addon: Record<string, unknown> | null;
  error: Error | null;
}
// Per thread, by path: every kernel of one addon shares one load and one warning.
const addons = new Map<string, Loaded>();

/**
 * Loads a .node file once per thread. When it will not load (or
 * HOTPATH_DISABLE_NATIVE=1), returns null and warns once, on the main thread:
 * the kernels that use it run their TypeScript form instead.
 */
export function loadAddon(path: string | URL, who = 'hotpath'): Record<string, unknown> | null {
  const file = path instanceof URL || path.startsWith('file:') ? fileURLToPath(path) : path;
  let entry = addons.get(file);
  if (entry === undefined) {
    entry = { addon: null, error: null };
    if (process.env.HOTPATH_DISABLE_NATIVE === '1') {
      entry.error = new Error('native addon disabled by HOTPATH_DISABLE_NATIVE=1');
    } else {
      try {
        entry.addon = createRequire(import.meta.url)(file) as Record<string, unknown>;
      } catch (err) {
        entry.error = err as Error;
        if (isMainThread) {
          process.emitWarning(
            `${who}: native addon not loaded (${(err as Error).message}); native placements run the TypeScript form`,
            { code: 'HP_WARN_NATIVE_UNAVAILABLE' },
          );
        }
      }
    }
    addons.set(file, entry);
  }
  return entry.addon;
}

/** The addon, or null when it is not available (then use the TS twins). */
export function native(): NativeBinding | null {
  return loadAddon(addonPath()) as NativeBinding | null;
}

/** True when the native addon loaded in this thread. */
export function nativeAvailable(): boolean {
  return native() !== null;
}

/** Why the addon did not load, or null. */
export function nativeLoadError(): Error | null {
  native();
  return addons.get(addonPath())?.error ?? null;
}

/** Errors thrown by the addon carry a `code`; rebuild them as typed errors. */
export function fromNativeError(err: unknown): unknown {
  if (err instanceof HotpathError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && isErrorCode(code)) return new HotpathError(code, err.message);
  return err;
}

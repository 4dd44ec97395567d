// Validation shared by the kernels: the rules callers rely on (DESIGN.md,
// "Library rules"). Vectors and samples are Float32Array, Float64Array or an
// array of finite numbers; integer typed arrays and non-finite values are
// rejected, not converted.
import { HotpathError } from '../errors.js';
import { native } from '../native/binding.js';

/** Where a direct kernel call runs. */
export type Impl = 'ts' | 'native';

export interface KernelOptions {
  /** 'native' (the default when the addon loaded) or 'ts'. Native falls back to TS when the addon is missing. */
  impl?: Impl;
  /** Shared cancel flag: the kernel stops with HP_ERR_ABORTED once element 0 is non-zero. */
  cancel?: Int32Array;
}

/** Upper bound of k in the library (the HTTP service allows 1..1000). */
export const MAX_K = 1_000_000;

export function resolveImpl(impl: unknown): Impl {
  if (impl === undefined) return native() ? 'native' : 'ts';
  if (impl !== 'ts' && impl !== 'native') {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `impl must be 'ts' or 'native', got ${String(impl)}`);
  }
  return impl === 'native' && !native() ? 'ts' : impl;
}

/**
 * A float vector as a Float32Array. A Float32Array is used as is (no copy);
 * a Float64Array or number[] is converted. Rejects NaN/Infinity, including
 * float64 values that overflow float32.
 */
export function toFloat32(value: unknown, name: string): Float32Array {
  let out: Float32Array;
  if (value instanceof Float32Array) {
    out = value;
  } else if (value instanceof Float64Array) {
    out = new Float32Array(value);
  } else if (Array.isArray(value)) {
    out = new Float32Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v !== 'number') {
        throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `${name}[${i}] must be a number`);
      }
      out[i] = v;
    }
  } else {
    throw new HotpathError(
      'HP_ERR_INVALID_ARGUMENT',
      `${name} must be a Float32Array, a Float64Array or an array of numbers`,
    );
  }
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new HotpathError('HP_ERR_NON_FINITE', `${name}[${i}] is not finite (float32)`);
    }
  }
  return out;
}

export function toK(value: unknown, max = MAX_K): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new HotpathError('HP_ERR_INVALID_K', `k must be an integer in 1..${max}, got ${String(value)}`);
  }
  return value;
}

export function requireObject(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `${name} must be an object`);
  }
  return value as Record<string, unknown>;
}

export function toCancel(value: unknown): Int32Array | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Int32Array) || value.length < 1) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'cancel must be an Int32Array of length >= 1');
  }
  return value;
}

/** TS loops poll this every few thousand iterations, like the C++ kernels. */
export function isCancelled(cancel: Int32Array | undefined): boolean {
  return cancel !== undefined && Atomics.load(cancel, 0) !== 0;
}

export function abortedError(kernel: string): HotpathError {
  return new HotpathError('HP_ERR_ABORTED', `${kernel}: cancelled`);
}

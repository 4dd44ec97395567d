// Validation shared by the kernels: the rules callers rely on (docs/kernels.md,
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

// Typed arrays are read through the intrinsic getters, not the object's own
// properties: a subclass overriding `length` or `buffer` cannot make the TS
// and native kernels read different lengths.
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const intrinsic = (key: PropertyKey): (() => unknown) => Object.getOwnPropertyDescriptor(TypedArrayProto, key)!.get!;
const tagOf = intrinsic(Symbol.toStringTag);
const lengthOf = intrinsic('length');
const bufferOf = intrinsic('buffer');
const offsetOf = intrinsic('byteOffset');

interface TypedCtor<T> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly prototype: T;
  readonly name: string;
}

function isDetached(buffer: ArrayBufferLike): boolean {
  if (buffer.byteLength !== 0 || buffer instanceof SharedArrayBuffer) return false;
  try {
    void new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/**
 * `value` as a plain `Ctor` when it is one (a subclass of one becomes a
 * plain view of the same memory); undefined for anything else. A detached
 * array (its buffer transferred away) is HP_ERR_INVALID_ARGUMENT on every
 * placement, not an empty input inline and a clone error in a worker.
 */
export function typedArrayOf<T>(value: unknown, Ctor: TypedCtor<T>, name: string): T | undefined {
  if (!ArrayBuffer.isView(value) || value instanceof DataView || tagOf.call(value) !== Ctor.name) return undefined;
  const buffer = bufferOf.call(value) as ArrayBufferLike;
  if (isDetached(buffer)) throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `${name} is detached (its buffer was transferred away)`);
  if (Object.getPrototypeOf(value) === Ctor.prototype) return value as T;
  return new Ctor(buffer, offsetOf.call(value) as number, lengthOf.call(value) as number);
}

/**
 * Copies an array element by element with `read`; whatever a Proxy or a
 * getter throws (or a length that cannot be allocated) becomes
 * HP_ERR_INVALID_ARGUMENT.
 */
export function fromArray<T>(value: readonly unknown[], name: string, make: (length: number) => T, read: (out: T, i: number, v: unknown) => void): T {
  try {
    const n = value.length;
    const out = make(n);
    for (let i = 0; i < n; i++) read(out, i, value[i]);
    return out;
  } catch (err) {
    if (err instanceof HotpathError) throw err;
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `${name} could not be read as an array: ${(err as Error)?.message ?? String(err)}`);
  }
}

/**
 * A float vector as a Float32Array. A Float32Array is used as is (no copy);
 * a Float64Array or number[] is converted. Rejects NaN/Infinity, including
 * float64 values that overflow float32.
 */
export function toFloat32(value: unknown, name: string): Float32Array {
  let out: Float32Array | undefined = typedArrayOf(value, Float32Array, name);
  if (out === undefined) {
    const f64 = typedArrayOf(value, Float64Array, name);
    if (f64 !== undefined) out = new Float32Array(f64);
    else if (Array.isArray(value)) {
      out = fromArray(value, name, (n) => new Float32Array(n), (o, i, v) => {
        if (typeof v !== 'number') throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `${name}[${i}] must be a number`);
        o[i] = v;
      });
    } else {
      throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `${name} must be a Float32Array, a Float64Array or an array of numbers`);
    }
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

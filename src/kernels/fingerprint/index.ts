// The fingerprint kernel's entry: validate, run native or TS, shape the result.
// runFingerprint and fingerprintResult are exported so a pool worker can run
// the middle step alone and the caller's thread can shape the result.
import { fromNativeError, native, type FingerprintRaw } from '../../native/binding.js';
import { resolveImpl, toCancel, type Impl, type KernelOptions } from '../common.js';
import { analysisLength, FRAME_SECONDS, frameCount } from './params.js';
import { fingerprintTs } from './ts.js';
import type { FingerprintArgs, FingerprintResult, Landmark } from './types.js';
import { validateFingerprint } from './validate.js';

export { validateFingerprint } from './validate.js';
export { fingerprintTs } from './ts.js';
export { FINGERPRINT_PARAMS, FRAME_SECONDS } from './params.js';
export type { FingerprintArgs, FingerprintInput, FingerprintResult, Landmark } from './types.js';

/** Runs validated input on `impl` ('native' falls back to TS when the addon is missing). */
export function runFingerprint(valid: FingerprintArgs, impl: Impl, cancel?: Int32Array): FingerprintRaw {
  const binding = impl === 'native' ? native() : null;
  if (binding === null) return fingerprintTs(valid.samples, valid.sampleRate, cancel);
  try {
    return binding.fingerprint(valid.samples, valid.sampleRate, cancel);
  } catch (err) {
    throw fromNativeError(err);
  }
}

/** Frames the kernel analyses for `length` samples at `sampleRate` (the result's `frames`). */
export function fingerprintFrames(length: number, sampleRate: number): number {
  return frameCount(analysisLength(length, sampleRate));
}

/** Raw typed arrays -> the public result; `frames` from fingerprintFrames(). */
export function fingerprintResult(raw: FingerprintRaw, frames: number): FingerprintResult {
  const n = raw.hashes.length;
  const hashes: Landmark[] = new Array<Landmark>(n);
  for (let i = 0; i < n; i++) hashes[i] = { hash: raw.hashes[i], t: raw.times[i] };
  return { hashes, frames, frameSeconds: FRAME_SECONDS };
}

/** Landmark hashes of mono PCM audio (see docs/kernels.md#fingerprint). */
export function fingerprint(input: unknown, options?: KernelOptions): FingerprintResult {
  const valid = validateFingerprint(input);
  const impl = resolveImpl(options?.impl);
  const cancel = toCancel(options?.cancel);
  const raw = runFingerprint(valid, impl, cancel);
  return fingerprintResult(raw, fingerprintFrames(valid.samples.length, valid.sampleRate));
}

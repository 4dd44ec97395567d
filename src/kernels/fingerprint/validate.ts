// Input rules of the fingerprint kernel (docs/kernels.md): samples as
// Float32Array, Float64Array or finite numbers; an integer rate 1000..384000.
import { HotpathError } from '../../errors.js';
import { requireObject, toFloat32 } from '../common.js';
import { FINGERPRINT_PARAMS } from './params.js';
import type { FingerprintArgs } from './types.js';

export function validateFingerprint(input: unknown): FingerprintArgs {
  const obj = requireObject(input, 'input');
  const samples = toFloat32(obj.samples, 'samples');
  if (samples.length > FINGERPRINT_PARAMS.maxSamples) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `samples is too long (at most ${FINGERPRINT_PARAMS.maxSamples})`);
  }
  const rate = obj.sampleRate;
  const { minSampleRate, maxSampleRate } = FINGERPRINT_PARAMS;
  if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < minSampleRate || rate > maxSampleRate) {
    throw new HotpathError(
      'HP_ERR_INVALID_SAMPLE_RATE',
      `sampleRate must be an integer in ${minSampleRate}..${maxSampleRate}, got ${String(rate)}`,
    );
  }
  return { samples, sampleRate: rate };
}

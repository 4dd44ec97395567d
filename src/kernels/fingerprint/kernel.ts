// fingerprint as a pool kernel, through the same defineKernel a user's kernel uses.
import type { FingerprintRaw } from '../../native/binding.js';
import { addonPath, type NativeBinding } from '../../native/binding.js';
import { defineKernel } from '../define.js';
import { fingerprintFrames, fingerprintResult } from './index.js';
import { fingerprintTs } from './ts.js';
import type { FingerprintArgs, FingerprintInput } from './types.js';
import { validateFingerprint } from './validate.js';

const addon = (a: unknown): NativeBinding => a as unknown as NativeBinding;
// The frame count travels with the raw arrays: the input may have moved to the worker.
type Raw = FingerprintRaw & { frames: number };
const withFrames = (raw: FingerprintRaw, a: FingerprintArgs): Raw =>
  Object.assign(raw, { frames: fingerprintFrames(a.samples.length, a.sampleRate) });

export const fingerprintKernel = defineKernel({
  url: import.meta.url,
  name: 'fingerprint',
  validate: (input: FingerprintInput): FingerprintArgs => validateFingerprint(input),
  run: (a, ctx): Raw => withFrames(fingerprintTs(a.samples, a.sampleRate, ctx.flag), a),
  result: (raw: Raw) => fingerprintResult(raw, raw.frames),
  native: {
    addon: addonPath(),
    // Named: the profiler finds native time on this call line (src/profile/native.ts).
    fn: function runFingerprint(lib, a, ctx) {
      return withFrames(addon(lib).fingerprint(a.samples, a.sampleRate, ctx.flag), a);
    },
    fnAsync: async (lib, a, ctx) => {
      // Taken before the call: the samples stay the caller's, but read their length once.
      const frames = fingerprintFrames(a.samples.length, a.sampleRate);
      return Object.assign(await addon(lib).fingerprintAsync(a.samples, a.sampleRate, ctx.flag), { frames });
    },
  },
  size: (a) => a.samples.length,
});

// toplist as a pool kernel, through the same defineKernel a user's kernel uses.
import { addonPath, type NativeBinding } from '../../native/binding.js';
import { defineKernel } from '../define.js';
import { toplistResult } from './index.js';
import { toplistTs } from './ts.js';
import type { ToplistArgs, ToplistInput } from './types.js';
import { validateToplist } from './validate.js';

const addon = (a: unknown): NativeBinding => a as unknown as NativeBinding;

export const toplistKernel = defineKernel({
  url: import.meta.url,
  name: 'toplist',
  validate: (input: ToplistInput): ToplistArgs => validateToplist(input),
  run: (a, ctx) => toplistTs(a, ctx.flag),
  result: toplistResult,
  native: {
    addon: addonPath(),
    // Named: the profiler finds native time on this call line (src/profile/native.ts).
    fn: function runToplist(lib, a, ctx) {
      return addon(lib).toplist(a.events, a.k, ctx.flag);
    },
    fnAsync: (lib, a, ctx) => addon(lib).toplistAsync(a.events, a.k, ctx.flag),
  },
  size: (a) => a.events.length,
});

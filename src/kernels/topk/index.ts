import { fromNativeError, native, type TopkRaw } from '../../native/binding.js';
import { resolveImpl, toCancel, type Impl, type KernelOptions } from '../common.js';
import { topkTs } from './ts.js';
import type { TopkArgs, TopkResult } from './types.js';
import { validateTopk } from './validate.js';

export type { TopkArgs, TopkInput, TopkItem, TopkResult } from './types.js';
export { validateTopk } from './validate.js';

/** Runs validated input on the chosen implementation (the pool's workers call this). */
export function runTopk(args: TopkArgs, impl: Impl, cancel?: Int32Array): TopkRaw {
  const addon = impl === 'native' ? native() : null;
  if (addon === null) return topkTs(args, cancel);
  const { catalog, vector, k, exclude } = args;
  try {
    return addon.topk(catalog.data, catalog.norms, catalog.dims, vector, k, exclude, cancel);
  } catch (err) {
    throw fromNativeError(err);
  }
}

export function topkResult(raw: TopkRaw): TopkResult {
  const items = new Array<{ id: number; score: number }>(raw.ids.length);
  for (let i = 0; i < raw.ids.length; i++) items[i] = { id: raw.ids[i], score: raw.scores[i] };
  return { items };
}

/**
 * The k catalog items most similar (cosine) to a vector.
 * @example topk({ catalog, vector, k: 10, exclude: [7] }, { impl: 'native' })
 */
export function topk(input: unknown, options: KernelOptions = {}): TopkResult {
  const args = validateTopk(input);
  return topkResult(runTopk(args, resolveImpl(options.impl), toCancel(options.cancel)));
}

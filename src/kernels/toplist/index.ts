import { fromNativeError, native, type ToplistRaw } from '../../native/binding.js';
import { resolveImpl, toCancel, type Impl, type KernelOptions } from '../common.js';
import { toplistTs } from './ts.js';
import type { ToplistArgs, ToplistResult } from './types.js';
import { validateToplist } from './validate.js';

export type { ToplistArgs, ToplistInput, ToplistItem, ToplistResult } from './types.js';
export { validateToplist } from './validate.js';

/** Runs validated input on the chosen implementation (the pool's workers call this). */
export function runToplist(args: ToplistArgs, impl: Impl, cancel?: Int32Array): ToplistRaw {
  const addon = impl === 'native' ? native() : null;
  if (addon === null) return toplistTs(args, cancel);
  try {
    return addon.toplist(args.events, args.k, cancel);
  } catch (err) {
    throw fromNativeError(err);
  }
}

export function toplistResult(raw: ToplistRaw): ToplistResult {
  const items = new Array<{ id: number; count: number }>(raw.ids.length);
  for (let i = 0; i < raw.ids.length; i++) items[i] = { id: raw.ids[i], count: raw.counts[i] };
  return { items };
}

/**
 * The k most frequent track ids in a batch of play events.
 * @example toplist({ events, k: 10 }, { impl: 'ts' })
 */
export function toplist(input: unknown, options: KernelOptions = {}): ToplistResult {
  const args = validateToplist(input);
  return toplistResult(runToplist(args, resolveImpl(options.impl), toCancel(options.cancel)));
}

import { HotpathError } from '../../errors.js';
import { fromArray, requireObject, toK, typedArrayOf } from '../common.js';
import type { ToplistArgs } from './types.js';

const DEFAULT_K = 10;

function toEvents(value: unknown): Uint32Array {
  const typed = typedArrayOf(value, Uint32Array, 'events');
  if (typed !== undefined) return typed;
  if (!Array.isArray(value)) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'events must be a Uint32Array or an array of uint32 track ids');
  }
  return fromArray(value, 'events', (n) => new Uint32Array(n), (out, i, v) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `events[${i}] must be an integer in 0..4294967295`);
    }
    out[i] = v;
  });
}

export function validateToplist(input: unknown): ToplistArgs {
  const o = requireObject(input, 'toplist input');
  const events = toEvents(o.events);
  const k = o.k === undefined ? DEFAULT_K : toK(o.k);
  return { events, k };
}

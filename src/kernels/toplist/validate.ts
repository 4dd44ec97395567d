import { HotpathError } from '../../errors.js';
import { requireObject, toK } from '../common.js';
import type { ToplistArgs } from './types.js';

const DEFAULT_K = 10;

function toEvents(value: unknown): Uint32Array {
  if (value instanceof Uint32Array) return value;
  if (!Array.isArray(value)) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'events must be a Uint32Array or an array of uint32 track ids');
  }
  const out = new Uint32Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `events[${i}] must be an integer in 0..4294967295`);
    }
    out[i] = v;
  }
  return out;
}

export function validateToplist(input: unknown): ToplistArgs {
  const o = requireObject(input, 'toplist input');
  const events = toEvents(o.events);
  const k = o.k === undefined ? DEFAULT_K : toK(o.k);
  return { events, k };
}

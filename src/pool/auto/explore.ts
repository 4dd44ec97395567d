// How auto paces explorations: each alternative earns a share of what auto spends, and is tried
// once its cost fits it (cheap ones often, dear ones rarely; "every Nth call" cost 30% on tiny tasks).
import { CONCRETE, INLINE, NATIVE } from './choice.js';
import type { KernelState } from './state.js';
import { EXPLORE_SHARE, TWIN_EXPLORE_SHARE, UNKNOWN_EXTRA_MS, UNKNOWN_FACTOR } from './tuning.js';

/**
 * The candidate this call goes to: `best`, or an alternative whose turn has come. `tryInline`: the inline
 * ones' cost to try (Infinity: never); `spentMs`: this call's cost (the best's, and the calls that reused it).
 */
export function explore(st: KernelState, bucket: number, expected: number[], tryInline: number[], best: number, spentMs: number, nativeOk: boolean): number {
  const spent = (st.spent[bucket] ??= new Float64Array(CONCRETE.length));
  let pick = best;
  for (let i = 0; i < CONCRETE.length; i++) {
    if (i === best || (NATIVE[i] && !nativeOk)) continue;
    const e = INLINE[i] ? tryInline[i] : expected[i];
    if (INLINE[i] && e === Infinity) continue; // never block the loop over its budget
    const earned = spent[i] + spentMs;
    const cost = e < Infinity ? e : UNKNOWN_FACTOR * expected[best] + UNKNOWN_EXTRA_MS;
    if (pick === best && cost <= (nativeOk && !NATIVE[i] ? TWIN_EXPLORE_SHARE : EXPLORE_SHARE) * earned) {
      pick = i;
      spent[i] = 0;
    } else {
      spent[i] = earned;
    }
  }
  return pick;
}

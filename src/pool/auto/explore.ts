// How auto (auto/planner.ts) paces its explorations: now and then a call runs
// elsewhere than the best, so that the other candidates' costs follow the
// machine. Each alternative earns budget as auto spends time and is tried
// once its expected cost fits a share of what it earned: cheap alternatives
// are re-checked often, dear ones rarely (a fixed "every Nth call" cost 30%
// on tiny tasks, where the alternative is a 10x slower round trip).
import { CONCRETE, INLINE, NATIVE } from './choice.js';
import type { KernelState } from './state.js';

// Per alternative placement of the same implementation. At 0.01 exploring
// cost 4-19% of throughput at 8 in flight on 2 cores (fingerprint over 1 s:
// 0.95x the best fixed placement without exploring, 1.19x with it): an
// inline try blocks the loop while workers wait for their next message, a
// worker try takes a thread from the others. Load changes no longer wait
// for explorations (the chain count in chain.ts, the workers' arrivals), so
// they only refresh the alternatives' run times.
const EXPLORE_SHARE = 0.004;
// The other implementation (TS while native runs) is tried 10x less: its
// speed against native is a property of the code and input size, not of
// the load, and a TS try costs 10-20x a native run.
const TWIN_SHARE = EXPLORE_SHARE / 10;
// An implementation never measured (TS while native runs) is assumed this
// many times slower than the best for pacing: exploring it is then rare.
const UNKNOWN_FACTOR = 20;

/**
 * The candidate this call goes to: `best`, or an alternative whose turn has
 * come. `expected`: every candidate's cost; `tryInline`: the inline ones'
 * cost to try (Infinity over the budget: never tried); `spentMs`: what this
 * call is taken to cost (the best's, and the calls that reused it).
 */
export function explore(st: KernelState, bucket: number, expected: number[], tryInline: number[], best: number, spentMs: number, nativeOk: boolean): number {
  const spent = (st.spent[bucket] ??= new Float64Array(CONCRETE.length));
  let pick = best;
  for (let i = 0; i < CONCRETE.length; i++) {
    if (i === best || (NATIVE[i] && !nativeOk)) continue;
    const e = INLINE[i] ? tryInline[i] : expected[i];
    if (INLINE[i] && e === Infinity) continue; // never block the loop over its budget
    const earned = spent[i] + spentMs;
    const cost = e < Infinity ? e : UNKNOWN_FACTOR * expected[best] + 0.1;
    if (pick === best && cost <= (nativeOk && !NATIVE[i] ? TWIN_SHARE : EXPLORE_SHARE) * earned) {
      pick = i;
      spent[i] = 0;
    } else {
      spent[i] = earned;
    }
  }
  return pick;
}

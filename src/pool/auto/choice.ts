// What `auto` chose for one call, and why: the placement, whether it was an
// exploration, and the expected cost of every candidate (auto/planner.ts).
import type { Placement } from '../types.js';

/** A placement auto may pick. */
export type Concrete = Exclude<Placement, 'auto' | 'remote'>;

/** Candidates are indices into small arrays (0.15 us a choice; records by placement: 0.6). Inline first. */
export const NATIVE_INLINE = 0;
export const TS_INLINE = 1;
export const NATIVE_WORKER = 2;
export const TS_WORKER = 3;
export const NATIVE_ASYNC = 4;

/** auto's candidates, in the order of every per-candidate array. */
export const CONCRETE: readonly Concrete[] = ['native-inline', 'ts-inline', 'native-worker', 'ts-worker', 'native-async'];
/** Which of them run the native implementation. */
export const NATIVE = [true, false, true, false, true];
/** Which of them run on the caller's thread. */
export const INLINE = [true, true, false, false, false];
/** The lane each offloaded candidate goes to (undefined: inline). */
export const LANE: readonly ('worker' | 'async' | undefined)[] = [undefined, undefined, 'worker', 'worker', 'async'];
/** Its twin across the thread boundary (same implementation): what predicts its run until it is measured. */
export const TWIN: readonly number[] = [NATIVE_WORKER, TS_WORKER, NATIVE_INLINE, TS_INLINE, NATIVE_WORKER];

export class AutoChoice {
  constructor(
    readonly placement: Placement,
    /** True when this call ran elsewhere than the best, to keep the model current. */
    readonly explored: boolean,
    private readonly expected: number[],
    private readonly nativeOk: boolean,
    /** Calls expected to share the event loop with this one (0: it runs alone). */
    readonly concurrency: number,
  ) {}

  /** Expected cost per candidate, ms (Infinity: not measured yet, or it would block the loop too long). */
  get expectedMs(): Partial<Record<Placement, number>> {
    const out: Partial<Record<Placement, number>> = {};
    for (let i = 0; i < CONCRETE.length; i++) if (this.nativeOk || !NATIVE[i]) out[CONCRETE[i]] = this.expected[i];
    return out;
  }

  toJSON(): { placement: Placement; explored: boolean; concurrency: number; expectedMs: Partial<Record<Placement, number>> } {
    return { placement: this.placement, explored: this.explored, concurrency: this.concurrency, expectedMs: this.expectedMs };
  }
}

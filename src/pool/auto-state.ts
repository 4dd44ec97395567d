// What auto (auto.ts) keeps per kernel: the cost models it learns, and its
// per-size bookkeeping (exploration budget, reused and last choices).
import { CONCRETE, type AutoChoice } from './auto-choice.js';
import type { Placement } from './types.js';
import { CostModel } from './cost-model.js';

/** What workers report through shared memory, read at each choice (slots.ts). */
export interface LoopSignals {
  /** Worker tasks finished whose answers the event loop has not read. */
  readonly endedUnread: number;
  /** Mean arrivals of the worker tasks that finished since the last call (how many: arrivalsTaken), or -1. */
  takeArrivals(): number;
  readonly arrivalsTaken: number;
  /** Whether a worker task finished since the last takeArrivals() (its arrivals wait to be taken). */
  readonly arrivalsWaiting: boolean;
}

/** An inline choice reused for the next calls of its size bucket. */
export interface Reuse {
  readonly choice: AutoChoice;
  readonly index: number;
  readonly bestMs: number;
  left: number;
}

export interface KernelState {
  /** Per candidate, in CONCRETE order: the kernel's run time there. */
  run: CostModel[];
  /** Main-thread ms of an offloaded task (send, answer, result), per lane: sent under load, and alone (see LONE_SAVED). */
  dispatch: Record<'worker' | 'async', CostModel>;
  dispatchLone: Record<'worker' | 'async', CostModel>;
  /**
   * An unloaded round trip beyond the run, per lane, by input size: copying
   * the input and the result is part of it (toplist over 1M events: 0.47 ms
   * in a worker, against 0.06 for small inputs). One figure per lane, shared
   * by every kernel, made topk over 100k rows look 0.4 ms dearer in a worker
   * than it is, and auto sent a third of its calls to the slower libuv lane.
   */
  overhead: Record<'worker' | 'async', CostModel>;
  /**
   * libuv tasks sent under load: what the round trip added to the run, the
   * time the thread idled until the loop settled the task and sent the next
   * (learn.ts). Unloaded, that is the overhead above; under load the loop
   * answers later: fingerprint over 1 s at 8 in flight, 0.18 ms a task
   * against 0.09 alone, and libuv ran 1.3x fewer calls a second than
   * workers, whose next message waits in their port.
   */
  gap: CostModel;
  /**
   * Per size bucket, per candidate: expected ms auto spent at that size since
   * the candidate was last tried there (its exploration budget). Per size, so
   * that large calls do not buy exploration of small ones.
   */
  spent: (Float64Array | undefined)[];
  chosen: Float64Array;
  /** Per size bucket: an inline choice reused for the next calls there (see REUSE in auto.ts). */
  reuse: (Reuse | undefined)[];
  /** Per size bucket: the last best candidate (see SWITCH in auto.ts). */
  last: (number | undefined)[];
}

/** A kernel's state before any run. */
export function newKernelState(): KernelState {
  return {
    run: CONCRETE.map(() => new CostModel()),
    dispatch: { worker: new CostModel(), async: new CostModel() },
    dispatchLone: { worker: new CostModel(), async: new CostModel() },
    overhead: { worker: new CostModel(), async: new CostModel() },
    gap: new CostModel(),
    spent: [],
    chosen: new Float64Array(CONCRETE.length),
    reuse: [],
    last: [],
  };
}

/**
 * Until a task sent under load is measured, its main-thread ms is taken as
 * a lone task's, less this (at most half of it): the part of a message's
 * cost that load shares out (postMessage's fixed cost, a cold wake-up), not
 * the copying, which every byte pays. Measured, alone against 8 in flight
 * (2 cores): fingerprint over 1 s 0.054 against 0.026 ms a task (1.6 tasks a
 * message), topk over 20k rows 0.032 against 0.011; libuv 0.071 against
 * 0.063 and 0.056 against 0.044. While auto ran calls inline, its only
 * worker tasks were lone explorations, and their cost taken for a loaded
 * one kept it inline where workers were 1.3x faster (fingerprint over 1 s
 * at 8 in flight: 4.8k calls/s against 6.1k). Halving it instead sent 17%
 * of toplist over 100k events (a 400 KB input) to workers: 1.12x below inline.
 */
const LONE_SAVED: Record<'worker' | 'async', number> = { worker: 0.03, async: 0.01 };

/**
 * A task's main-thread ms on a loaded lane: measured so, or from tasks sent
 * alone (LONE_SAVED), whichever is less. A loaded task never costs more than
 * a lone one, and while auto keeps calls on the other lane its explorations
 * go alone: the loaded figure is then stale, and a cold first one (0.29 ms
 * against 0.06 warm, fingerprint over 5 s in workers) stood for a whole run.
 */
export function loadedDispatchMs(st: KernelState, lane: 'worker' | 'async', bucket: number, size: number): number {
  const loneModel = st.dispatchLone[lane];
  const lone = loneModel.known ? loneModel.predict(bucket, size) : Infinity;
  const fromLone = lone - Math.min(lone / 2, LONE_SAVED[lane]);
  const loaded = st.dispatch[lane];
  if (loaded.known) return Math.min(loaded.predict(bucket, size), fromLone);
  return fromLone < Infinity ? fromLone : 0;
}

/** How often each placement was chosen, per kernel (stats().auto). */
export function chosenCounts(kernels: ReadonlyMap<string, KernelState>): Record<string, Partial<Record<Placement, number>>> {
  const out: Record<string, Partial<Record<Placement, number>>> = {};
  for (const [k, s] of kernels) {
    const c: Partial<Record<Placement, number>> = {};
    for (let i = 0; i < CONCRETE.length; i++) if (s.chosen[i] > 0) c[CONCRETE[i]] = s.chosen[i];
    out[k] = c;
  }
  return out;
}

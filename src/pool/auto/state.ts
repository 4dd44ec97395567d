// What auto (auto/planner.ts) keeps per kernel: the cost models it learns, and its
// per-size bookkeeping (exploration budget, reused and last choices).
import { CONCRETE, type AutoChoice } from './choice.js';
import type { Placement } from '../types.js';
import { CostModel } from './cost-model.js';
import { LIBUV_EDGE } from './offload-cost.js';

/** native-async's index in CONCRETE. */
const ASYNC = 4;

/**
 * A window's slack moves the estimate by these shares: up slowly, down
 * faster. The machine has phases where everything runs at a third of its
 * pace (topk over 20k rows at 8 in flight, 2 cores: 2.5-2.8k calls/s for
 * every placement, against 4.7k inline and 8.3k in workers after). Only the
 * lane auto uses is measured then; with a plain average its slack doubled in
 * one 150 ms window, auto left it for inline, and, no longer measured there,
 * it stayed at 1.6x below workers for the rest of the run.
 */
const UP = 0.1;
const DOWN = 0.25;
/** A window's slack is taken within these bounds... */
const SAMPLE_MIN = 0.5;
const SAMPLE_MAX = 2.5;
/**
 * ...and the estimate within these: what the models missed by, measured, was
 * 1.13-1.8 (realized.ts); at 1.6 a lane loses only where it is 1.6x dearer.
 */
const MIN = 0.67;
const MAX = 1.6;

/** Per offloaded lane, at one size: its realized time a call under load against the model's (realized.ts). */
export class Slack {
  // [workers, libuv]: native-worker and ts-worker share the first.
  private readonly value = [1, 1];
  private readonly seen = [0, 0];

  add(cand: number, slack: number): void {
    const l = cand === ASYNC ? 1 : 0;
    // Unmeasured, a lane starts from what of() gave it.
    const v = this.seen[l] > 0 ? this.value[l] : this.of(cand);
    this.seen[l]++;
    const s = Math.min(SAMPLE_MAX, Math.max(SAMPLE_MIN, slack));
    this.value[l] = Math.min(MAX, Math.max(MIN, v + (s > v ? UP : DOWN) * (s - v)));
  }

  /**
   * Candidate `cand`'s slack (offloaded only). Before either lane is
   * measured: workers 1, libuv 1 / LIBUV_EDGE (offload-cost.ts). A lane not
   * measured yet takes the other's: optimistic, so that auto tries it and
   * measures it, where a prior that kept it out would never be corrected
   * (toplist over 1M events at 8 in flight, 2 cores: with libuv at the
   * workers' slack / LIBUV_EDGE auto stayed inline, 1.10-1.11x below libuv).
   */
  of(cand: number): number {
    const [w, a] = this.value;
    const [sw, sa] = this.seen;
    if (cand === ASYNC) return sa > 0 ? a : sw > 0 ? w : 1 / LIBUV_EDGE;
    return sw > 0 ? w : sa > 0 ? a : 1;
  }
}

/** The Slack of size `bucket`, made on first use. */
export function slackAt(st: KernelState, bucket: number): Slack {
  return (st.slacks[bucket] ??= new Slack());
}

/** Candidate `cand`'s slack at size `bucket` (see Slack). */
export function slackOf(st: KernelState, bucket: number, cand: number): number {
  const s = st.slacks[bucket];
  return s === undefined ? (cand === ASYNC ? 1 / LIBUV_EDGE : 1) : s.of(cand);
}

/** What workers report through shared memory, read at each choice (slots.ts). */
export interface LoopSignals {
  /** run() calls so far (wraps at 2^31: compare differences with | 0). */
  readonly callCount: number;
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
  /** Per size bucket: an inline choice reused for the next calls there (see REUSE in auto/planner.ts). */
  reuse: (Reuse | undefined)[];
  /** Per size bucket: the last best candidate (see SWITCH in auto/planner.ts). */
  last: (number | undefined)[];
  /** Per size bucket: the offloaded lanes' slack (realized.ts; slackOf). */
  slacks: (Slack | undefined)[];
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
    slacks: [],
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

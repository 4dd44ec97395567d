// What auto keeps per kernel: the cost models it learns, and its per-size bookkeeping.
import { CONCRETE, NATIVE_ASYNC, type AutoChoice } from './choice.js';
import type { Placement } from '../types.js';
import { CostModel } from './cost-model.js';
import {
  LIBUV_EDGE, LONE_SAVED_MAX_SHARE, LONE_SAVED_MS, SLACK_DOWN, SLACK_MAX, SLACK_MIN, SLACK_SAMPLE_MAX, SLACK_SAMPLE_MIN, SLACK_UP,
} from './tuning.js';

/** Slack's lanes: native-worker and ts-worker share the workers'. */
const WORKERS = 0;
const LIBUV = 1;

/** Per offloaded lane, at one size: realized time a call under load over the model's (realized.ts); up slowly, down faster. */
export class Slack {
  private readonly value = [1, 1];
  private readonly seen = [0, 0];

  add(cand: number, slack: number): void {
    const l = cand === NATIVE_ASYNC ? LIBUV : WORKERS;
    // Unmeasured, a lane starts from what of() gave it.
    const v = this.seen[l] > 0 ? this.value[l] : this.of(cand);
    this.seen[l]++;
    const s = Math.min(SLACK_SAMPLE_MAX, Math.max(SLACK_SAMPLE_MIN, slack));
    this.value[l] = Math.min(SLACK_MAX, Math.max(SLACK_MIN, v + (s > v ? SLACK_UP : SLACK_DOWN) * (s - v)));
  }

  /** Candidate `cand`'s slack (offloaded only): unmeasured, the other lane's (so auto tries it), else workers 1, libuv 1 / LIBUV_EDGE. */
  of(cand: number): number {
    const [w, a] = this.value;
    const [sw, sa] = this.seen;
    if (cand === NATIVE_ASYNC) return sa > 0 ? a : sw > 0 ? w : 1 / LIBUV_EDGE;
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
  return s === undefined ? (cand === NATIVE_ASYNC ? 1 / LIBUV_EDGE : 1) : s.of(cand);
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
  /** Main-thread ms of an offloaded task (send, answer, result), per lane: sent under load, and alone (see LONE_SAVED_MS). */
  dispatch: Record<'worker' | 'async', CostModel>;
  dispatchLone: Record<'worker' | 'async', CostModel>;
  /** An unloaded round trip beyond the run, per lane and kernel, by input size (copies are part of it). */
  overhead: Record<'worker' | 'async', CostModel>;
  /** libuv tasks sent under load: the time the thread idled until the loop settled the task and sent the next (observe.ts learn). */
  gap: CostModel;
  /** Per size bucket, per candidate: expected ms spent there since it was last tried (its exploration budget). */
  spent: (Float64Array | undefined)[];
  chosen: Float64Array;
  /** Per size bucket: an inline choice reused for the next calls there (REUSE_CALLS). */
  reuse: (Reuse | undefined)[];
  /** Per size bucket: the last best candidate (SWITCH_MARGIN). */
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

/** A task's main-thread ms on a loaded lane: measured so, or from lone tasks less LONE_SAVED_MS, whichever is less. */
export function loadedDispatchMs(st: KernelState, lane: 'worker' | 'async', bucket: number, size: number): number {
  const loneModel = st.dispatchLone[lane];
  const lone = loneModel.known ? loneModel.predict(bucket, size) : Infinity;
  const fromLone = lone - Math.min(lone * LONE_SAVED_MAX_SHARE, LONE_SAVED_MS[lane]);
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

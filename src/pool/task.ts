// One accepted task on the caller's thread: its promise, its slot, its timers.
// Every accepted task settles exactly once (settle() is idempotent), whatever
// happens first: the result, an error, an abort, its deadline, a worker crash.
import { HotpathError } from '../errors.js';
import type { Impl } from '../kernels/common.js';
import type { AutoChoice } from './auto/choice.js';
import { clock } from './clock.js';
import type { Queued } from './dispatch/queue.js';
import type { KernelSpec } from './registry.js';
import type { Counters } from './stats.js';
import type { Outcome, Placement, TaskTrace } from './types.js';

export type Lane = 'worker' | 'async';

export class Task implements Queued {
  dropped = false;
  /** 'queued' -> 'running' -> 'returned'; settled may come earlier (abort, deadline). */
  state: 'queued' | 'running' | 'returned' = 'queued';
  settled = false;
  slot = -1;
  /** Absolute ms (timeOrigin + now), comparable with a worker's clock. */
  readonly enqueuedAt = clock();
  /** Handed to a worker or to libuv (absolute ms); 0 until then. */
  dispatchedAt = 0;
  /** Kernel start and end on the thread that ran it (absolute ms); 0 if it never ran. */
  startedAt = 0;
  endedAt = 0;
  deadlineTimer: NodeJS.Timeout | undefined;
  graceTimer: NodeJS.Timeout | undefined;
  onAbort: (() => void) | undefined;
  /** Times sent again after its worker died before running it (at most once). */
  retries = 0;
  /** native-async: the event loop's time in the addon's completion (result to JS), ms. */
  completeMs = 0;
  /** native-async: the addon reported the kernel's run time (else runMs is end to end). */
  timedByAddon = false;
  /** Goes in a message of its own (its batch could not be sent, dispatch.ts). */
  solo = false;
  /** Input size in the kernel's unit (rows, events, samples): what the auto cost model learns from. */
  size = 0;
  /** What `auto` chose and expected, when the call asked for auto. */
  choice: AutoChoice | undefined;
  /** Its lane had a free place when it was queued: its completion measures dispatch overhead alone. */
  freeAtEnqueue = false;
  /** The pool's call count when run() took it (slots.ts): later calls arrived while it was out. */
  callsAt = 0;
  /**
   * Main-thread CPU ms of its share of the message that carried it (auto
   * learns dispatch cost from it); NaN when that message was not timed
   * (dispatch/loop-load.ts LoopCpu).
   */
  sendMs = NaN;
  /** libuv tasks: the inline runs' wall total (InlineRuns.wallMs) when it was sent (auto/observe.ts takes the inline runs out of its gap). */
  inlineAt = 0;

  constructor(
    readonly kernel: string,
    readonly spec: KernelSpec,
    readonly placement: Placement,
    readonly impl: Impl,
    readonly fallback: boolean,
    readonly lane: Lane,
    public args: unknown,
    readonly transfer: boolean,
    readonly signal: AbortSignal | undefined,
    private readonly resolveFn: (value: object) => void,
    private readonly rejectFn: (err: unknown) => void,
    readonly counters: Counters,
    /** When run() was called (absolute ms): validation happens between it and enqueuedAt. */
    readonly calledAt: number,
    private readonly tracer: ((trace: TaskTrace) => void) | undefined,
  ) {}

  /** Settles once; later calls are ignored. Returns whether this call settled it. */
  settle(outcome: Outcome, value: object | undefined, err?: unknown): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    if (this.onAbort !== undefined) this.signal?.removeEventListener('abort', this.onAbort);
    this.counters.outcomes[outcome]++;
    if (this.tracer !== undefined) this.trace(outcome);
    if (err !== undefined) this.rejectFn(err);
    else this.resolveFn(value!);
    return true;
  }

  get traced(): boolean {
    return this.tracer !== undefined;
  }

  private trace(outcome: Outcome): void {
    const { kernel, placement, calledAt, enqueuedAt, dispatchedAt, startedAt, endedAt } = this;
    this.tracer!({ kernel, placement, outcome, calledAt, enqueuedAt, dispatchedAt, startedAt, endedAt, settledAt: clock() });
  }

  abortError(): HotpathError {
    return new HotpathError('HP_ERR_ABORTED', `${this.kernel}: aborted`, { cause: this.signal?.reason });
  }
}

/** outcome of a rejection by its code: a task's own abort or deadline, or an error. */
export function outcomeOf(err: unknown): Outcome {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'HP_ERR_ABORTED' ? 'aborted' : code === 'HP_ERR_DEADLINE' ? 'timeout' : 'error';
}

// auto's cost of an offloaded lane under load (offload-cost.ts perCallMs) is
// a sum of parts it times: the kernel's run, the loop's share of a message,
// libuv's idle gap. What no part shows it cannot add: a 4 MB input copied
// into fresh pages (0.23-0.33 ms of system time a call on the loop, and each
// worker unmaps them again), threads descheduled on shared cores. Measured
// at 8 in flight on 2 cores, toplist over 1M events: workers ran 0.78-0.94k
// calls/s where the model said 1.2k, inline 1.03-1.15k where it said
// 1.14-1.20k; auto sent 22-44% of its calls to workers, the slowest of the
// three, and ran 1.13-1.19x below libuv, the best.
//
// So auto holds each lane's model to what the lane delivers. Over a window in
// which nearly every call of one kernel at one size went to one offloaded
// candidate, with calls waiting for that lane's threads at every choice (so
// that the lane, not the callers, set the pace), the wall time between calls
// is its realized time a call; against the model's time a call for the same
// calls, their ratio is the lane's slack. auto scales the lane's steady cost
// by it (auto/state.ts Slack, which also says how it moves). Before any
// measurement workers take 1 and libuv 1.25 (LIBUV_EDGE): libuv ran 15-25%
// fewer calls a second than workers wherever the model saw a tie (topk over
// 2k, 20k and 100k rows, fingerprint over 1 s, 8 in flight, 2 cores); a lane
// not measured yet borrows the other's. Measured slacks, 8 in flight, 2
// cores: workers 1.14-1.46 (fingerprint, topk), libuv 1.13-1.34 (toplist
// over 1M events) to 1.6-1.8 (fingerprint).
import { performance } from 'node:perf_hooks';
import { slackAt, type KernelState } from './state.js';
import type { Lane } from '../dispatch/lane.js';

/** A window closes after this many ms (about 50 calls of a 1 ms kernel at 8 in flight on 2 cores)... */
const WINDOW_MS = 50;
/** ...and once it holds this many calls. */
const MIN_CALLS = 16;
/** Calls that went elsewhere (explorations) may be at most this share of a window's. */
const OTHER_SHARE = 0.1;

export class RealizedRate {
  private st: KernelState | undefined;
  private bucket = -1;
  private cand = -1;
  private calls = 0;
  private other = 0;
  private modelMs = 0;
  private startedAt = 0;

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /**
   * A call was placed. `cand`: the candidate it went to; `perCallMs`: the
   * model's time a call there without slack, NaN when it was not an
   * offloaded best (inline, an exploration); `lane`: the best's lane, if
   * offloaded. Only a saturated lane tells its pace: calls wait for its
   * threads beyond those running.
   */
  note(st: KernelState, bucket: number, cand: number, perCallMs: number, lane: Lane | undefined): void {
    const saturated = lane !== undefined && lane.inflight + lane.queue.length > lane.parallel;
    if (st !== this.st || bucket !== this.bucket || !saturated) {
      this.restart(st, bucket, cand, perCallMs, saturated);
      return;
    }
    if (cand === this.cand && perCallMs === perCallMs) {
      this.calls++;
      this.modelMs += perCallMs;
    } else {
      this.other++;
    }
    const total = this.calls + this.other;
    if (total < MIN_CALLS) return;
    const now = this.clock();
    const span = now - this.startedAt;
    if (span < WINDOW_MS) return;
    if (this.other <= OTHER_SHARE * total && this.modelMs > 0) {
      // `total` calls were placed since the window's first: total intervals.
      const slack = span / total / (this.modelMs / this.calls);
      slackAt(st, bucket).add(this.cand, slack);
    }
    this.restart(st, bucket, cand, perCallMs, saturated, now);
  }

  private restart(st: KernelState, bucket: number, cand: number, perCallMs: number, saturated: boolean, now?: number): void {
    // A window starts only at an offloaded best on a saturated lane.
    const opens = saturated && perCallMs === perCallMs;
    this.st = opens ? st : undefined;
    this.bucket = bucket;
    this.cand = cand;
    this.calls = 0;
    this.other = 0;
    this.modelMs = 0;
    if (opens) this.startedAt = now ?? this.clock();
  }
}

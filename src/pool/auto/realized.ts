// Holds each offloaded lane's model to the pace it delivers: over a window in
// which nearly every call of one kernel at one size went to one offloaded
// candidate on a saturated lane, realized wall time a call over the model's
// time a call is the lane's slack (auto/state.ts Slack), which scales its
// steady cost. What no timed part shows (4 MB copies into fresh pages,
// threads descheduled) made workers run 0.78-0.94k calls/s where the model said 1.2k.
import { performance } from 'node:perf_hooks';
import { slackAt, type KernelState } from './state.js';
import type { Lane } from '../dispatch/lane.js';
import { REALIZED_MIN_CALLS, REALIZED_OTHER_SHARE, REALIZED_WINDOW_MS } from './tuning.js';

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
   * A call went to `cand`; `perCallMs`: the model's time a call there without slack (NaN: not an offloaded
   * best); `lane`: the best's lane, if offloaded. Only a saturated lane (calls wait for it) tells its pace.
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
    if (total < REALIZED_MIN_CALLS) return;
    const now = this.clock();
    const span = now - this.startedAt;
    if (span < REALIZED_WINDOW_MS) return;
    if (this.other <= REALIZED_OTHER_SHARE * total && this.modelMs > 0) {
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

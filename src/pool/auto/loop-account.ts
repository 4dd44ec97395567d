// What a call costs the event loop beyond what auto times of it, per lane,
// from the loop's CPU clock over windows (libuv's wake-ups, port events, the
// caller's own code). Each window's loop CPU, less what its calls were seen to
// take, goes to the lane that ran nearly all of its calls (DOMINANT_SHARE), as
// its unseen cost a call; a lane that never dominates keeps its last figure.
import { performance } from 'node:perf_hooks';
import { RunEstimate } from '../dispatch/queue.js';
import { DOMINANT_SHARE, LOOP_ACCOUNT_MIN_CALLS, LOOP_ACCOUNT_WINDOW_MS } from './tuning.js';

/** Lanes of the account, as indices: inline runs, worker tasks, libuv tasks. */
export const INLINE_LANE = 0;
export const WORKER_LANE = 1;
export const ASYNC_LANE = 2;
export type LaneIndex = 0 | 1 | 2;
const LANES = 3;

export class LoopAccount {
  /** Per lane: unseen loop ms a call. Robust (queue.ts): a window with a GC pause or a first compile says little. */
  private readonly unseen = [new RunEstimate(undefined, true), new RunEstimate(undefined, true), new RunEstimate(undefined, true)];
  /** Per lane: mean timed cost of a call (an offloaded task's dispatch cost; 0 for inline, whose run is its cost). */
  private readonly timed = [new RunEstimate(), new RunEstimate(), new RunEstimate()];
  private readonly calls = [0, 0, 0];
  /** Loop CPU the window's calls were seen to take: inline runs, timed tasks (scaled to all of their lane's). */
  private seenMs = 0;
  private readonly timedSum = [0, 0, 0];
  private readonly timedCount = [0, 0, 0];
  /** The window's start (ms of the wall clock and of the loop's CPU clock); NaN until the first call ends. */
  private startedAt = NaN;
  private cpuAt = NaN;

  constructor(
    /** The loop thread's CPU clock, ms. */
    private readonly cpu: () => number,
    private readonly wall: () => number = () => performance.now(),
  ) {}

  /** Unseen loop ms of a call in `lane`. */
  unseenMs(lane: LaneIndex): number {
    return this.unseen[lane].ms;
  }

  /** An inline run of `cpuMs` ended. */
  inline(cpuMs: number): void {
    this.calls[INLINE_LANE]++;
    this.seenMs += cpuMs;
    this.tick();
  }

  /** An offloaded task in `lane` ended; `timedMs`: its timed loop cost, or NaN if it was not timed. */
  offloaded(lane: LaneIndex, timedMs: number): void {
    this.calls[lane]++;
    if (timedMs === timedMs) {
      this.timedSum[lane] += timedMs;
      this.timedCount[lane]++;
    }
    this.tick();
  }

  private tick(): void {
    const now = this.wall();
    if (this.startedAt !== this.startedAt) {
      // The first window starts at the first call's end: the workers' start
      // and the first compiles are no call's cost.
      this.restart(now, this.cpu());
      return;
    }
    if (now - this.startedAt < LOOP_ACCOUNT_WINDOW_MS) return;
    const total = this.calls[INLINE_LANE] + this.calls[WORKER_LANE] + this.calls[ASYNC_LANE];
    if (total < LOOP_ACCOUNT_MIN_CALLS) return;
    const cpu = this.cpu();
    let loopMs = cpu - this.cpuAt - this.seenMs;
    let top: LaneIndex = INLINE_LANE;
    for (let l = 0; l < LANES; l++) {
      if (this.timedCount[l] > 0) this.timed[l].add(this.timedSum[l] / this.timedCount[l]);
      // What the window's calls were seen or are expected to cost.
      loopMs -= this.calls[l] * this.timed[l].ms;
      if (this.calls[l] > this.calls[top]) top = l as LaneIndex;
    }
    if (this.calls[top] >= DOMINANT_SHARE * total) {
      for (let l = 0; l < LANES; l++) if (l !== top) loopMs -= this.calls[l] * this.unseen[l].ms;
      this.unseen[top].add(Math.max(0, loopMs / this.calls[top]));
    }
    this.restart(now, cpu);
  }

  private restart(now: number, cpu: number): void {
    this.startedAt = now;
    this.cpuAt = cpu;
    this.seenMs = 0;
    for (let l = 0; l < LANES; l++) this.calls[l] = this.timedSum[l] = this.timedCount[l] = 0;
  }
}

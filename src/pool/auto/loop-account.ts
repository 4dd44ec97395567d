// What a call costs the event loop beyond what auto times of it, per lane,
// from the loop's CPU clock over windows (cpu-clock.ts).
//
// auto times the parts of an offloaded task it can see: sending the message,
// settling the answer, the addon's completion. It cannot see what libuv and
// Node do around them: a libuv task's wake-up of the loop and its promise's
// resolution, a worker message's port event; nor the caller's own code
// between calls, which every placement pays. The bench measured the loop's
// CPU a task at 8 in flight on 2 cores: libuv 0.096 ms against workers 0.070
// (fingerprint over 1 s), 0.069 against 0.045 (toplist over 100k events),
// where auto's timed costs of the two lanes were within 0.01 ms.
//
// Over each window of WINDOW_MS (and at least MIN_CALLS completed calls),
// the loop's CPU time is shared out: inline runs count their run, offloaded
// tasks their timed cost; what is left belongs to the lane that ran nearly
// all of the window's calls (DOMINANT), as its unseen cost a call. A lane
// that never dominates a window keeps its last figure (0 at first: it is
// then taken at its timed cost).
import { performance } from 'node:perf_hooks';
import { RunEstimate } from '../dispatch/queue.js';

/** Lanes of the account, as indices: inline runs, worker tasks, libuv tasks. */
export const INLINE_LANE = 0;
export const WORKER_LANE = 1;
export const ASYNC_LANE = 2;
export type LaneIndex = 0 | 1 | 2;

/** A window closes after this many ms: about 16 calls of a 1 ms kernel, and one CPU clock read (0.6 us) per window. */
const WINDOW_MS = 16;
/** ...and once it holds this many completed calls: fewer say little. */
const MIN_CALLS = 16;
/** The lane that ran at least this share of a window's calls takes its unseen cost. */
const DOMINANT = 0.9;

export class LoopAccount {
  /**
   * Per lane: unseen loop ms a call (see above). Robust (queue.ts): a
   * window that a GC pause or a first compile lands in says little of the
   * calls (fingerprint over 1 s at 8 in flight: 0.04-0.12 ms a call).
   */
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
      // The first window starts at the first call's end, not at the pool's
      // start: the workers' start and the first compiles (0.4 ms a call over
      // a first window of 200 tiny calls) are no call's cost.
      this.restart(now, this.cpu());
      return;
    }
    if (now - this.startedAt < WINDOW_MS) return;
    const total = this.calls[0] + this.calls[1] + this.calls[2];
    if (total < MIN_CALLS) return;
    const cpu = this.cpu();
    let loopMs = cpu - this.cpuAt - this.seenMs;
    let top: LaneIndex = INLINE_LANE;
    for (let l = 0; l < 3; l++) {
      if (this.timedCount[l] > 0) this.timed[l].add(this.timedSum[l] / this.timedCount[l]);
      // What the window's calls were seen or are expected to cost.
      loopMs -= this.calls[l] * this.timed[l].ms;
      if (this.calls[l] > this.calls[top]) top = l as LaneIndex;
    }
    if (this.calls[top] >= DOMINANT * total) {
      for (let l = 0; l < 3; l++) if (l !== top) loopMs -= this.calls[l] * this.unseen[l].ms;
      this.unseen[top].add(Math.max(0, loopMs / this.calls[top]));
    }
    this.restart(now, cpu);
  }

  private restart(now: number, cpu: number): void {
    this.startedAt = now;
    this.cpuAt = cpu;
    this.seenMs = 0;
    for (let l = 0; l < 3; l++) this.calls[l] = this.timedSum[l] = this.timedCount[l] = 0;
  }
}

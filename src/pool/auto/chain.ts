// How many callers share the event loop with auto's inline calls. Callers
// that await a result and call again chain through the microtask queue: the
// loop never turns, no offloaded task reports arrivals, and auto learned the
// number only from its rare offloaded explorations (every ~25 ms of inline
// work for fingerprint over 1 s of audio), running inline for much of a
// bench window after the load rose. Here an inline call counts the run()
// calls made between it and its settlement's first reaction, which runs
// right before its caller's own continuation: one caller in a loop sees 0,
// 8 callers see 7. One inline call in 8 pays that extra reaction.
import type { AutoPlanner } from './planner.js';
import type { LoopSignals } from './state.js';

export class ChainCount {
  private inlineCalls = 0;
  /** Call count of the inline call to sample (0: none due). */
  private sampleAt = 0;

  constructor(
    private readonly slots: LoopSignals,
    private readonly planner: AutoPlanner,
  ) {}

  /** An auto call ran inline; `callsAt` is its place in the call count. */
  inline(callsAt: number): void {
    if ((++this.inlineCalls & 7) === 0) this.sampleAt = callsAt;
  }

  /** run() made its promise: if its call is the one to sample, count the calls before its first reaction. */
  watch(promise: Promise<unknown>): void {
    if (this.sampleAt === 0) return;
    const at = this.sampleAt;
    this.sampleAt = 0;
    const seen = () => this.planner.observeArrivals((this.slots.callCount - at) | 0);
    // Attached now, before the caller's await: it runs first.
    promise.then(seen, seen);
  }
}

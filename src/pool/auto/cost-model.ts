// What auto learns a cost from: ms as a function of input size, one model per
// kernel and placement (run time), and per kernel and lane (main-thread cost
// of an offloaded task; its unloaded round trip beyond the run).
import { RunEstimate } from '../dispatch/queue.js';

/** log2 of the size: the bucket a size's samples go to. */
export const bucketOf = (size: number): number => 31 - Math.clz32(size + 1 > 0xffffffff ? 0xffffffff : size + 1);

/**
 * Ms by input size: an EWMA of ms and of size per power-of-two size bucket, scaled linearly within
 * and across buckets (local: large inputs cannot bend small ones' estimate). An array: no hashing.
 */
export class CostModel {
  private readonly ms: (RunEstimate | undefined)[] = [];
  private readonly size: (RunEstimate | undefined)[] = [];
  private measured = 0;

  get known(): boolean {
    return this.measured > 0;
  }

  add(bucket: number, size: number, ms: number): void {
    if (this.ms[bucket] === undefined) {
      this.ms[bucket] = new RunEstimate(undefined, true);
      this.size[bucket] = new RunEstimate();
      this.measured++;
    }
    this.ms[bucket]!.add(ms);
    this.size[bucket]!.add(size);
  }

  /** Predicted ms, or `otherwise` when nothing was measured yet. */
  predict(bucket: number, size: number, otherwise = Infinity): number {
    if (this.measured === 0) return otherwise;
    let b = bucket;
    if (this.ms[b] === undefined) {
      // The nearest measured bucket, scaled by size.
      for (let d = 1; ; d++) {
        if (this.ms[bucket - d] !== undefined) { b = bucket - d; break; }
        if (this.ms[bucket + d] !== undefined) { b = bucket + d; break; }
      }
    }
    const s = this.size[b]!.ms;
    return s > 0 ? (this.ms[b]!.ms * size) / s : this.ms[b]!.ms;
  }
}

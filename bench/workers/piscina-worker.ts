// The task of every peer pool in the dispatch benchmark (Piscina and
// tinypool load this file; workerpool and poolifier wrap it): return the
// input, or be busy for `us` microseconds first (the same busy loop as
// hotpath's `spin`), or count a toplist with hotpath's own TypeScript
// toplist (the same function its ts-worker placement runs).
import { toplistTs } from '../../src/kernels/toplist/ts.js';

export default function task(input: { us?: number; v?: unknown; events?: Uint32Array; k?: number }): unknown {
  if (input.events !== undefined) return toplistTs({ events: input.events, k: input.k ?? 10 });
  if (input.us !== undefined) {
    const end = performance.now() + input.us / 1000;
    while (performance.now() < end);
  }
  return input;
}

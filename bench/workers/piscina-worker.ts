// The task of every peer pool in the dispatch benchmark (Piscina and
// tinypool load this file; workerpool and poolifier wrap it): return the
// input, or be busy for `us` microseconds first (the same busy loop as
// hotpath's `spin`).
export default function task(input: { us?: number; v?: unknown }): unknown {
  if (input.us !== undefined) {
    const end = performance.now() + input.us / 1000;
    while (performance.now() < end);
  }
  return input;
}

// Plain Piscina's task for the dispatch benchmark: return the input, or be
// busy for `us` microseconds first (the same busy loop as hotpath's `spin`).
export default function task(input: { us?: number; v?: unknown }): unknown {
  if (input.us !== undefined) {
    const end = performance.now() + input.us / 1000;
    while (performance.now() < end);
  }
  return input;
}

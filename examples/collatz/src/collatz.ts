// The collatz kernel: of the starting values 1 <= i < n, the one whose
// Collatz trajectory (x -> x/2 if even, 3x+1 if odd) takes the most steps to
// reach 1, ties going to the lower i; n = 1 gives { best: 0, steps: 0 }.
// `run` is the TypeScript form; native/collatz.cc computes exactly the same,
// and the pool runs whichever the placement (or auto) asks for.
import { defineKernel, KernelError } from 'hotpath';

/**
 * The largest n accepted, here and in the addon. It keeps every trajectory
 * value below 2^53 (the highest, from 80,049,391, is about 2.19e15, a
 * quarter of 2^53), so plain numbers are exact here; the addon uses uint64.
 */
export const MAX_N = 100_000_000;

export interface CollatzResult {
  best: number;
  steps: number;
}

export const collatz = defineKernel({
  url: import.meta.url,
  name: 'collatz',
  validate(input: unknown): { n: number } {
    const n = typeof input === 'object' && input !== null ? (input as { n?: unknown }).n : undefined;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_N) {
      throw new KernelError('COLLATZ_BAD_N', `n must be an integer in 1..${MAX_N}`, { status: 400 });
    }
    return { n };
  },
  run({ n }, ctx): CollatzResult {
    let best = 0;
    let steps = 0;
    for (let i = 1; i < n; i++) {
      if ((i & 0xffff) === 0) ctx.throwIfCancelled();
      let x = i;
      let s = 0;
      while (x !== 1) {
        x = x % 2 === 1 ? 3 * x + 1 : x / 2;
        s++;
      }
      if (best === 0 || s > steps) {
        best = i;
        steps = s;
      }
    }
    return { best, steps };
  },
  native: {
    addon: new URL('../build/Release/collatz.node', import.meta.url),
    fn: 'collatz',
    fnAsync: 'collatzAsync',
  },
  // Run time grows about linearly with n: what auto's cost model scales by.
  size: ({ n }) => n,
});

// Two kernels every pool has, to measure the pool itself: echo returns its
// input (the pure dispatch cost), spin is busy for `us` microseconds, polling
// its cancel flag (a CPU-bound task of known length).
import { HotpathError } from '../errors.js';
import { defineKernel } from './define.js';

export const echoKernel = defineKernel({
  url: import.meta.url,
  name: 'echo',
  // The value crosses back as it is and is wrapped on the caller's thread.
  run: (value: unknown) => value as object,
  result: (value: unknown) => ({ value }),
});

export const spinKernel = defineKernel({
  url: import.meta.url,
  name: 'spin',
  validate: (input: { us: number }): { us: number } => {
    const us = (input as { us?: unknown } | null)?.us;
    if (typeof us !== 'number' || !Number.isFinite(us) || us < 0 || us > 10_000_000) {
      throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'spin takes { us } with 0 <= us <= 10_000_000');
    }
    return { us };
  },
  run: ({ us }, ctx) => {
    const end = performance.now() + us / 1000;
    while (performance.now() < end) ctx.throwIfCancelled();
    return { us };
  },
  size: ({ us }) => us,
});

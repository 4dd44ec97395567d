// The load `hotpath profile` puts on a pool while it profiles: a closed loop
// of `concurrency` callers, each calling pool.run() again as soon as its last
// call settled, for `durationMs`. Inputs are deterministic (seeded) and made
// before the run, so the profile shows the pool and the kernel, not input
// generation; each call copies its input (slice), as a service copies a
// request body, and moves the copy to the worker.
import type { Catalog } from '../catalog/catalog.js';
import { mulberry32, syntheticCatalog } from '../catalog/synthetic.js';
import type { Pool } from '../pool/pool.js';
import type { Placement } from '../pool/types.js';

export const WORKLOAD_KERNELS = ['topk', 'toplist', 'fingerprint', 'spin'] as const;
export type WorkloadKernel = (typeof WORKLOAD_KERNELS)[number];

export interface WorkloadOptions {
  kernel: WorkloadKernel;
  placement: Placement;
  durationMs: number;
  concurrency: number;
  /** topk: catalog rows and dimensions, and k (also toplist's k). */
  items: number;
  dims: number;
  k: number;
  /** toplist: play events per call. */
  events: number;
  /** fingerprint: seconds of 16 kHz audio per call. */
  audioSeconds: number;
  /** spin: µs of busy work per call. */
  spinUs: number;
}

export const WORKLOAD_DEFAULTS: Omit<WorkloadOptions, 'kernel' | 'placement' | 'durationMs' | 'concurrency'> = {
  items: 100_000, dims: 128, k: 10, events: 100_000, audioSeconds: 5, spinUs: 1000,
};

/** The catalog a topk workload needs (synthetic, seed 42), else undefined. */
export function workloadCatalog(o: Pick<WorkloadOptions, 'kernel' | 'items' | 'dims'>): Catalog | undefined {
  return o.kernel === 'topk' ? syntheticCatalog({ items: o.items, dims: o.dims, seed: 42 }) : undefined;
}

function randomArrays<T>(count: number, make: (rand: () => number) => T): T[] {
  const rand = mulberry32(7);
  return Array.from({ length: count }, () => make(rand));
}

/** One call of the workload, with fresh (copied) inputs each time. */
export function workloadCall(pool: Pool, o: WorkloadOptions): () => Promise<unknown> {
  const opts = { placement: o.placement };
  let i = 0;
  switch (o.kernel) {
    case 'topk': {
      const queries = randomArrays(32, (r) => Float32Array.from({ length: o.dims }, () => r() * 2 - 1));
      return () => pool.run('topk', { vector: queries[i++ & 31].slice(), k: o.k }, opts);
    }
    case 'toplist': {
      // A few hits and a long tail, like real play counts (r^3 skews to low ids).
      const lists = randomArrays(4, (r) => Uint32Array.from({ length: o.events }, () => Math.floor(50_000 * r() ** 3)));
      return () => pool.run('toplist', { events: lists[i++ & 3].slice(), k: o.k }, opts);
    }
    case 'fingerprint': {
      const rate = 16_000;
      const clips = randomArrays(2, (r) => {
        const f = 300 + r() * 2000;
        return Float32Array.from({ length: Math.round(o.audioSeconds * rate) }, (_, t) => 0.3 * Math.sin((2 * Math.PI * f * t) / rate) * (Math.sin(t / 4000) > 0 ? 1 : 0.2) + (r() - 0.5) * 0.05);
      });
      return () => pool.run('fingerprint', { samples: clips[i++ & 1].slice(), sampleRate: rate }, opts);
    }
    case 'spin':
      return () => pool.run('spin', { us: o.spinUs }, opts);
  }
}

export interface WorkloadResult {
  tasks: number;
  errors: number;
  firstError?: string;
  wallMs: number;
  opsPerSec: number;
}

/** Runs the closed loop; `onLatency` gets each successful call's latency measured around its await, ms. */
export async function driveWorkload(call: () => Promise<unknown>, o: Pick<WorkloadOptions, 'durationMs' | 'concurrency'>, onLatency?: (ms: number) => void): Promise<WorkloadResult> {
  let tasks = 0;
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const end = t0 + o.durationMs;
  const loop = async () => {
    while (performance.now() < end) {
      const s = performance.now();
      try {
        await call();
        onLatency?.(performance.now() - s);
        tasks++;
      } catch (err) {
        errors++;
        firstError ??= (err as Error)?.message ?? String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, loop));
  const wallMs = performance.now() - t0;
  const out: WorkloadResult = { tasks, errors, wallMs, opsPerSec: (tasks / wallMs) * 1000 };
  if (firstError !== undefined) out.firstError = firstError;
  return out;
}

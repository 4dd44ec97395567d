// The input sizes every suite shares, per kernel, from tiny (where dispatch
// cost dominates: native topk over 500 rows takes ~6 µs, a worker round trip
// ~25 µs) to large (where the kernel dominates: 100k rows ~1.8 ms native,
// ~17 ms TS here). Names and shapes are part of case ids: do not change a
// size's meaning, add a new name instead.
import type { Catalog } from '../../src/catalog/catalog.js';
import { syntheticCatalog } from '../../src/catalog/synthetic.js';
import { skewedEvents, syntheticAudio } from './inputs.js';

export const SIZE_NAMES = ['tiny', 'small', 'medium', 'large'] as const;
export type SizeName = (typeof SIZE_NAMES)[number];
export type BenchKernel = 'topk' | 'toplist' | 'fingerprint';
export const BENCH_KERNELS: readonly BenchKernel[] = ['topk', 'toplist', 'fingerprint'];

interface SizeSpec {
  /** Work per call in the kernel's unit (catalog rows, events, samples). */
  units: number;
  label: string;
}

const RATE = 16_000;
const DIMS = 128;
const K = 10;

export const UNIT: Record<BenchKernel, string> = { topk: 'items', toplist: 'events', fingerprint: 'samples' };

export const SIZES: Record<BenchKernel, Record<SizeName, SizeSpec>> = {
  topk: {
    tiny: { units: 500, label: '500 x 128, k=10' },
    small: { units: 2_000, label: '2k x 128, k=10' },
    medium: { units: 20_000, label: '20k x 128, k=10' },
    large: { units: 100_000, label: '100k x 128, k=10' },
  },
  toplist: {
    tiny: { units: 1_000, label: '1k events / 100 ids, k=10' },
    small: { units: 10_000, label: '10k events / 1k ids, k=10' },
    medium: { units: 100_000, label: '100k events / 10k ids, k=10' },
    large: { units: 1_000_000, label: '1M events / 50k ids, k=10' },
  },
  fingerprint: {
    tiny: { units: RATE / 4, label: '0.25 s @ 16 kHz' },
    small: { units: RATE, label: '1 s @ 16 kHz' },
    medium: { units: RATE * 5, label: '5 s @ 16 kHz' },
    large: { units: RATE * 30, label: '30 s @ 16 kHz' },
  },
};

const catalogs = new Map<number, Catalog>();

/** A seeded synthetic catalog of `items` x 128, built once per process (100k rows take ~0.6 s). */
export function benchCatalog(items: number): Catalog {
  let c = catalogs.get(items);
  if (c === undefined) {
    c = syntheticCatalog({ items, dims: DIMS, seed: 42 });
    catalogs.set(items, c);
  }
  return c;
}

/** Releases the cached catalogs (the memory suite measures RSS in children, but large buffers here add noise). */
export function dropCatalogs(): void {
  catalogs.clear();
}

const inputs = new Map<string, unknown>();

/**
 * The kernel's pool input at a size (topk: the query only; the catalog of
 * `SIZES.topk[size].units` rows belongs to the pool). Cached: pass
 * `transfer: false` to the pool so the arrays stay usable.
 */
export function poolInput(kernel: BenchKernel, size: SizeName): Record<string, unknown> {
  const key = `${kernel}/${size}`;
  let v = inputs.get(key) as Record<string, unknown> | undefined;
  if (v !== undefined) return v;
  const units = SIZES[kernel][size].units;
  if (kernel === 'topk') {
    v = { vector: benchCatalog(units).data.slice(0, DIMS), k: K };
  } else if (kernel === 'toplist') {
    v = { events: skewedEvents(units, Math.max(100, Math.min(50_000, units / 10)), 7), k: K };
  } else {
    v = { samples: syntheticAudio(units / RATE, RATE, 3), sampleRate: RATE };
  }
  inputs.set(key, v);
  return v;
}

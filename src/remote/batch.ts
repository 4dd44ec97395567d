// A batch toplist over the remote placement: the events are split by a hash
// of the track id, so that every play of a track lands in the same part and
// each part's counts are exact; each part is one remote toplist job; the
// per-part top lists merge into the exact global one. A track in the global
// top k is in the top k of its own part under the same order (count
// descending, ties by lower id), so the union of the parts' top k holds it.
import { HotpathError } from '../errors.js';
import type { ToplistItem } from '../kernels/toplist/types.js';
import type { Pool } from '../pool/pool.js';

/** Part of each event's track id (Fibonacci hashing: ids that are close spread across parts). */
export function partOf(id: number, parts: number): number {
  return (Math.imul(id, 0x9e3779b1) >>> 0) % parts;
}

/** Splits the events into `parts` arrays by partOf (two passes: sizes, then fill). */
export function partition(events: Uint32Array, parts: number): Uint32Array[] {
  const sizes = new Uint32Array(parts);
  for (let i = 0; i < events.length; i++) sizes[partOf(events[i], parts)]++;
  const out = Array.from(sizes, (n) => new Uint32Array(n));
  const fill = new Uint32Array(parts);
  for (let i = 0; i < events.length; i++) {
    const id = events[i];
    const p = partOf(id, parts);
    out[p][fill[p]++] = id;
  }
  return out;
}

/** The exact top k of disjoint parts' top-k lists: count descending, ties by lower id. */
export function mergeTop(lists: readonly (readonly ToplistItem[])[], k: number): ToplistItem[] {
  const all = lists.flat();
  all.sort((a, b) => b.count - a.count || a.id - b.id);
  return all.slice(0, k).map(({ id, count }) => ({ id, count }));
}

export interface BatchOptions {
  k: number;
  partitions: number;
  /** Called as each part is answered. */
  onProgress?(done: number, total: number): void;
  /** Times a part is sent again after HP_ERR_WORKER_CRASHED or HP_ERR_REMOTE_UNAVAILABLE. Default 3. */
  retries?: number;
}

const RETRYABLE = new Set(['HP_ERR_WORKER_CRASHED', 'HP_ERR_REMOTE_UNAVAILABLE']);

/** Runs the parts as remote toplist jobs (all queued at once; the workers take them) and merges them. */
export async function remoteToplist(pool: Pool, events: Uint32Array, options: BatchOptions): Promise<{ items: ToplistItem[] }> {
  const { k, partitions } = options;
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 65_536) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `partitions must be an integer in 1..65536, got ${String(partitions)}`);
  }
  const parts = partition(events, partitions).filter((p) => p.length > 0);
  let done = 0;
  const lists = await Promise.all(parts.map(async (part) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await pool.run('toplist', { events: part, k }, { placement: 'remote' });
        options.onProgress?.(++done, parts.length);
        return r.items;
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (attempt >= (options.retries ?? 3) || !RETRYABLE.has(code as string)) throw err;
        await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
      }
    }
  }));
  return { items: mergeTop(lists, k) };
}

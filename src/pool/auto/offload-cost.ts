// How auto (auto/planner.ts) costs the offloaded lanes when calls keep them busy.
// Candidates are indexed as in auto/planner.ts: 2 native-worker, 3 ts-worker,
// 4 native-async.
import type { Lane } from '../dispatch/lane.js';

const WORKER_NATIVE = 2;
const WORKER_TS = 3;
const ASYNC = 4;

// With every core busy (8 in flight, 2 cores), libuv ran 15-25% fewer calls
// a second than workers wherever the model saw a tie: topk over 2k, 20k and
// 100k rows (21k/27k, 5.7k/6.8k, 553/691 calls/s), fingerprint over 1 s of
// audio (5.7k/7.3k). Each libuv task pays its own wake-ups and result
// conversion on the event loop, unbatched, and those are not in the measured
// dispatch time. So until libuv's lane is measured under load (realized.ts),
// its cost there is taken as 1 / LIBUV_EDGE of the model's (auto/state.ts
// slackOf): libuv is taken only when its model cost is this fraction of the
// best worker's or less (toplist over 1M events: the worker's 4 MB input
// copy makes libuv 1.2-1.5x faster).
export const LIBUV_EDGE = 0.8;

/**
 * What a call costs when it and the calls sharing the loop all go to one
 * lane and keep it busy, a call: each waits for all of them to pass the
 * lane's bottleneck, which is the event loop (d ms a task), the lane's `parallel`
 * threads (w ms each, and `gap` ms idle after each), or the `cores` they
 * share. A libuv thread idles after each task until the loop has settled it
 * and queued the next (the lane has one task per thread, no pipelining: it
 * shares libuv's pool with fs and dns): learned under load (auto/state.ts
 * gap), else the lane's unloaded round trip beyond the run. Without it,
 * fingerprint over 1 s at 8 in flight (0.2 ms runs) went partly to libuv,
 * which ran 1.1-1.4x fewer calls a second than workers, whose next message
 * waits in their port, at equal CPU costs. On the cores a worker task also
 * costs the worker's own copy of the input (`copy`: structured clone reads
 * what the loop wrote, about d again): without it the model gave workers
 * toplist over 100k events at 8 in flight (a 400 KB input, 76 us of loop
 * time), 9.5k calls/s there against 10.8k inline. libuv reads the loop's
 * copy in place. The lane's queue now says nothing of that while auto runs
 * calls inline: the lane is empty, an offloaded call looks cheap, and auto
 * sent a third of topk over 2k rows at 8 in flight to workers: 29k calls/s
 * there against 37k inline (2 cores; a 32 us kernel plus 24 us of loop time
 * per task).
 */
export function perCallMs(parallel: number, w: number, d: number, copy: number, gap: number, cores: number): number {
  return Math.max(d, (w + gap) / parallel, (w + d + copy) / cores);
}

/**
 * Whether the offloaded lanes' running tasks and the event loop use every
 * core. Worker threads and libuv's threads then take turns on the same
 * cores, and a queue in one lane does not make the other faster: what one
 * lane's queue saves, the other's threads take from its cores.
 */
export function coresBusy(lanes: Record<'worker' | 'async', Lane>, endedUnread: number, cores: number): boolean {
  const w = lanes.worker;
  const a = lanes.async;
  return Math.min(w.parallel, w.inflight - endedUnread) + Math.min(a.parallel, a.inflight) >= cores - 1;
}

/**
 * With every core busy, the offloaded lane is the one that costs least by
 * itself (`base`: its run, its loop time, its steady state), whatever the
 * queues: comparing them by queue length split a kernel's calls between
 * workers and libuv (topk over 100k rows at 8 in flight, 2 in 3 to libuv: 630
 * calls/s against 750 for workers alone; 2 workers and 2 libuv threads on 2
 * cores). libuv's `base` holds its slack (LIBUV_EDGE until measured). The others' `expected` costs are
 * raised above the chosen one's; returns its index.
 */
export function pickOffloaded(expected: number[], base: number[]): number {
  let lane = base[WORKER_NATIVE] <= base[WORKER_TS] ? WORKER_NATIVE : WORKER_TS;
  if (base[ASYNC] < base[lane]) lane = ASYNC;
  for (let i = WORKER_NATIVE; i <= ASYNC; i++) {
    if (i !== lane && expected[i] < Infinity) expected[i] = Math.max(expected[i], expected[lane]) + (base[i] - base[lane]);
  }
  return lane;
}

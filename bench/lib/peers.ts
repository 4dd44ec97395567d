// The pools the dispatch suite compares, behind one shape: a trivial task
// (return the input) and a busy one (spin `us` µs), same thread count for
// all. Peer pools are devDependencies of the bench only: each is imported
// when asked for, and one that is not installed is skipped with a note
// instead of failing the run.
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { createPool } from '../../src/pool/pool.js';
import { RawPool } from './raw-pool.js';

export interface PoolUnderTest {
  name: string;
  trivial(v: number): Promise<unknown>;
  busy(us: number): Promise<unknown>;
  /** toplist of `events` (top `k`): hotpath's kernel in ts-worker; the peers run its TypeScript (toplistTs) in their workers. */
  toplist(events: Uint32Array, k: number): Promise<unknown>;
  close(): Promise<void>;
}

const peerWorker = new URL('../workers/piscina-worker.js', import.meta.url);

/** Every system, in table order; `make` throws when its package is missing. */
const SYSTEMS: { name: string; make: (threads: number) => Promise<PoolUnderTest> }[] = [
  {
    name: 'hotpath',
    make: async (threads) => {
      const p = await createPool({ threads });
      return { name: 'hotpath', trivial: (v) => p.run('echo', v, { placement: 'ts-worker' }), busy: (us) => p.run('spin', { us }, { placement: 'ts-worker' }),
        toplist: (events, k) => p.run('toplist', { events, k }, { placement: 'ts-worker' }), close: () => p.close() };
    },
  },
  {
    // Batching off: the pool's own bookkeeping against plain Piscina (at most 10% over it).
    name: 'hotpath maxBatch:1',
    make: async (threads) => {
      const p = await createPool({ threads, maxBatch: 1 });
      return { name: 'hotpath maxBatch:1', trivial: (v) => p.run('echo', v, { placement: 'ts-worker' }), busy: (us) => p.run('spin', { us }, { placement: 'ts-worker' }),
        toplist: (events, k) => p.run('toplist', { events, k }, { placement: 'ts-worker' }), close: () => p.close() };
    },
  },
  { name: 'piscina', make: async (threads) => piscina('piscina', new Piscina({ filename: peerWorker.href, minThreads: threads, maxThreads: threads })) },
  {
    name: "piscina atomics:'async'",
    make: async (threads) => piscina("piscina atomics:'async'", new Piscina({ filename: peerWorker.href, minThreads: threads, maxThreads: threads, atomics: 'async' })),
  },
  {
    name: 'tinypool',
    make: async (threads) => {
      const { Tinypool } = await import('tinypool');
      const p = new Tinypool({ filename: peerWorker.href, minThreads: threads, maxThreads: threads });
      return { name: 'tinypool', trivial: (v) => p.run({ v }), busy: (us) => p.run({ us }), toplist: (events, k) => p.run({ events, k }), close: () => p.destroy() };
    },
  },
  {
    name: 'workerpool',
    make: async (threads) => {
      const { pool } = await import('workerpool');
      const p = pool(fileURLToPath(new URL('../workers/workerpool-worker.js', import.meta.url)), { minWorkers: threads, maxWorkers: threads, workerType: 'thread' });
      return {
        name: 'workerpool', trivial: (v) => p.exec('task', [{ v }]), busy: (us) => p.exec('task', [{ us }]), toplist: (events, k) => p.exec('task', [{ events, k }]),
        close: async () => { await p.terminate(); },
      };
    },
  },
  {
    name: 'poolifier',
    make: async (threads) => {
      const { FixedThreadPool } = await import('poolifier');
      const p = new FixedThreadPool(threads, fileURLToPath(new URL('../workers/poolifier-worker.js', import.meta.url)));
      return { name: 'poolifier', trivial: (v) => p.execute({ v }), busy: (us) => p.execute({ us }), toplist: (events, k) => p.execute({ events, k }), close: () => settleWithin(p.destroy(), 2000) };
    },
  },
  {
    // The floor for message passing: no queue, no cancellation, no stats.
    name: 'raw worker_threads',
    make: async (threads) => {
      const p = new RawPool(new URL('../workers/raw-worker.js', import.meta.url), threads);
      await p.ready();
      return { name: 'raw worker_threads', trivial: (v) => p.run({ v }), busy: (us) => p.run({ us }), toplist: (events, k) => p.run({ events, k }), close: () => p.close() };
    },
  },
];

/**
 * poolifier 5.3.2's destroy() never settles in about 1 close in 7 here (its
 * workers are unref'd and gone, the promise waits on an 'exit' it missed),
 * and a pending promise with nothing else alive ends the process mid-run
 * (exit 13). Wait for it at most `ms`, with a timer that keeps us alive.
 */
async function settleWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise((resolve) => { timer = setTimeout(resolve, ms); })]);
  clearTimeout(timer);
}

function piscina(name: string, p: Piscina): PoolUnderTest {
  return { name, trivial: (v) => p.run({ v }), busy: (us) => p.run({ us }), toplist: (events, k) => p.run({ events, k }), close: () => p.destroy() };
}

export const SYSTEM_NAMES = SYSTEMS.map((s) => s.name);

/** Starts every system that can start; the others come back in `missing` with the reason. */
export async function startSystems(threads: number, only?: string[]): Promise<{ systems: PoolUnderTest[]; missing: { name: string; reason: string }[] }> {
  const systems: PoolUnderTest[] = [];
  const missing: { name: string; reason: string }[] = [];
  for (const s of SYSTEMS) {
    if (only !== undefined && !only.includes(s.name)) continue;
    try {
      const sys = await s.make(threads);
      await sys.trivial(0); // the first task waits for the threads to start (about 55 ms each)
      systems.push(sys);
    } catch (err) {
      missing.push({ name: s.name, reason: (err as Error).message.split('\n')[0] });
    }
  }
  return { systems, missing };
}

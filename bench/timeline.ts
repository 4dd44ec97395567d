// Where a pool's pipeline stalls: every message of a closed loop at
// `--inflight`, as each worker ran it, against when the pool posted it.
// For each worker: its busy share, and the gaps between two messages,
// split by whether the next one already waited in its port when it
// finished (the gap is then the worker's own answer-and-read cost) or not
// (then the pool's turnaround after the answer, and the wake-up from post
// to run). Then what one postMessage costs the posting thread, to a
// sleeping worker and to a busy one: on a VM, waking a halted vCPU can cost
// the poster far more than the copy.
// `--pool raw`: the same for the raw worker_threads pool (one task a message).
// Usage: node dist/bench/timeline.js [--work toplist|echo|busy] [--threads 2]
//   [--inflight 32] [--ms 1000] [--tasks-per-worker 2] [--pool hotpath|raw]
import { BroadcastChannel, MessagePort, Worker } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { createPool, WORKER_FILE } from '../src/pool/pool.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { RawPool } from './lib/raw-pool.js';
import { RECORD, TIMELINE_CHANNEL } from './workers/timeline-record.js';

const { values: a } = parseArgs({
  options: {
    work: { type: 'string', default: 'toplist' }, threads: { type: 'string', default: '2' }, inflight: { type: 'string', default: '32' },
    ms: { type: 'string', default: '1000' }, 'tasks-per-worker': { type: 'string', default: '2' }, pool: { type: 'string', default: 'hotpath' },
  },
});
if (a.pool !== 'hotpath' && a.pool !== 'raw') throw new Error('--pool: hotpath or raw');
const raw = a.pool === 'raw';
const ONE = Uint32Array.of(7);
const o = { placement: 'ts-worker' } as const;
const pool = raw
  ? new RawPool(new URL('./workers/raw-worker.js', import.meta.url), Number(a.threads), { timeline: true })
  : await createPool({
    threads: Number(a.threads), tasksPerWorker: Number(a['tasks-per-worker']),
    [WORKER_FILE]: new URL('./workers/timeline-entry.cjs', import.meta.url),
  } as Parameters<typeof createPool>[0]);
const calls: Record<string, () => Promise<unknown>> = pool instanceof RawPool
  ? { toplist: () => pool.run({ events: ONE.slice(), k: 1 }), echo: () => pool.run({ v: 1 }), busy: () => pool.run({ us: 100 }) }
  : {
    toplist: () => pool.run('toplist', { events: ONE.slice(), k: 1 }, o),
    echo: () => pool.run('echo', 1, o),
    busy: () => pool.run('spin', { us: 100 }, o),
  };
const call = calls[a.work!];
if (call === undefined) throw new Error(`--work: one of ${Object.keys(calls).join(', ')}`);

// The pool's posts, by time and first slot (a message's entry 1; the raw pool's: its task id).
const posts: number[] = [];
let recording = false;
const post = MessagePort.prototype.postMessage;
MessagePort.prototype.postMessage = function (this: MessagePort, m: unknown, t?: never) {
  if (recording) {
    const slot = Array.isArray(m) ? (m[1] as number) : raw ? (m as { id?: number }).id : undefined;
    if (slot !== undefined) posts.push(performance.timeOrigin + performance.now(), slot);
  }
  return post.call(this, m, t);
};

const channel = new BroadcastChannel(TIMELINE_CHANNEL);
const dumps: { threadId: number; records: number[] }[] = [];
channel.onmessage = (e: unknown) => dumps.push((e as { data: (typeof dumps)[number] }).data);
const collect = async (): Promise<void> => {
  const want = dumps.length + Number(a.threads);
  channel.postMessage('dump');
  while (dumps.length < want) await new Promise((r) => setImmediate(r));
};

for (let i = 0; i < 20_000; i++) await call();
await collect();
dumps.length = 0;
recording = true;
const end = performance.now() + Number(a.ms);
let n = 0;
const elu0 = performance.eventLoopUtilization();
await Promise.all(Array.from({ length: Number(a.inflight) }, async () => {
  while (performance.now() < end) {
    await call();
    n++;
  }
}));
const elu = performance.eventLoopUtilization(elu0).utilization;
recording = false;
await collect();

console.log(describeMachine(machineInfo({ simd: 'n/a', native: false })).replace(/, native .*/, ''));
console.log(`${a.work}, ${raw ? 'raw worker_threads pool' : 'hotpath'}, ${a.threads} threads, ${a.inflight} in flight${raw ? '' : `, tasksPerWorker ${a['tasks-per-worker']}`}`);
console.log(`${Math.round(n / (Number(a.ms) / 1000))} calls/s; event loop utilization ${elu.toFixed(2)}`);
const bySlot = new Map<number, number[]>();
for (let i = 0; i < posts.length; i += 2) bySlot.set(posts[i + 1], [...(bySlot.get(posts[i + 1]) ?? []), posts[i]]);
/** When the pool posted the message whose first slot is `slot`: the last such post before `t`. */
const postedAt = (slot: number, t: number): number => {
  let at = -Infinity;
  for (const p of bySlot.get(slot) ?? []) if (p <= t) at = p;
  return at;
};
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
for (const { threadId, records: r } of dumps) {
  const msgs = r.length / RECORD;
  let busy = 0, tasks = 0, queued = 0, nQueued = 0, waiting = 0, turnaround = 0, wake = 0, nWaiting = 0;
  for (let i = 0; i < r.length; i += RECORD) {
    busy += r[i + 1] - r[i];
    tasks += r[i + 2];
    if (i === 0) continue;
    const ended = r[i - RECORD + 1];
    const posted = postedAt(r[i + 3], r[i]);
    if (posted < ended) {
      queued += r[i] - ended;
      nQueued++;
    } else {
      waiting += r[i] - ended;
      turnaround += posted - ended;
      wake += r[i] - posted;
      nWaiting++;
    }
  }
  const span = r[r.length - RECORD + 1] - r[0];
  console.log(`worker ${threadId}: ${msgs} messages, ${(tasks / msgs).toFixed(1)} tasks each, running ${((100 * busy) / span).toFixed(0)}% of the time (${us(busy / msgs)} a message)`);
  console.log(`  next message already there: ${nQueued} gaps of ${us(queued / Math.max(1, nQueued))}`);
  console.log(`  next message not yet posted: ${nWaiting} gaps of ${us(waiting / Math.max(1, nWaiting))} = pool turnaround ${us(turnaround / Math.max(1, nWaiting))} + post to run ${us(wake / Math.max(1, nWaiting))}`);
}
await pool.close();
channel.close();

// What a post costs the poster: to a worker asleep in its event loop, and to one busy running.
const probe = new Worker(`const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m === 'spin') { const end = performance.now() + 20; while (performance.now() < end); return; }
  if (m === 'ack') parentPort.postMessage(1);
});`, { eval: true });
await new Promise((r) => probe.once('online', r));
let asleep = 0, busyPost = 0;
const ROUNDS = 200;
for (let i = 0; i < ROUNDS; i++) {
  const spinUntil = performance.now() + 1; // this thread stays warm; the worker falls asleep
  while (performance.now() < spinUntil);
  const t = performance.now();
  probe.postMessage('ack');
  asleep += performance.now() - t;
  await new Promise((r) => probe.once('message', r));
}
for (let i = 0; i < 5; i++) {
  probe.postMessage('spin');
  await new Promise((r) => setTimeout(r, 2));
  const t = performance.now();
  for (let j = 0; j < ROUNDS / 5; j++) probe.postMessage('x');
  busyPost += performance.now() - t;
  await new Promise((r) => setTimeout(r, 25));
}
console.log(`postMessage, as the poster sees it: to a sleeping worker ${us(asleep / ROUNDS)}, to a busy one ${us(busyPost / ROUNDS)}`);
await probe.terminate();

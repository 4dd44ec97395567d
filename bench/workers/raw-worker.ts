// The hand-written raw worker_threads pool's worker: one message in, one out.
// With workerData.timeline, it also records each message as bench/timeline.ts
// records hotpath's (timeline-record.ts), the task's id as its slot.
import { parentPort, workerData } from 'node:worker_threads';
import { toplistTs } from '../../src/kernels/toplist/ts.js';
import { recordsForTimeline } from './timeline-record.js';

const records = (workerData as { timeline?: boolean } | undefined)?.timeline === true ? recordsForTimeline() : undefined;
const origin = performance.timeOrigin;

parentPort!.on('message', (msg: { id: number; task: { us?: number; events?: Uint32Array; k?: number } }) => {
  const start = origin + performance.now();
  const { us, events, k } = msg.task;
  let result: unknown = msg.task;
  if (events !== undefined) {
    result = toplistTs({ events, k: k ?? 10 });
  } else if (us !== undefined) {
    const end = performance.now() + us / 1000;
    while (performance.now() < end);
  }
  records?.push(start, origin + performance.now(), 1, msg.id);
  parentPort!.postMessage({ id: msg.id, result });
});

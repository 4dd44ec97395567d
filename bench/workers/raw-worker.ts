// The hand-written raw worker_threads pool's worker: one message in, one out.
import { parentPort } from 'node:worker_threads';
import { toplistTs } from '../../src/kernels/toplist/ts.js';

parentPort!.on('message', (msg: { id: number; task: { us?: number; events?: Uint32Array; k?: number } }) => {
  const { us, events, k } = msg.task;
  if (events !== undefined) {
    parentPort!.postMessage({ id: msg.id, result: toplistTs({ events, k: k ?? 10 }) });
    return;
  }
  if (us !== undefined) {
    const end = performance.now() + us / 1000;
    while (performance.now() < end);
  }
  parentPort!.postMessage({ id: msg.id, result: msg.task });
});

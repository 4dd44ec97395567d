// The hand-written raw worker_threads pool's worker: one message in, one out.
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', (msg: { id: number; task: { us?: number } }) => {
  const { us } = msg.task;
  if (us !== undefined) {
    const end = performance.now() + us / 1000;
    while (performance.now() < end);
  }
  parentPort!.postMessage({ id: msg.id, result: msg.task });
});

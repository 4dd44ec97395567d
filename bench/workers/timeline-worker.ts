// hotpath's real worker, with a record of every message it runs: when it
// started and ended (ms, comparable across threads), how many tasks, and
// its first task's slot (to match the message the pool posted). The
// records go to bench/timeline.ts on a BroadcastChannel when it asks.
import { serve } from '../../src/pool/worker/port.js';
import { loadKernels, runMessage } from '../../src/pool/worker/run.js';
import { TASK_STRIDE } from '../../src/pool/dispatch/wire.js';
import { recordsForTimeline } from './timeline-record.js';

await loadKernels();
const records = recordsForTimeline();
const origin = performance.timeOrigin;
serve((message) => {
  const start = origin + performance.now();
  const answer = runMessage(message);
  records.push(start, origin + performance.now(), message.length / TASK_STRIDE, message[1] as number);
  return answer;
});

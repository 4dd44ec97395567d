// How a lane splits what waits into messages: evenly over the workers that
// can take one, and never more to one worker than its fair share of all the
// lane's tasks (queued and out).
import { describe, expect, it } from 'vitest';
import { Lane } from '../../src/pool/dispatch/lane.js';
import type { Task } from '../../src/pool/task.js';

function laneWith(queued: number, out: number): Lane {
  const lane = new Lane('worker', 2, 2, 64);
  for (let i = 0; i < queued; i++) lane.queue.push({ dropped: false, solo: false } as unknown as Task);
  lane.inflight = out;
  if (out > 0) lane.messages = 1;
  return lane;
}

describe('lane batches', () => {
  it('a worker taking work while the other holds little gets its fair share, not the whole queue', () => {
    // 32 tasks in a closed loop: 1 out at the other worker, 31 just came back.
    expect(laneWith(31, 1).nextBatch(1, 0)).toHaveLength(16);
    // And the other worker, holding 1, then takes the rest.
    expect(laneWith(15, 17).nextBatch(1, 1)).toHaveLength(15);
  });

  it('splits over the ways a message can go, and sends a lone task at once', () => {
    expect(laneWith(32, 0).nextBatch(2, 0)).toHaveLength(16);
    expect(laneWith(1, 0).nextBatch(2, 0)).toHaveLength(1);
    // A worker holding more than its share still gets one task: nothing is held back for nobody.
    expect(laneWith(1, 20).nextBatch(1, 20)).toHaveLength(1);
  });
});

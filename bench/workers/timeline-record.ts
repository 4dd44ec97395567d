// What bench/timeline.ts and the workers it records (timeline-worker.ts,
// raw-worker.ts) share.
import { BroadcastChannel, threadId } from 'node:worker_threads';

export const TIMELINE_CHANNEL = 'hotpath-timeline';
/** Entries per record: start, end (ms since the epoch, comparable across threads), tasks, first slot. */
export const RECORD = 4;

/** This worker's records, handed to bench/timeline.ts (and emptied) when it asks. */
export function recordsForTimeline(): number[] {
  const records: number[] = [];
  const channel = new BroadcastChannel(TIMELINE_CHANNEL);
  channel.onmessage = (e: unknown) => {
    if ((e as { data: unknown }).data === 'dump') channel.postMessage({ threadId, records: records.splice(0) });
  };
  channel.unref();
  return records;
}

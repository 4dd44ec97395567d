// What bench/timeline.ts and its worker (timeline-worker.ts) share.
export const TIMELINE_CHANNEL = 'hotpath-timeline';
/** Entries per record: start, end (ms since the epoch, comparable across threads), tasks, first slot. */
export const RECORD = 4;

// Per-task control words in one SharedArrayBuffer, shared with every worker
// and with the addon's AsyncWorkers. Slot i holds two Int32s:
//   [2i]     cancel flag: the kernel polls it (TS and C++), 1 = stop
//   [2i + 1] threadId of the worker running the task: 0 = not started yet,
//            DONE = finished. A kernel ignoring its flag past the grace period
//            has exactly its worker replaced; when a worker dies, the tasks
//            of its batches that were not running can be sent again.
// Slots are recycled only after the task's worker has returned, so a late
// kernel never sees the next task's flag.

/** Marker in a slot's second word: the worker finished the task. */
export const DONE = -1;

export class Slots {
  readonly words: Int32Array;
  private readonly free: number[] = [];
  private next = 0;

  constructor(readonly capacity: number) {
    this.words = new Int32Array(new SharedArrayBuffer(capacity * 2 * Int32Array.BYTES_PER_ELEMENT));
  }

  /** A free slot, reset; or -1 when all are in use (the caller bounds its tasks below capacity). */
  acquire(): number {
    const slot = this.free.length > 0 ? this.free.pop()! : this.next < this.capacity ? this.next++ : -1;
    if (slot >= 0) {
      Atomics.store(this.words, 2 * slot, 0);
      Atomics.store(this.words, 2 * slot + 1, 0);
    }
    return slot;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  cancel(slot: number): void {
    Atomics.store(this.words, 2 * slot, 1);
  }

  /** threadId of the worker running the slot's task, 0 if it has not started, DONE once it finished. */
  startedBy(slot: number): number {
    return Atomics.load(this.words, 2 * slot + 1);
  }

  /** The cancel flag as the kernels take it: an Int32Array whose element 0 is the flag. */
  static flag(words: Int32Array, slot: number): Int32Array {
    return words.subarray(2 * slot, 2 * slot + 1);
  }
}

// Per-task control words in one SharedArrayBuffer, shared with every worker
// and with the addon's AsyncWorkers. Slot i holds two Int32s:
//   [2i]     cancel flag: the kernel polls it (TS and C++), 1 = stop
//   [2i + 1] worker tasks: threadId of the worker running the task: 0 = not
//            started yet, DONE = finished. A kernel ignoring its flag past the
//            grace period has exactly its worker replaced; when a worker
//            dies, the tasks of its batches that were not running can be
//            sent again. libuv tasks (native-async): the kernel's run time in
//            us, written by the addon on libuv's thread (UNTIMED until then).
// Slots are recycled only after the task's worker has returned, so a late
// kernel never sees the next task's flag.
// Three words follow the slots: the pool's run() calls (written by the main
// thread only), and two that workers add to at the end of every task: how
// many tasks they finished, and the sum of their arrivals (the calls that
// came between a task's and the end of its run). auto (auto.ts) reads them at
// every choice: the finished count against the answers the pool has read
// says how many ended but still wait for the event loop, and the sum the
// concurrency. Answers that wait for the loop would bring that news too
// late, or never while calls chain inline.
const CALLS = 3;
const ARRIVALS = 2;
const FINISHED = 1;

/** Marker in a slot's second word: the worker finished the task. */
export const DONE = -1;
const UNTIMED = -2;

export class Slots {
  readonly words: Int32Array;
  private readonly free: number[] = [];
  private next = 0;

  private calls = 0;
  /** Finished tasks whose answers the pool read. */
  private read = 0;
  /** The finished count and arrivals sum at the last takeArrivals(). */
  private arrivalSeq = 0;
  private arrivalSum = 0;
  /** How many tasks the last takeArrivals() averaged. */
  arrivalsTaken = 0;

  constructor(readonly capacity: number) {
    this.words = new Int32Array(new SharedArrayBuffer((capacity * 2 + CALLS) * Int32Array.BYTES_PER_ELEMENT));
  }

  /** Counts a run() call; returns the count (int32, wrapping: take differences with `| 0`). */
  countCall(): number {
    this.calls = (this.calls + 1) | 0;
    // A plain store: one writer, and a reader one call behind is harmless.
    this.words[this.words.length - CALLS] = this.calls;
    return this.calls;
  }

  get callCount(): number {
    return this.calls;
  }

  /** The pool read the answers of `n` tasks that workers finished. */
  answersRead(n: number): void {
    this.read = (this.read + n) | 0;
  }

  /** Tasks that workers finished and whose answers the event loop has not read yet. */
  get endedUnread(): number {
    return Math.max(0, (Atomics.load(this.words, this.words.length - FINISHED) - this.read) | 0);
  }

  /** Mean arrivals of the tasks workers finished since the last call, or -1 when none did. */
  takeArrivals(): number {
    const seq = Atomics.load(this.words, this.words.length - FINISHED);
    if (seq === this.arrivalSeq) return -1;
    // Read after the count (workers add to the sum first): a task finishing
    // in between adds to the sum only, and is counted in the next mean.
    const sum = Atomics.load(this.words, this.words.length - ARRIVALS);
    this.arrivalsTaken = (seq - this.arrivalSeq) | 0;
    const mean = ((sum - this.arrivalSum) | 0) / this.arrivalsTaken;
    this.arrivalSeq = seq;
    this.arrivalSum = sum;
    return mean;
  }

  /** In a worker, at the end of a task that run() counted as call `callsAt`: it finished, and how many calls came since. */
  static finished(words: Int32Array, callsAt: number): void {
    // The sum first: a reader that sees the new count sees this task's arrivals.
    Atomics.add(words, words.length - ARRIVALS, (words[words.length - CALLS] - callsAt) | 0);
    Atomics.add(words, words.length - FINISHED, 1);
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

  /**
   * For native-async calls: [flag, run time]. The addon writes the kernel's
   * run time on libuv's thread, in whole us, into element 1 (the word a
   * worker marks with its threadId; a libuv task has no other use for it).
   */
  static asyncFlag(words: Int32Array, slot: number): Int32Array {
    return words.subarray(2 * slot, 2 * slot + 2);
  }

  /** Marks a libuv task's run time as not reported yet. */
  untimed(slot: number): void {
    Atomics.store(this.words, 2 * slot + 1, UNTIMED);
  }

  /** The run time the addon reported for a libuv task, us, or -1 if none (an addon without the timer). */
  runUs(slot: number): number {
    const us = Atomics.load(this.words, 2 * slot + 1);
    return us === UNTIMED ? -1 : us;
  }
}

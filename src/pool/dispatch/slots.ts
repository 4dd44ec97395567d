// Per-task control words in one SharedArrayBuffer, shared with every worker
// and with the addon's AsyncWorkers. Slot i holds four Int32s (s = 4i):
//   [s]      cancel flag: the kernel polls it (TS and C++), 1 = stop
//   [s + 1]  worker tasks: threadId of the worker running the task: 0 = not
//            started yet, DONE = finished. A kernel ignoring its flag past the
//            grace period has exactly its worker replaced; when a worker
//            dies, the tasks of its batches that were not running can be
//            sent again. libuv tasks (native-async): the kernel's run time in
//            us, written by the addon on libuv's thread (UNTIMED until then).
//   [s + 2]  libuv tasks: when the addon's completion (OnOK: the result's
//            conversion to JS, on the event loop) began, in us of the
//            monotonic clock modulo 2^31. Workers do not use it.
//   [s + 3]  libuv tasks: the run's CPU time on libuv's thread, us (auto
//            learns from it, native/napi_timing.h RunTimer). Workers do not
//            use it.
// Slots are recycled only after the task's worker has returned, so a late
// kernel never sees the next task's flag.
// Three words follow the slots: the pool's run() calls (written by the main
// thread only), and two that workers add to at the end of every task: how
// many tasks they finished, and the sum of their arrivals (the calls that
// came between a task's and the end of its run). auto (auto/planner.ts) reads them at
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
/** Int32 words per slot (see above). */
export const SLOT_WORDS = 4;
const WRAP = 2 ** 31;

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
    this.words = new Int32Array(new SharedArrayBuffer((capacity * SLOT_WORDS + CALLS) * Int32Array.BYTES_PER_ELEMENT));
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

  /** Whether a worker task finished since the last takeArrivals(). */
  get arrivalsWaiting(): boolean {
    return Atomics.load(this.words, this.words.length - FINISHED) !== this.arrivalSeq;
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
      Atomics.store(this.words, SLOT_WORDS * slot, 0);
      Atomics.store(this.words, SLOT_WORDS * slot + 1, 0);
    }
    return slot;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  cancel(slot: number): void {
    Atomics.store(this.words, SLOT_WORDS * slot, 1);
  }

  /** threadId of the worker running the slot's task, 0 if it has not started, DONE once it finished. */
  startedBy(slot: number): number {
    return Atomics.load(this.words, SLOT_WORDS * slot + 1);
  }

  /** The cancel flag as the kernels take it: an Int32Array whose element 0 is the flag. */
  static flag(words: Int32Array, slot: number): Int32Array {
    return words.subarray(SLOT_WORDS * slot, SLOT_WORDS * slot + 1);
  }

  /**
   * For native-async calls: [flag, run time, completion, CPU time]. The
   * addon writes the kernel's run time on libuv's thread, in whole us, into
   * element 1 (the word a worker marks with its threadId; a libuv task has
   * no other use for it), and its CPU time into element 3.
   */
  static asyncFlag(words: Int32Array, slot: number): Int32Array {
    return words.subarray(SLOT_WORDS * slot, SLOT_WORDS * slot + 4);
  }

  /** Marks a libuv task's run time and completion as not reported yet. */
  untimed(slot: number): void {
    Atomics.store(this.words, SLOT_WORDS * slot + 1, UNTIMED);
    Atomics.store(this.words, SLOT_WORDS * slot + 2, UNTIMED);
    Atomics.store(this.words, SLOT_WORDS * slot + 3, UNTIMED);
  }

  /**
   * How long ago, ms, the addon began a libuv task's completion on this
   * thread (converting its result to JS, resolving its promise), or -1 if it
   * did not say. Read in the promise's reaction: the event loop's cost of
   * that completion, which no JS timer of ours can see.
   */
  completionMs(slot: number): number {
    const at = Atomics.load(this.words, SLOT_WORDS * slot + 2);
    if (at === UNTIMED) return -1;
    const [sec, ns] = process.hrtime();
    const nowUs = (sec * 1e6 + Math.floor(ns / 1e3)) % WRAP;
    return (((nowUs - at) % WRAP) + WRAP) % WRAP / 1000;
  }

  /** The run time the addon reported for a libuv task, us, or -1 if none (an addon without the timer). */
  runUs(slot: number): number {
    const us = Atomics.load(this.words, SLOT_WORDS * slot + 1);
    return us === UNTIMED ? -1 : us;
  }

  /** The CPU time the addon reported for a libuv task's run, us, or -1 if none. */
  runCpuUs(slot: number): number {
    const us = Atomics.load(this.words, SLOT_WORDS * slot + 3);
    return us === UNTIMED ? -1 : us;
  }
}

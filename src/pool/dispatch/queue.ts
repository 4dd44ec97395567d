// A FIFO of tasks waiting for a lane (worker threads, or libuv's pool for
// native-async), with O(1) removal of a task that was aborted or timed out
// while it waited: it is marked and skipped, and `length` counts only the
// live ones, so queue depth and admission never see dead entries.

export interface Queued {
  /** Set once the task was settled (aborted, timed out) while still queued. */
  dropped: boolean;
}

export class TaskQueue<T extends Queued> {
  private items: (T | undefined)[] = [];
  private head = 0;
  private live = 0;

  get length(): number {
    return this.live;
  }

  push(task: T): void {
    this.items.push(task);
    this.live++;
  }

  /** Removes a queued task (it stays in the array, marked, until shift() passes it). */
  drop(task: T): void {
    if (!task.dropped) {
      task.dropped = true;
      this.live--;
    }
  }

  /** Puts a task back at the head (a retry after its worker died before running it). */
  unshift(task: T): void {
    task.dropped = false;
    if (this.head > 0) this.items[--this.head] = task;
    else this.items.unshift(task);
    this.live++;
  }

  /** The task shift() would return, left in place. */
  peek(): T | undefined {
    for (let i = this.head; i < this.items.length; i++) {
      const t = this.items[i];
      if (t !== undefined && !t.dropped) return t;
    }
    return undefined;
  }

  shift(): T | undefined {
    while (this.head < this.items.length) {
      const t = this.items[this.head];
      this.items[this.head++] = undefined;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      if (t !== undefined && !t.dropped) {
        this.live--;
        return t;
      }
    }
    return undefined;
  }
}

/** Exponentially weighted mean run time, ms: enough to predict a queue's wait. */
export class RunEstimate {
  private value = 0;
  private seen = 0;

  /**
   * @param prior start from this value, as if it had been seen once
   * @param robust for cost models: a sample above 4x the estimate counts as
   *   4x, and one below a quarter of it replaces it. Cold starts make the
   *   first runs slow (a worker's first native call loads the addon: 0.5 ms
   *   against 3 us after), and one such outlier must not hide a placement for
   *   thousands of calls; a sample far below is a warm run after cold ones.
   */
  constructor(prior?: number, private readonly robust = false) {
    if (prior !== undefined) {
      this.value = prior;
      this.seen = 1;
    }
  }

  /** @param alpha weight of this sample (plain mode; default 0.2) */
  add(ms: number, alpha = 0.2): void {
    if (this.robust && this.seen > 0) {
      if (ms < this.value / 4) {
        this.value = ms;
        return;
      }
      if (ms > 4 * this.value) ms = 4 * this.value;
      // Slower runs move it a quarter as fast as faster ones: on a machine
      // with more runnable threads than cores a run is now and then
      // descheduled for a whole time slice (topk over 20k rows: 0.2 ms, some
      // worker runs 1-4 ms at 8 in flight on 2 cores), and a mean of those
      // hid the worker placement for the rest of the run.
      this.value += (ms > this.value ? 0.05 : 0.2) * (ms - this.value);
      this.seen++;
      return;
    }
    // alpha 0.2: about the last 10 tasks dominate, so the estimate follows a
    // change of input sizes within a few tasks without jumping on one outlier.
    this.value = this.seen === 0 ? ms : this.value + alpha * (ms - this.value);
    this.seen++;
  }

  get ms(): number {
    return this.value;
  }

  /** Whether any run was seen (or a prior given). */
  get known(): boolean {
    return this.seen > 0;
  }

  /** Runs seen (a prior counts as one). */
  get count(): number {
    return this.seen;
  }
}

// The floor for message-passing dispatch: a raw worker_threads pool with no
// queue, no cancellation, no stats: each task goes to the worker with the
// fewest tasks in flight, one postMessage each way.
import { Worker } from 'node:worker_threads';

export class RawPool {
  private readonly workers: Worker[];
  private readonly load: number[];
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; worker: number }>();
  private nextId = 0;

  constructor(file: URL, threads: number, workerData?: unknown) {
    this.workers = Array.from({ length: threads }, () => new Worker(file, { workerData }));
    this.load = new Array<number>(threads).fill(0);
    this.workers.forEach((w, i) => w.on('message', (m: { id: number; result: unknown }) => {
      const p = this.pending.get(m.id)!;
      this.pending.delete(m.id);
      this.load[i]--;
      p.resolve(m.result);
    }));
  }

  run(task: unknown): Promise<unknown> {
    let w = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i] < this.load[w]) w = i;
    const id = this.nextId++;
    this.load[w]++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, worker: w });
      this.workers[w].postMessage({ id, task });
    });
  }

  async ready(): Promise<void> {
    await Promise.all(this.workers.map(() => this.run({ v: 0 })));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

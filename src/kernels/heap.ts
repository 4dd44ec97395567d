// Bounded "best k" selection shared by topk and toplist: keeps the k best
// (id, value) pairs by value descending, ties by lower id. A binary min-heap
// with the worst kept pair at the root, in typed arrays: no allocation per
// offer, and the common case (not better than the worst) is one comparison.

export class BestK {
  readonly capacity: number;
  size = 0;
  private readonly ids: Uint32Array;
  private readonly values: Float64Array;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.ids = new Uint32Array(capacity);
    this.values = new Float64Array(capacity);
  }

  /** Value of the worst kept pair, or -Infinity while not full. */
  threshold(): number {
    return this.size < this.capacity ? -Infinity : this.values[0];
  }

  // a is worse than b: lower value, or same value and higher id.
  private worse(i: number, j: number): boolean {
    const vi = this.values[i];
    const vj = this.values[j];
    return vi < vj || (vi === vj && this.ids[i] > this.ids[j]);
  }

  private swap(i: number, j: number): void {
    const id = this.ids[i];
    this.ids[i] = this.ids[j];
    this.ids[j] = id;
    const v = this.values[i];
    this.values[i] = this.values[j];
    this.values[j] = v;
  }

  /** Offers a pair; keeps it if it is among the best k seen so far. */
  offer(id: number, value: number): void {
    if (this.size < this.capacity) {
      let i = this.size++;
      this.ids[i] = id;
      this.values[i] = value;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(i, p)) break;
        this.swap(i, p);
        i = p;
      }
      return;
    }
    const v0 = this.values[0];
    if (value < v0 || (value === v0 && id > this.ids[0])) return;
    this.ids[0] = id;
    this.values[0] = value;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && this.worse(r, l) ? r : l;
      if (!this.worse(c, i)) break;
      this.swap(c, i);
      i = c;
    }
  }

  /** The kept pairs, best first. */
  sorted(): { ids: Uint32Array; values: Float64Array } {
    const order = Array.from({ length: this.size }, (_, i) => i);
    order.sort((a, b) => this.values[b] - this.values[a] || this.ids[a] - this.ids[b]);
    const ids = new Uint32Array(this.size);
    const values = new Float64Array(this.size);
    for (let i = 0; i < order.length; i++) {
      ids[i] = this.ids[order[i]];
      values[i] = this.values[order[i]];
    }
    return { ids, values };
  }
}

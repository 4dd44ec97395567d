export interface ToplistInput {
  /** Play events: track ids, uint32. A Uint32Array is used in place; an array is checked and copied. */
  events: Uint32Array | readonly number[];
  /** How many tracks, 1..1_000_000. Default 10. A k above the distinct ids returns them all. */
  k?: number;
}

export interface ToplistItem {
  id: number;
  count: number;
}

export interface ToplistResult {
  /** Most played first: count descending, ties by lower id. */
  items: ToplistItem[];
}

export interface ToplistArgs {
  events: Uint32Array;
  k: number;
}

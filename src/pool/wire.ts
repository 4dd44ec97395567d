// What crosses between the pool and its workers. Plain, structured-clone-safe
// data only: classes and error codes do not survive postMessage.
import type { Catalog } from '../catalog/catalog.js';
import type { WireError } from '../errors.js';
import type { Impl } from '../kernels/common.js';
import type { KernelName } from './types.js';

/** workerData: sent once per worker, at start. Shared buffers pass by reference. */
export interface WorkerInit {
  catalog: Catalog | undefined;
  /** Control words (see slots.ts). */
  words: Int32Array;
  /** BroadcastChannel name for out-of-band commands to every worker of this pool (profiling). */
  control: string;
}

export interface WireTask {
  kernel: KernelName;
  impl: Impl;
  slot: number;
  wire: unknown;
}

/** Several tasks in one message; the answer is { batch: WireResponse[] } in the same order. */
export interface WireBatch {
  batch: WireTask[];
}

export interface WireResponse {
  raw?: unknown;
  error?: WireError;
  /** performance.timeOrigin + now() when the kernel started, ms (comparable across threads). */
  startedAt: number;
  runMs: number;
  /** The cancel flag was already set when the worker got the task: the kernel never ran. */
  skipped?: boolean;
}

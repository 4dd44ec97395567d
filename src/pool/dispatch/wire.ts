// What crosses between the pool and its workers. Plain, structured-clone-safe
// data only: classes and error codes do not survive postMessage.
//
// A message and its answer are flat arrays, a few entries per task, not an
// object per task: structured clone pays per object (postMessage of 8 tasks
// as {kernel, impl, slot, wire} objects took 3.0-3.4 us here, as one flat
// array 1.3 us; 30 tasks: 7.5 us against 1.6 us), and a batched worker lane
// pays it on every message both ways.
import type { MessagePort } from 'node:worker_threads';
import type { Catalog } from '../../catalog/catalog.js';
import type { WireError } from '../../errors.js';
import type { Impl } from '../../kernels/common.js';

/** What a worker posts on parentPort when its module loads (worker/port.ts): its end of its channel. */
export const HELLO = 'hotpath:channel';
export interface Hello {
  [HELLO]: number; // the worker's threadId
  port: MessagePort;
}

/** workerData: sent once per worker, at start. Shared buffers pass by reference. */
export interface WorkerInit {
  catalog: Catalog | undefined;
  /** Control words (see slots.ts). */
  words: Int32Array;
  /** BroadcastChannel name for out-of-band commands to every worker of this pool (profiling). */
  control: string;
  /** The pool's kernels, in code order: each worker imports `url` and takes the export named `name`. */
  kernels: { name: string; url: string }[];
}

/**
 * One message to a worker: TASK_STRIDE entries per task, in run order:
 *   [i]     its kind (kindOf): kernel code x 4, + 2 if its CPU time is wanted, + 1 if native
 *   [i + 1] the task's slot (cancel flag and thread mark, slots.ts)
 *   [i + 2] the pool's call count when run() took it (slots.ts)
 *   [i + 3] the kernel's wire input (KernelSpec.toWire)
 */
export type WireMessage = unknown[];
export const TASK_STRIDE = 4;

/**
 * A task's kind. `cpu`: the worker reads the run's CPU time (auto's calls
 * only, the one use of it: two reads of the thread's CPU clock cost 100 us
 * tasks 10-20 us a message in place here, bench/timeline.ts).
 */
export const kindOf = (code: number, impl: Impl, cpu: boolean): number => code * 4 + (cpu ? 2 : 0) + (impl === 'native' ? 1 : 0);

export function pushTask(message: WireMessage, code: number, impl: Impl, cpu: boolean, slot: number, callsAt: number, input: unknown): void {
  message.push(kindOf(code, impl, cpu), slot, callsAt, input);
}

/** The kernel's code: its index in the pool's kernel list (WorkerInit.kernels). */
export const codeAt = (message: WireMessage, i: number): number => (message[i] as number) >> 2;
export const implAt = (message: WireMessage, i: number): Impl => (((message[i] as number) & 1) === 1 ? 'native' : 'ts');
export const cpuWantedAt = (message: WireMessage, i: number): boolean => ((message[i] as number) & 2) === 2;
export const slotAt = (message: WireMessage, i: number): number => message[i + 1] as number;
export const callsAtOf = (message: WireMessage, i: number): number => message[i + 2] as number;
export const inputAt = (message: WireMessage, i: number): unknown => message[i + 3];

/**
 * The answer: ANSWER_STRIDE entries per task, in the message's order:
 *   [j]     status: OK, ERROR, or SKIPPED (its cancel flag was set before it started)
 *   [j + 1] startedAt: performance.timeOrigin + now() at kernel start, ms (comparable across threads)
 *   [j + 2] runMs
 *   [j + 3] the raw result (OK) or a WireError
 *   [j + 4] cpuMs: the run's CPU time where the worker read it (clock.ts cpuClock), else runMs
 */
export type WireAnswer = unknown[];
export const ANSWER_STRIDE = 5;
export const OK = 0;
export const ERROR = 1;
export const SKIPPED = 2;

export type { WireError };


// Piscina worker entry (compiled to dist/src/pool/worker.js: workers load
// plain JS, no TS loader in production). The catalog and the control words
// arrive once, in workerData; a task carries only its own input.
//
// Errors come back as values, not throws: Piscina turns a thrown error into a
// plain Error and drops its code and class (FACTS.md), so we send
// { error: { code, message, details } } and the main thread rebuilds it.
import { performance } from 'node:perf_hooks';
import { threadId, workerData } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { Catalog } from '../catalog/catalog.js';
import { toWire } from '../errors.js';
import { abortedError } from '../kernels/common.js';
import { listenForControl } from './profiling-worker.js';
import { KERNELS } from './registry.js';
import { Slots } from './slots.js';
import type { WireResponse, WireTask, WorkerInit } from './wire.js';

const init = workerData as WorkerInit;
const catalog: Catalog | undefined = init.catalog;
const words = init.words;
listenForControl(init.control);

export default function runTask(task: WireTask): WireResponse | object {
  const t0 = performance.now();
  const startedAt = performance.timeOrigin + t0;
  Atomics.store(words, 2 * task.slot + 1, threadId);
  const cancel = Slots.flag(words, task.slot);
  const spec = KERNELS[task.kernel];
  if (Atomics.load(cancel, 0) !== 0) {
    return { error: toWire(abortedError(task.kernel)), startedAt, runMs: 0, skipped: true } satisfies WireResponse;
  }
  try {
    const raw = spec.run(spec.fromWire(task.wire, catalog), task.impl, cancel);
    const response: WireResponse = { raw, startedAt, runMs: performance.now() - t0 };
    const buffers = spec.resultTransfer(raw);
    if (buffers.length === 0) return response;
    return move({
      get [transferableSymbol]() { return buffers; },
      get [valueSymbol]() { return response; },
    });
  } catch (err) {
    return { error: toWire(err), startedAt, runMs: performance.now() - t0 } satisfies WireResponse;
  }
}

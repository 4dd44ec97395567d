// Piscina worker entry (compiled to dist/src/pool/worker.js: workers load
// plain JS, no TS loader in production). The catalog and the control words
// arrive once, in workerData; a task carries only its own input. A message is
// one task or a batch of them, run one after the other, each with its own
// cancel flag, timing, error and result.
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
import { native } from '../native/binding.js';
import { listenForControl } from './profiling-worker.js';
import { KERNELS } from './registry.js';
import { DONE, Slots } from './slots.js';
import type { WireBatch, WireResponse, WireTask, WorkerInit } from './wire.js';

const init = workerData as WorkerInit;
const catalog: Catalog | undefined = init.catalog;
const words = init.words;
listenForControl(init.control);
// Load the addon now, at worker start, not inside the first task: that load
// (about 0.5-2 ms here) would otherwise land in one request's latency and in
// auto's first cost sample.
native();

function runOne(task: WireTask, transfer: ArrayBuffer[]): WireResponse {
  const t0 = performance.now();
  const startedAt = performance.timeOrigin + t0;
  Atomics.store(words, 2 * task.slot + 1, threadId);
  const cancel = Slots.flag(words, task.slot);
  const spec = KERNELS[task.kernel];
  if (Atomics.load(cancel, 0) !== 0) {
    return { error: toWire(abortedError(task.kernel)), startedAt, runMs: 0, skipped: true };
  }
  try {
    const raw = spec.run(spec.fromWire(task.wire, catalog), task.impl, cancel);
    const runMs = performance.now() - t0;
    for (const b of spec.resultTransfer(raw)) transfer.push(b);
    return { raw, startedAt, runMs };
  } catch (err) {
    return { error: toWire(err), startedAt, runMs: performance.now() - t0 };
  }
}

// Marks the task finished, so that if this worker dies before the batch's
// answer is sent, the pool knows this task was not the one that killed it.
function done(task: WireTask, response: WireResponse): WireResponse {
  Atomics.store(words, 2 * task.slot + 1, DONE);
  return response;
}

export default function runMessage(message: WireTask | WireBatch): WireResponse | { batch: WireResponse[] } | object {
  const transfer: ArrayBuffer[] = [];
  const value = 'batch' in message ? { batch: message.batch.map((t) => done(t, runOne(t, transfer))) } : done(message, runOne(message, transfer));
  if (transfer.length === 0) return value;
  return move({
    get [transferableSymbol]() { return transfer; },
    get [valueSymbol]() { return value; },
  });
}

// What a worker does with a message (main.ts, loaded by entry.cts, is what Piscina starts).
// The catalog, the control words and the kernels' module URLs arrive once,
// in workerData; a task carries only its own input. A message is one task or a batch of them
// (wire.ts), run one after the other, each with its own cancel flag, timing,
// error and result.
//
// Errors come back as values, not throws: structured clone drops an error's
// code and class (Node 20: only message, stack and cause survive), so we send the WireError { code, message,
// details } and the main thread rebuilds it.
import { performance } from 'node:perf_hooks';
import { threadId, workerData } from 'node:worker_threads';
import type { Catalog } from '../../catalog/catalog.js';
import { toWire } from '../../errors.js';
import { abortedError } from '../../kernels/common.js';
import { isKernel, type AnyKernel, type KernelContext } from '../../kernels/define.js';
import { native } from '../../native/binding.js';
import { CPU_TIMED_MS, cpuClock, ORIGIN } from '../clock.js';
import { listenForControl } from './profiling.js';
import { kernelContext, Registry } from '../registry.js';
import { DONE, SLOT_WORDS, Slots } from '../dispatch/slots.js';
import { wireResult } from '../dispatch/transfer.js';
import { callsAtOf, codeAt, cpuWantedAt, ERROR, implAt, inputAt, OK, SKIPPED, slotAt, TASK_STRIDE, type WireAnswer, type WireMessage, type WorkerInit } from '../dispatch/wire.js';

const init = workerData as WorkerInit;
const catalog: Catalog | undefined = init.catalog;
const words = init.words;
listenForControl(init.control);
// Load the addon now, at worker start, not inside the first task: that load
// (about 0.5-2 ms here) would otherwise land in one request's latency and in
// auto's first cost sample.
native();
const cpu = cpuClock();

// Each slot's run context (its cancel-flag view), made once: slots are
// recycled over the same shared words, and a subarray per task was an
// allocation on every run.
const contexts: KernelContext[] = [];
let registry: Registry;

/**
 * Imports every kernel module of the pool (in code order) and finds each
 * kernel among its exports. Throws with the kernel's name: the worker then
 * dies before it opens its channel, and the pool reports why.
 */
export async function loadKernels(): Promise<void> {
  const kernels: AnyKernel[] = [];
  for (const { name, url } of init.kernels) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(url)) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`kernel ${name}: cannot import ${url}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    }
    const found = Object.values(mod).find((v) => isKernel(v) && v.name === name) as AnyKernel | undefined;
    if (found === undefined) throw new Error(`kernel ${name}: ${url} exports no kernel named ${name}`);
    kernels.push(found);
  }
  registry = new Registry(kernels, { catalog });
}

/** The code of a kernel in this worker's pool (for test fixtures that rewrite messages). */
export function codeOf(name: string): number {
  return registry.get(name).code;
}

// An auto call's CPU time is read by the rule of clock.ts CPU_TIMED_MS;
// other calls never read it (wire.ts kindOf). One CPU share for a whole
// message was tried first: a batch of a 0.17 ms task and a preempted one
// made the first read 0.015 ms.
/** Per kernel and implementation (wire.ts kindOf, less the CPU bit): wall ms of its last run here. */
const lastRun: number[] = [];

/** Runs the task at `i` of the message and appends its answer entries (wire.ts). */
function runOne(message: WireMessage, i: number, answer: WireAnswer): void {
  const spec = registry.specs[codeAt(message, i)];
  const slot = slotAt(message, i);
  const kind = (message[i] as number) & ~2;
  const c0 = cpu !== undefined && cpuWantedAt(message, i) && (lastRun[kind] ?? Infinity) >= CPU_TIMED_MS ? cpu() : NaN;
  const t0 = performance.now();
  const startedAt = ORIGIN + t0;
  Atomics.store(words, SLOT_WORDS * slot + 1, threadId);
  const ctx = (contexts[slot] ??= kernelContext({ catalog }, Slots.flag(words, slot)));
  if (ctx.cancelled()) {
    answer.push(SKIPPED, startedAt, 0, toWire(abortedError(spec.name)), 0);
  } else {
    try {
      const raw = spec.run(inputAt(message, i), implAt(message, i), ctx);
      const runMs = performance.now() - t0;
      lastRun[kind] = runMs;
      answer.push(OK, startedAt, runMs, wireResult(raw), c0 === c0 ? Math.min(runMs, cpu!() - c0) : runMs);
    } catch (err) {
      const runMs = performance.now() - t0;
      answer.push(ERROR, startedAt, runMs, toWire(err), runMs);
    }
  }
  // Marks the task finished, so that if this worker dies before the batch's
  // answer is sent, the pool knows this task was not the one that killed it.
  Atomics.store(words, SLOT_WORDS * slot + 1, DONE);
  Slots.finished(words, callsAtOf(message, i));
}

/** Runs every task of a message and returns their answer (copied to the pool: a worker moves nothing out, transfer.ts). */
export function runMessage(message: WireMessage): WireAnswer {
  const answer: WireAnswer = [];
  for (let i = 0; i < message.length; i += TASK_STRIDE) runOne(message, i, answer);
  return answer;
}

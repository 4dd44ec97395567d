// Where a call runs. route() maps a requested placement to an implementation
// and a lane, falling back to the TS twin when the addon is missing (the
// result then says so). runInline() runs on the caller's thread: it blocks the
// event loop for the whole kernel, which is the point of comparing it.
import { HotpathError } from '../errors.js';
import type { Impl } from '../kernels/common.js';
import type { KernelContext } from '../kernels/define.js';
import { clock, ORIGIN } from './clock.js';
import type { Planner } from './planner.js';
import type { KernelSpec } from './registry.js';
import type { Task } from './task.js';
import { PLACEMENTS, type Placement } from './types.js';

export interface Route {
  /** The placement that will actually run. */
  placement: Placement;
  impl: Impl;
  lane: 'inline' | 'worker' | 'async' | 'remote';
  /** A native placement runs its TS twin because the addon did not load. */
  fallback: boolean;
}

const TS_TWIN: Record<Exclude<Placement, 'auto' | 'remote'>, Placement> = {
  'ts-inline': 'ts-inline',
  'native-inline': 'ts-inline',
  'ts-worker': 'ts-worker',
  'native-worker': 'ts-worker',
  // Without the addon there is no AsyncWorker: the nearest is a worker thread.
  'native-async': 'ts-worker',
};

export function route(requested: unknown, spec: KernelSpec, remote = false): Route {
  if (requested === 'remote') {
    if (!remote) throw new HotpathError('HP_ERR_INVALID_PLACEMENT', "placement 'remote' needs a pool created with remote: { redis: 'redis://host:port' }");
    return { placement: 'remote', impl: 'ts', lane: 'remote', fallback: false };
  }
  if (typeof requested !== 'string' || requested === 'auto' || !PLACEMENTS.includes(requested as Placement)) {
    throw new HotpathError('HP_ERR_INVALID_PLACEMENT', `unknown placement ${String(requested)}; use one of ${PLACEMENTS.join(', ')}`);
  }
  let placement = requested as Placement;
  let fallback = false;
  if (placement === 'native-async' && spec.hasSync && !spec.hasAsync) {
    // A native form without fnAsync: its nearest is a worker running fn.
    fallback = true;
    placement = 'native-worker';
  } else if (placement.startsWith('native') && !spec.hasSync && !(placement === 'native-async' && spec.hasAsync)) {
    // No native form, or its addon did not load: the kernel's run, and the result says so.
    fallback = true;
    placement = TS_TWIN[placement as keyof typeof TS_TWIN];
  }
  const impl: Impl = placement.startsWith('native') ? 'native' : 'ts';
  const lane = placement.endsWith('inline') ? 'inline' : placement === 'native-async' ? 'async' : 'worker';
  return { placement, impl, lane, fallback };
}

/** Runs a task on the caller's thread and settles it; an auto call tells `planner` what it cost. */
export function runInline(task: Task, planner: Planner, ctx: KernelContext): void {
  const auto = task.choice !== undefined;
  const c0 = auto ? planner.inlineStart() : NaN;
  const t0 = performance.now();
  task.dispatchedAt = task.startedAt = ORIGIN + t0;
  let raw: unknown;
  try {
    raw = task.spec.run(task.args, task.impl, ctx);
  } catch (err) {
    task.endedAt = clock();
    task.counters.timing(0, task.endedAt - task.startedAt);
    task.settle('error', undefined, err);
    return;
  }
  const runMs = performance.now() - t0;
  task.endedAt = task.startedAt + runMs;
  if (auto) planner.ranInline(task, runMs, c0);
  task.counters.timing(0, runMs);
  let result: Record<string, unknown>;
  try {
    result = task.spec.result(raw) as Record<string, unknown>;
  } catch (err) {
    task.settle('error', undefined, err);
    return;
  }
  result.placement = task.placement;
  result.fallback = task.fallback;
  result.timing = { waitMs: 0, runMs };
  if (task.choice !== undefined) result.choice = task.choice;
  task.settle('ok', result);
}

// One profiling capture of a live pool: CPU profiles of the calling thread and
// every worker, the trace of every task that settled meanwhile, and the files
// made from them (one .cpuprofile per thread, summary.md/json, flame.svg).
// The CLI drives a workload between startCapture and stop(); a service route
// calls captureProfile(pool, { seconds }) and packs the files (archive.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { HotpathError } from '../errors.js';
import type { TaskTrace } from '../pool/types.js';
import { BreakdownRecorder } from './breakdown.js';
import { validateProfile } from './cpuprofile.js';
import { flameTree, renderFlameSvg } from './flamegraph.js';
import { buildSummary, profileFileName, summaryMarkdown, type ProfileSummary } from './summary.js';
import { startThreadProfiles, type ProfiledPool, type StartOptions, type ThreadProfiling } from './threads.js';

/** What a capture needs of a pool (hotpath's Pool has it all). */
export interface CapturablePool extends ProfiledPool {
  traceTasks(listener: (trace: TaskTrace) => void): () => void;
}

export interface CaptureOptions extends StartOptions {
  /** Described in the summary (the CLI passes its flags). */
  workload?: Record<string, unknown>;
  /** Rows per table in the summary. Default 15. */
  top?: number;
}

export interface CaptureResult {
  /** File name -> contents: main.cpuprofile, worker-<threadId>.cpuprofile..., summary.json, summary.md, flame.svg. */
  files: Map<string, string>;
  summary: ProfileSummary;
}

export interface ProfileCapture {
  /** Worker threadIds profiling. */
  readonly workers: readonly number[];
  /** Records a latency the caller measured around one `await pool.run()` (ms), shown beside the breakdown. */
  recordMeasured(ms: number): void;
  /**
   * Stops every profile and builds the files; `workload` adds to the
   * options' workload description (e.g. the throughput the run reached).
   * Calling it again returns the same result.
   */
  stop(workload?: Record<string, unknown>): Promise<CaptureResult>;
}

// One capture per pool at a time: two would share each worker's profiler
// and the task tracer (pool.traceTasks takes one listener).
const active = new WeakSet<object>();

/** Starts profiling every thread of `pool` and tracing its tasks; resolves when the workers have started. */
export async function startCapture(pool: CapturablePool, options: CaptureOptions = {}): Promise<ProfileCapture> {
  if (active.has(pool)) throw new HotpathError('HP_ERR_PROFILE_BUSY', 'a profile capture is already running on this pool');
  active.add(pool);
  const intervalUs = options.intervalUs ?? 1000;
  const recorder = new BreakdownRecorder();
  let profiling: ThreadProfiling;
  try {
    profiling = await startThreadProfiles(pool, options);
  } catch (err) {
    active.delete(pool);
    throw err;
  }
  // Traced from here on: the breakdown has the tasks called during the
  // profiled window (the pool decides at run() whether a task is traced).
  const untrace = pool.traceTasks(recorder.onTrace);
  const t0 = performance.now();
  let result: Promise<CaptureResult> | undefined;
  const stop = async (more: Record<string, unknown> | undefined): Promise<CaptureResult> => {
    untrace();
    const wallMs = performance.now() - t0;
    try {
      const { profiles, notes } = await profiling.stop();
      const files = new Map<string, string>();
      for (const p of profiles) {
        const problems = validateProfile(p.profile);
        if (problems.length > 0) notes.push(`${profileFileName(p)} is inconsistent: ${problems.slice(0, 3).join('; ')}`);
        files.set(profileFileName(p), JSON.stringify(p.profile));
      }
      const workers = profiles.filter((p) => p.role === 'worker');
      const flameFrom = workers.length > 0 ? workers : profiles;
      const names = ['summary.md', 'summary.json', 'flame.svg', ...files.keys()];
      const summary = buildSummary({
        profiles, breakdown: recorder.result(), wallMs, intervalUs, notes, files: names, top: options.top,
        workload: options.workload === undefined && more === undefined ? undefined : { ...options.workload, ...more },
      });
      const tree = flameTree(flameFrom.map((p) => p.profile), workers.length > 0 ? `hotpath workers, merged (${workers.length} thread${workers.length === 1 ? "" : "s"})` : 'hotpath main thread');
      const subtitle = `${tree.value.toFixed(0)} ms on CPU over ${(wallMs / 1000).toFixed(1)} s (idle left out); width = time; ` +
        `red = native kernel; ${summary.machine.cpu}, Node ${summary.machine.node}`;
      files.set('flame.svg', renderFlameSvg(tree, subtitle));
      files.set('summary.json', JSON.stringify(summary, null, 2) + '\n');
      files.set('summary.md', summaryMarkdown(summary));
      return { files, summary };
    } finally {
      active.delete(pool);
    }
  };
  return {
    workers: profiling.workers,
    recordMeasured: (ms) => recorder.recordMeasured(ms),
    stop: (more) => (result ??= stop(more)),
  };
}

export interface TimedCaptureOptions extends CaptureOptions {
  /** How long to profile, s (0 < seconds <= 300). */
  seconds: number;
  /** Ends the capture early: the profiles are stopped and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Profiles a running pool for `seconds` while it serves whatever load it has,
 * and returns the files. This is what `POST /debug/profile?seconds=N` calls;
 * pack the result with packProfile() (archive.ts).
 */
export async function captureProfile(pool: CapturablePool, options: TimedCaptureOptions): Promise<CaptureResult> {
  const { seconds, signal } = options;
  if (typeof seconds !== 'number' || !(seconds > 0) || seconds > 300) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `seconds must be a number in (0, 300], got ${String(seconds)}`);
  }
  signal?.throwIfAborted();
  const capture = await startCapture(pool, options);
  try {
    await sleep(seconds * 1000, undefined, { signal });
  } catch (err) {
    await capture.stop();
    throw err;
  }
  return capture.stop();
}

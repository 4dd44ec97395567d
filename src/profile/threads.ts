// Main side of on-demand profiling: start a CPU profile on this thread and on
// every worker of a pool, and collect them on stop. The protocol is in
// src/pool/worker/profiling.ts. We count answers against pool.threads: a
// worker busy in a long task answers only when the task returns, so each
// phase waits up to `answerTimeoutMs` and then goes on with the answers it
// has, noting which threads are missing instead of failing the capture.
import { randomUUID } from 'node:crypto';
import { BroadcastChannel, threadId } from 'node:worker_threads';
import type { Session } from 'node:inspector/promises';
import {
  replyChannelName, startThreadProfile, stopThreadProfile, type ControlCommand, type ControlReply, type CpuProfile,
} from '../pool/worker/profiling.js';

/** What threads.ts needs of a pool (a Pool has both). */
export interface ProfiledPool {
  readonly threads: number;
  readonly controlChannel: string;
}

export interface ThreadProfile {
  /** 'main' for the calling thread, 'worker' for a pool worker. */
  role: 'main' | 'worker';
  threadId: number;
  profile: CpuProfile;
}

export interface ThreadProfilesResult {
  profiles: ThreadProfile[];
  /** Threads that did not answer or failed, in words. */
  notes: string[];
}

export interface StartOptions {
  /** Sampling interval, µs. Default 1000 (V8's default). */
  intervalUs?: number;
  /** How long to wait for the workers' answers in each phase, ms. Default 10 000. */
  answerTimeoutMs?: number;
  /** Also profile the calling thread. Default true. */
  main?: boolean;
}

type Reply = ControlReply;

class Replies {
  private readonly got: Reply[] = [];
  private wake: (() => void) | undefined;
  readonly channel: BroadcastChannel;

  constructor(name: string, private readonly id: string) {
    this.channel = new BroadcastChannel(name);
    // Waiting keeps the process alive through its timer; an open channel
    // left behind by a capture that was never stopped must not.
    this.channel.unref();
    this.channel.onmessage = (event) => {
      const data = (event as { data?: unknown }).data as Reply | undefined;
      if (data?.id !== this.id) return;
      this.got.push(data);
      this.wake?.();
    };
  }

  /** Waits until `done(replies)` or the timeout; returns the replies so far. */
  async until(done: (r: readonly Reply[]) => boolean, timeoutMs: number): Promise<readonly Reply[]> {
    const deadline = performance.now() + timeoutMs;
    while (!done(this.got)) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return this.got;
  }

  close(): void {
    this.channel.close();
  }
}

export interface ThreadProfiling {
  /** Worker threadIds that started profiling. */
  readonly workers: readonly number[];
  /** Notes from the start phase (workers that did not answer). */
  readonly notes: readonly string[];
  stop(): Promise<ThreadProfilesResult>;
}

/** Starts profiling this thread and every worker of `pool`; resolves once they all answered (or the timeout). */
export async function startThreadProfiles(pool: ProfiledPool, options: StartOptions = {}): Promise<ThreadProfiling> {
  const intervalUs = options.intervalUs ?? 1000;
  const timeoutMs = options.answerTimeoutMs ?? 10_000;
  if (!Number.isInteger(intervalUs) || intervalUs < 50 || intervalUs > 1_000_000) {
    throw new RangeError(`intervalUs must be an integer in 50..1000000, got ${intervalUs}`);
  }
  const id = randomUUID();
  const replies = new Replies(replyChannelName(pool.controlChannel), id);
  const commands = new BroadcastChannel(pool.controlChannel);
  commands.unref();
  const notes: string[] = [];
  let mainSession: Session | undefined;
  try {
    if (options.main !== false) mainSession = await startThreadProfile(intervalUs);
    commands.postMessage({ type: 'profile-start', id, intervalUs } satisfies ControlCommand);
    const started = await replies.until((r) => new Set(r.map((x) => x.threadId)).size >= pool.threads, timeoutMs);
    const workers = started.filter((r) => r.type === 'profile-started').map((r) => r.threadId);
    for (const r of started) if (r.type === 'profile-error') notes.push(`worker ${r.threadId} could not start profiling: ${r.message}`);
    const answered = new Set(started.map((r) => r.threadId)).size;
    if (answered < pool.threads) {
      notes.push(`${pool.threads - answered} of ${pool.threads} workers did not answer the start within ${timeoutMs} ms (busy in a long task?)`);
    }
    let stopping: Promise<ThreadProfilesResult> | undefined;
    const stop = async (): Promise<ThreadProfilesResult> => {
      const profiles: ThreadProfile[] = [];
      const stopNotes = [...notes];
      try {
        const mainProfile = mainSession && stopThreadProfile(mainSession);
        const before = (await replies.until(() => true, 0)).length;
        commands.postMessage({ type: 'profile-stop', id } satisfies ControlCommand);
        // Workers that started must send their profile; one that started late
        // (after a late start answer) is waited for too.
        const isDone = (r: readonly Reply[]) => {
          const late = r.slice(before);
          const startedNow = new Set(r.filter((x) => x.type === 'profile-started').map((x) => x.threadId));
          const ended = new Set(late.filter((x) => x.type !== 'profile-started').map((x) => x.threadId));
          return [...startedNow].every((t) => ended.has(t));
        };
        const all = await replies.until(isDone, timeoutMs);
        if (mainProfile !== undefined) profiles.push({ role: 'main', threadId, profile: await mainProfile });
        const late = all.slice(before);
        for (const r of late) {
          if (r.type === 'profile') profiles.push({ role: 'worker', threadId: r.threadId, profile: r.profile });
          else if (r.type === 'profile-error') stopNotes.push(`worker ${r.threadId} could not stop profiling: ${r.message}`);
        }
        const startedIds = all.filter((x) => x.type === 'profile-started').map((x) => x.threadId);
        const got = new Set(profiles.map((p) => p.threadId));
        const missing = startedIds.filter((t) => !got.has(t));
        if (missing.length > 0) stopNotes.push(`no profile from worker(s) ${missing.join(', ')} within ${timeoutMs} ms (ended, or busy in a long task)`);
      } finally {
        commands.close();
        replies.close();
      }
      return { profiles, notes: stopNotes };
    };
    return {
      workers,
      notes,
      stop: () => (stopping ??= stop()),
    };
  } catch (err) {
    commands.close();
    replies.close();
    if (mainSession !== undefined) await stopThreadProfile(mainSession).catch(() => undefined);
    throw err;
  }
}

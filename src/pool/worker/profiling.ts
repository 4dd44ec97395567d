// Worker side of the pool's out-of-band commands: on-demand CPU profiling.
// Every worker calls listenForControl at start. The main side (src/profile/
// threads.ts) broadcasts a command on the pool's control channel; each worker
// answers on the reply channel with its threadId, so the caller can count
// answers against pool.threads.
//
// Why a node:inspector Session per worker and not --cpu-prof: --cpu-prof
// writes its file only when the thread exits (Node 20), and a pool's workers
// live as long as the service. A Session opened inside a worker profiles that
// worker's own thread, and can start and stop at any time.
//
// The protocol (plain structured-clone data):
//   main -> workers  { type: 'profile-start', id, intervalUs }
//   worker -> main   { type: 'profile-started', id, threadId }
//   main -> workers  { type: 'profile-stop', id }
//   worker -> main   { type: 'profile', id, threadId, profile }
//   either phase     { type: 'profile-error', id, threadId, phase, message }
// A worker that is running a task answers when the task returns (the message
// waits in its event loop: atomics 'disabled', see pool.ts). A worker never
// throws out of here: a failure to profile becomes a 'profile-error' reply.
import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { BroadcastChannel, threadId } from 'node:worker_threads';

export type CpuProfile = Profiler.Profile;

export type ControlCommand =
  | { type: 'profile-start'; id: string; intervalUs: number }
  | { type: 'profile-stop'; id: string };

export type ControlReply =
  | { type: 'profile-started'; id: string; threadId: number }
  | { type: 'profile'; id: string; threadId: number; profile: CpuProfile }
  | { type: 'profile-error'; id: string; threadId: number; phase: 'start' | 'stop'; message: string };

/** The channel on which workers answer (kept apart from the command channel so a worker never receives another worker's profile). */
export function replyChannelName(control: string): string {
  return `${control}:reply`;
}

/** Opens a session on the calling thread and starts its CPU profiler (also used by the main thread). */
export async function startThreadProfile(intervalUs: number): Promise<Session> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await session.post('Profiler.start');
  } catch (err) {
    session.disconnect();
    throw err;
  }
  return session;
}

/** Stops the profiler started by startThreadProfile and closes its session. */
export async function stopThreadProfile(session: Session): Promise<CpuProfile> {
  try {
    const { profile } = await session.post('Profiler.stop');
    return profile;
  } finally {
    session.disconnect();
  }
}

const sessions = new Map<string, Session>();

async function handle(cmd: ControlCommand, reply: BroadcastChannel): Promise<void> {
  const phase = cmd.type === 'profile-start' ? 'start' : 'stop';
  try {
    if (cmd.type === 'profile-start') {
      if (sessions.has(cmd.id)) throw new Error(`profile ${cmd.id} already started on this thread`);
      sessions.set(cmd.id, await startThreadProfile(cmd.intervalUs));
      reply.postMessage({ type: 'profile-started', id: cmd.id, threadId } satisfies ControlReply);
    } else {
      const session = sessions.get(cmd.id);
      // A worker started after the capture began (a crashed one's
      // replacement) has no session: it says so rather than stay silent.
      if (session === undefined) throw new Error(`not profiling ${cmd.id} on this thread (started after the capture began?)`);
      sessions.delete(cmd.id);
      const profile = await stopThreadProfile(session);
      reply.postMessage({ type: 'profile', id: cmd.id, threadId, profile } satisfies ControlReply);
    }
  } catch (err) {
    reply.postMessage({ type: 'profile-error', id: cmd.id, threadId, phase, message: (err as Error)?.message ?? String(err) } satisfies ControlReply);
  }
}

function isCommand(data: unknown): data is ControlCommand {
  if (typeof data !== 'object' || data === null) return false;
  const { type, id } = data as { type?: unknown; id?: unknown };
  return (type === 'profile-start' || type === 'profile-stop') && typeof id === 'string';
}

let listening = false;

/** Starts listening for commands on the pool's control channel (once per thread). */
export function listenForControl(channel: string | undefined): void {
  if (listening || typeof channel !== 'string' || channel === '') return;
  listening = true;
  const commands = new BroadcastChannel(channel);
  const reply = new BroadcastChannel(replyChannelName(channel));
  // Neither channel may keep a worker alive: Piscina ends its threads itself.
  commands.unref();
  reply.unref();
  commands.onmessage = (event) => {
    const data = (event as { data?: unknown }).data;
    if (isCommand(data)) void handle(data, reply);
  };
}

// Test helpers for the remote placement: a real redis-server per test file
// (127.0.0.1, a free port, no persistence) and real `hotpath worker`
// processes (the built CLI). Without redis-server these tests are skipped
// and reported in one line (global-setup.ts); HOTPATH_REQUIRE_REDIS=1 makes
// them run, and fail, instead.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { describe } from 'vitest';
import { freePort } from '../../bench/suites/remote.js';
import { DEFAULT_PREFIX } from '../../src/remote/protocol.js';

const found = spawnSync('/bin/sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
export const REDIS_SERVER: string | undefined = found.status === 0 ? found.stdout.trim() : undefined;
export const REQUIRE_REDIS = process.env.HOTPATH_REQUIRE_REDIS === '1';
/** describe, or describe.skip when redis-server is missing and not required. */
export function describeRedis(name: string, body: () => void): void {
  (REDIS_SERVER !== undefined || REQUIRE_REDIS ? describe : describe.skip)(name, body);
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export { freePort };
export const CLI = `${ROOT}dist/src/cli/hotpath.js`;
export const COLLATZ = `${ROOT}test/fixtures/kernels/collatz.mjs`;


/** Resolves when `proc`'s output has a line matching `pattern`; rejects if it exits first or after `ms`. */
function waitFor(proc: ChildProcess, lines: string[], pattern: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const hit = lines.find((l) => pattern.test(l));
    if (hit !== undefined) return resolve(hit);
    const timer = setTimeout(() => done(new Error(`no ${pattern} within ${ms} ms:\n${lines.join('\n')}`)), ms);
    const onLine = (line: string): void => {
      if (pattern.test(line)) done(undefined, line);
    };
    const onExit = (code: number | null): void => done(new Error(`exited (${code}) before ${pattern}:\n${lines.join('\n')}`));
    const done = (err?: Error, line?: string): void => {
      clearTimeout(timer);
      proc.off('line', onLine);
      proc.off('exit', onExit);
      if (err) reject(err);
      else resolve(line!);
    };
    proc.on('line', onLine);
    proc.once('exit', onExit);
  });
}

function collectLines(proc: ChildProcess): string[] {
  const lines: string[] = [];
  for (const stream of [proc.stdout, proc.stderr]) {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      for (const l of parts) {
        lines.push(l);
        proc.emit('line', l);
      }
    });
  }
  return lines;
}

export interface RedisServer {
  port: number;
  url: string;
  stop(): Promise<void>;
  /** Stops it and starts a new, empty one on the same port. */
  restart(): Promise<void>;
  proc: ChildProcess;
}

export async function startRedis(): Promise<RedisServer> {
  if (REDIS_SERVER === undefined) throw new Error('redis-server is not installed (apt-get install redis-server); HOTPATH_REQUIRE_REDIS=1 requires it');
  const port = await freePort();
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    proc: undefined as unknown as ChildProcess,
    async stop() {
      const p = server.proc;
      if (p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await exited;
    },
    async restart() {
      await server.stop();
      await launch();
    },
  };
  const launch = async (): Promise<void> => {
    const proc = spawn(REDIS_SERVER!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = collectLines(proc);
    server.proc = proc;
    await waitFor(proc, lines, /Ready to accept connections/, 10_000);
  };
  await launch();
  return server;
}

export interface WorkerProcess {
  proc: ChildProcess;
  lines: string[];
  /** Its /metrics and /healthz port. */
  port: number;
  exited: Promise<number | null>;
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
}

/** `hotpath worker` serving the collatz fixture, ready to take jobs. */
export async function startWorkerProcess(url: string, extra: string[] = []): Promise<WorkerProcess> {
  const proc = spawn(process.execPath, [CLI, 'worker', '--redis', url, '--kernels', COLLATZ, '--metrics-port', '0', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = collectLines(proc);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const ready = await waitFor(proc, lines, /"msg":"worker ready"/, 20_000);
  return { proc, lines, port: JSON.parse(ready).metricsPort as number, exited, waitFor: (p, ms = 10_000) => waitFor(proc, lines, p, ms) };
}

/**
 * A BullMQ handle on a kernel's queue, as the workers see it: tests read job
 * states from it (getActiveCount: jobs a worker holds; getWaitingCount: jobs
 * no worker took yet) to wait for a state rather than for a time. Close it.
 */
export async function jobQueue(server: RedisServer, kernel: string): Promise<Queue> {
  const queue = new Queue(kernel, { connection: { host: '127.0.0.1', port: server.port }, prefix: DEFAULT_PREFIX });
  // While a test restarts or freezes Redis it reconnects on its own.
  queue.on('error', () => {});
  await queue.waitUntilReady();
  return queue;
}

export async function stopWorkerProcess(w: WorkerProcess | undefined): Promise<void> {
  if (w === undefined || w.proc.exitCode !== null || w.proc.signalCode !== null) return;
  w.proc.kill('SIGKILL');
  await w.exited;
}

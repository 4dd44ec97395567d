// Suite `remote`: the remote placement against a local worker thread, same
// kernel, same input. The suite starts its own redis-server (127.0.0.1, a
// free port, no persistence) and one `hotpath worker --threads 1` child
// process, and a pool with `remote: { redis }` and one thread. echo and
// toplist of 4 KB (a Uint32Array of 1024 events, k 10; echo gets the same
// input and returns it) at `ts-worker` and at `remote`, each at 1 in flight
// (round trip p50/p99) and at 16 in flight (ops/s), cases interleaved within
// each round. The ratios are the per-task overhead: remote - local p50,
// round by round, and remote / local ops/s. Without redis-server the suite
// is skipped (HOTPATH_REQUIRE_REDIS=1: failed), as the remote tests are.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createPool, type Pool } from '../../src/pool/pool.js';
import { REMOTE_PLACEMENT } from '../../src/pool/types.js';
import { drive, type DriveResult } from '../lib/drive.js';
import { ratio, skipped, type CaseResult, type Ratio, type SuiteOutcome } from '../lib/results.js';
import { median, metric, noisy } from '../lib/stats.js';
import type { Suite, SuiteContext } from '../lib/suite.js';

const cli = fileURLToPath(new URL('../../src/cli/hotpath.js', import.meta.url));
const DEPTH = 16;
/** 1024 events (4 KB) over 256 ids, as the pool suite's 'toplist 4 KB'; each call gets its own copy. */
const EVENTS_4KB = Uint32Array.from({ length: 1024 }, (_, i) => Math.imul(i, 2654435761) >>> 24);
const K = 10;
const INPUT = '4 KB (Uint32Array(1024), k 10)';

const WORKLOADS = [
  { slug: 'echo', name: 'echo', kernel: 'echo' },
  { slug: 'toplist-4kb', name: 'toplist', kernel: 'toplist' },
] as const;
type Workload = (typeof WORKLOADS)[number];
const SIDES = [
  { slug: 'local', placement: 'ts-worker' },
  { slug: 'remote', placement: REMOTE_PLACEMENT },
] as const;
type Side = (typeof SIDES)[number];

function redisServer(): string | undefined {
  const found = spawnSync('/bin/sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() !== '' ? found.stdout.trim() : undefined;
}

/** A free TCP port on 127.0.0.1 (the tests' redis-servers take theirs here too). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Child {
  proc: ChildProcess;
  exited: Promise<unknown>;
  /** The last lines of its output, for an error message. */
  tail: string[];
}

/** Spawns `cmd` and resolves once a line of its output matches `ready`; rejects if it exits first or after `ms`. */
async function startChild(what: string, cmd: string, args: string[], ready: RegExp, ms: number, started: Child[]): Promise<Child> {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // 'error' without 'exit' when it could not be spawned at all.
  const exited = new Promise((resolve) => {
    proc.once('exit', resolve);
    proc.once('error', resolve);
  });
  const child: Child = { proc, exited, tail: [] };
  started.push(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: not ready within ${ms} ms:\n${child.tail.join('\n')}`)), ms);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${String(proc.exitCode ?? proc.signalCode)}) before it was ready:\n${child.tail.join('\n')}`));
    });
    proc.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // Read every line to the end (a full pipe would stall the child); keep the last few.
    for (const stream of [proc.stdout!, proc.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        child.tail.push(line);
        if (child.tail.length > 20) child.tail.shift();
        if (ready.test(line)) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
  return child;
}

/** SIGTERM (the worker drains and exits), SIGKILL after `graceMs`. */
async function stopChild(c: Child, graceMs: number): Promise<void> {
  if (c.proc.pid === undefined || c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  c.proc.kill(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  const timer = setTimeout(() => c.proc.kill('SIGKILL'), graceMs);
  await c.exited;
  clearTimeout(timer);
}

function submitter(pool: Pool, w: Workload, side: Side): () => Promise<unknown> {
  // A deadline on remote calls only: a worker that died must not hang the bench.
  const opts = side.placement === REMOTE_PLACEMENT ? { placement: side.placement, deadlineMs: 10_000 } : { placement: side.placement };
  return () => pool.run(w.kernel, { events: EVENTS_4KB.slice(), k: K }, opts);
}

async function run(ctx: SuiteContext): Promise<SuiteOutcome> {
  const { windowMs, warmupMs } = ctx.profile.remote;
  const rounds = ctx.profile.rounds;
  const required = process.env.HOTPATH_REQUIRE_REDIS === '1';
  const params = { threads: 1, workerThreads: 1, input: INPUT, depths: [1, DEPTH], windowMs, warmupMs, rounds };
  const server = redisServer();
  if (server === undefined) {
    const reason = 'redis-server is not installed (apt-get install redis-server)';
    if (required) return { ...skipped(`${reason}; HOTPATH_REQUIRE_REDIS=1 requires it`, params), status: 'failed' };
    return skipped(reason, params);
  }
  if (!existsSync(cli)) return skipped('hotpath is not built (no dist/src/cli/hotpath.js: run npm run build)', params);

  const started: Child[] = [];
  // Should the bench process exit without the finally below (an uncaught
  // error elsewhere), take the children with it.
  const killAll = () => {
    for (const c of started) c.proc.kill('SIGKILL');
  };
  process.once('exit', killAll);
  let pool: Pool | undefined;
  try {
    ctx.progress.begin('remote', 2 + WORKLOADS.length * SIDES.length * (rounds + 1));
    const port = await freePort();
    const redis = `redis://127.0.0.1:${port}`;
    await startChild('redis-server', server, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      /Ready to accept connections/, 10_000, started);
    ctx.progress.step(`redis-server on port ${port}`);
    await startChild('hotpath worker', process.execPath, [cli, 'worker', '--redis', redis, '--threads', '1'], /"msg":"worker ready"/, 30_000, started);
    ctx.progress.step('hotpath worker ready');
    pool = await createPool({ threads: 1, remote: { redis } });

    // Warm-up: JIT tiers, the worker's first jobs, BullMQ's scripts loaded.
    for (const w of WORKLOADS) {
      for (const side of SIDES) {
        await drive(submitter(pool, w, side), 1, warmupMs / 2);
        await drive(submitter(pool, w, side), DEPTH, warmupMs / 2);
        ctx.progress.step(`warm-up ${w.name} ${side.slug}`);
      }
    }
    const lone = new Map<string, DriveResult[]>();
    const loaded = new Map<string, DriveResult[]>();
    const push = (m: Map<string, DriveResult[]>, key: string, r: DriveResult) => m.set(key, [...(m.get(key) ?? []), r]);
    for (let r = 0; r < rounds; r++) {
      for (const w of WORKLOADS) {
        for (const side of SIDES) {
          const key = `${w.slug}|${side.slug}`;
          const one = await drive(submitter(pool, w, side), 1, windowMs);
          const many = await drive(submitter(pool, w, side), DEPTH, windowMs);
          push(lone, key, one);
          push(loaded, key, many);
          ctx.progress.step(`round ${r + 1}/${rounds} ${w.name} ${side.slug}`, `p50 ${(one.p50Us / 1000).toFixed(2)} ms, ${many.opsPerSec.toFixed(0)} ops/s`);
        }
      }
    }

    const cases: CaseResult[] = [];
    const ratios: Ratio[] = [];
    for (const w of WORKLOADS) {
      for (const side of SIDES) {
        const key = `${w.slug}|${side.slug}`;
        const metrics: CaseResult['metrics'] = {
          p50: metric(lone.get(key)!.map((x) => x.p50Us / 1000), 'ms', 'lower'),
          p99: metric(lone.get(key)!.map((x) => x.p99Us / 1000), 'ms', 'lower'),
          'ops/s': metric(loaded.get(key)!.map((x) => x.opsPerSec), 'ops/s', 'higher'),
        };
        cases.push({
          id: `remote/${w.slug}/${side.slug}`,
          labels: { workload: w.name, input: INPUT, placement: side.placement, where: side.slug, inflight: `1 (p50, p99), ${DEPTH} (ops/s)` },
          metrics, primary: 'p50', noisy: noisy(metrics.p50),
        });
      }
      // Round by round: the same round's neighbours weigh on both sides.
      const l1 = lone.get(`${w.slug}|local`)!;
      const r1 = lone.get(`${w.slug}|remote`)!;
      const lN = loaded.get(`${w.slug}|local`)!;
      const rN = loaded.get(`${w.slug}|remote`)!;
      ratios.push(ratio(`${w.name} 4 KB: remote - local p50 (ms per task)`, median(r1.map((x, i) => (x.p50Us - l1[i].p50Us) / 1000))));
      ratios.push(ratio(`${w.name} 4 KB: remote / local ops/s, ${DEPTH} in flight`, median(rN.map((x, i) => x.opsPerSec / lN[i].opsPerSec))));
    }
    return { status: 'ok', params, cases, verdicts: [], ratios };
  } finally {
    await pool?.close().catch(() => undefined);
    // The worker first (SIGTERM: it closes its BullMQ connections), then Redis.
    const [redisChild, workerChild] = started;
    if (workerChild !== undefined) await stopChild(workerChild, 3_000);
    if (redisChild !== undefined) await stopChild(redisChild, 0);
    process.off('exit', killAll);
  }
}

export const remoteSuite: Suite = { name: 'remote', title: 'Remote: the remote placement (Redis, one hotpath worker) against a local worker', run };

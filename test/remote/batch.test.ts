// `hotpath batch toplist` against a brute-force count, with the worker that
// holds a part SIGKILLed mid-batch: its part runs again on another worker and
// the merged top list is still exact.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeTop, partition, partOf } from '../../src/remote/batch.js';
import { CLI, describeRedis, startRedis, startWorkerProcess, stopWorkerProcess, type RedisServer, type WorkerProcess } from './redis.js';

const FAST_RECOVERY = ['--threads', '1', '--lock-duration-ms', '1000', '--stalled-interval-ms', '500'];

/** Skewed play events (a few hot tracks, a long tail with many ties), from a fixed seed. */
function events(n: number, tracks: number, seed = 7): Uint32Array {
  let s = seed;
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const r = s / 2 ** 32;
    out[i] = (Math.floor(tracks * r * r * r) * 2654435761) >>> 0; // spread ids over uint32
  }
  return out;
}

function bruteForce(ev: Uint32Array, k: number): { id: number; count: number }[] {
  const counts = new Map<number, number>();
  for (const id of ev) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts].map(([id, count]) => ({ id, count })).sort((a, b) => b.count - a.count || a.id - b.id).slice(0, k);
}

describe('batch toplist parts', () => {
  it('puts every play of a track in one part, and merging the parts\' top k gives the exact top k', () => {
    const ev = events(200_000, 5_000);
    const parts = partition(ev, 7);
    expect(parts.reduce((n, p) => n + p.length, 0)).toBe(ev.length);
    parts.forEach((p, i) => expect(p.every((id) => partOf(id, 7) === i)).toBe(true));
    for (const k of [1, 10, 333, 10_000]) {
      const tops = parts.map((p) => bruteForce(p, k));
      expect(mergeTop(tops, k)).toEqual(bruteForce(ev, k));
    }
  });
});

describeRedis('hotpath batch toplist (redis-server + hotpath workers)', () => {
  let redis: RedisServer;
  const workers: WorkerProcess[] = [];
  let dir: string;

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'hotpath-batch-'));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopWorkerProcess(w)));
    await redis?.stop();
  });

  it('is exact against a brute-force count with a worker SIGKILLed mid-batch', async () => {
    const ev = events(6_400_000, 200_000);
    const file = join(dir, 'events.u32');
    const bytes = Buffer.alloc(ev.length * 4);
    ev.forEach((id, i) => bytes.writeUInt32LE(id, i * 4));
    writeFileSync(file, bytes);
    const expected = bruteForce(ev, 50);

    const victim = await startWorkerProcess(redis.url, FAST_RECOVERY);
    workers.push(victim);
    const batch = spawn(process.execPath, [CLI, 'batch', 'toplist', '--events', file, '--k', '50', '--partitions', '32', '--redis', redis.url, '--progress'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    batch.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const firstPart = new Promise<void>((resolve) => batch.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (/ 1\/32 parts/.test(err)) resolve();
    }));
    const exited = new Promise<number | null>((resolve) => batch.once('exit', resolve));
    await firstPart;
    // The victim holds its next part now (BullMQ hands it over as the last one finishes): kill it, start another.
    victim.proc.kill('SIGKILL');
    const survivor = await startWorkerProcess(redis.url, FAST_RECOVERY);
    workers.push(survivor);
    expect(await exited, err).toBe(0);
    expect(JSON.parse(out)).toEqual({ items: expected });
    expect(err).toMatch(/32\/32 parts/);
    expect(survivor.lines.some((l) => l.includes('job stalled'))).toBe(true);
  }, 40_000);
});

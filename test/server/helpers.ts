// Shared set-up for the server tests: a small catalog, a one-thread pool, the
// real app (real Fastify, real prom-client), WAV bytes made by wavefile.
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import wavefile from 'wavefile';
import { syntheticCatalog } from '../../src/catalog/synthetic.js';
import type { Catalog } from '../../src/catalog/catalog.js';
import { createPool, type Pool } from '../../src/pool/pool.js';
import type { PoolOptions } from '../../src/pool/types.js';
import { buildApp } from '../../src/server/app.js';

export const ITEMS = 2000;
export const DIMS = 16;

export interface Harness {
  app: FastifyInstance;
  pool: Pool;
  catalog: Catalog;
  /** Parsed JSON log lines written so far. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function harness(
  options: Partial<PoolOptions> = {}, app_: { debugProfile?: boolean; requestTimeoutMs?: number; catalog?: Catalog } = {},
): Promise<Harness> {
  const catalog = app_.catalog ?? syntheticCatalog({ items: ITEMS, dims: DIMS, seed: 7 });
  const pool = await createPool({ catalog, threads: 1, ...options });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.length > 0) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const app = buildApp({ pool, catalog, logger: pino({ level: 'info' }, sink), debugProfile: app_.debugProfile, requestTimeoutMs: app_.requestTimeoutMs });
  await app.ready();
  return {
    app, pool, catalog, logs,
    async close() {
      await app.close();
      await pool.close();
    },
  };
}

export function errorOf(res: LightMyRequestResponse): { code: string; message: string } {
  return (res.json() as { error: { code: string; message: string } }).error;
}

/** A WAV file's bytes. `bitDepth` is wavefile's code: '8', '16', '24', '32f', ... */
export function wavBytes(channels: ArrayLike<number>[], sampleRate: number, bitDepth = '16', container?: 'RIFX'): Buffer {
  const w = new wavefile.WaveFile();
  const samples = channels.length === 1 ? channels[0] : channels;
  w.fromScratch(channels.length, sampleRate, bitDepth, samples as number[], container ? { container } : undefined);
  return Buffer.from(w.toBuffer());
}

/** Deterministic int16 "audio": a few tones and some noise. */
export function int16Tone(length: number, seed: number): Int16Array {
  const out = new Int16Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const noise = (s / 2 ** 32 - 0.5) * 600;
    const v = 6000 * Math.sin((2 * Math.PI * 440 * i) / 16000) + 4000 * Math.sin((2 * Math.PI * (700 + (i >> 12) * 40) * i) / 16000) + noise;
    out[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return out;
}

/** Little-endian bytes of a typed array (a copy that owns its buffer). */
export function leBytes(a: Float32Array | Uint32Array): Buffer {
  return Buffer.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice());
}

/** A harness listening on an ephemeral port of 127.0.0.1, and its port. */
export async function listening(...args: Parameters<typeof harness>): Promise<Harness & { port: number }> {
  const h = await harness(...args);
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  return Object.assign(h, { port: (h.app.server.address() as { port: number }).port });
}

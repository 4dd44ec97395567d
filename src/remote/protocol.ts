// What the caller's pool and `hotpath worker` agree on: queue and key names,
// the job's data and return value, and how BullMQ is loaded (an optional
// peer: only a pool with `remote` or `hotpath worker` imports it).
import { HotpathError, type WireError } from '../errors.js';

/** One BullMQ queue per kernel, `${prefix}:${kernel}:*` keys; cancels go out on `${prefix}:cancel`. */
export const DEFAULT_PREFIX = 'hotpath';
/** Encoded inputs and results up to this many bytes travel inside the job (base64); larger ones in a key of their own. */
export const DEFAULT_INLINE_BYTES = 16 * 1024;
/** How long an input or result key outlives its job at most (a caller or worker that died leaves it behind). */
export const DEFAULT_PAYLOAD_TTL_MS = 60 * 60 * 1000;

/** An encoded payload: inline (base64) or the key holding its bytes. */
export type Payload = { b: string } | { k: string };

/** A job's data. */
export interface JobData {
  /** The input (codec.ts), not yet validated on the worker's side. */
  i: Payload;
  /** Absolute deadline, ms since the epoch on the caller's clock. */
  d?: number;
}

/** A job's return value: the result, or the error the caller gets (kernel errors are answers, not retries). */
export interface JobReturn {
  r?: Payload;
  e?: WireError;
  /** Kernel run time on the worker, ms. */
  ms: number;
}

export const cancelChannel = (prefix: string): string => `${prefix}:cancel`;
export const inputKey = (prefix: string, kernel: string, jobId: string): string => `${prefix}:${kernel}:in:${jobId}`;
export const resultKey = (prefix: string, kernel: string, jobId: string): string => `${prefix}:${kernel}:out:${jobId}`;
export const eventsKey = (prefix: string, kernel: string): string => `${prefix}:${kernel}:events`;

export interface RedisTarget {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
}

/** redis://[user:pass@]host[:port][/db] as ioredis options. */
export function parseRedisUrl(url: unknown): RedisTarget {
  let u: URL;
  try {
    u = new URL(String(url));
  } catch {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `remote.redis must be a redis://host:port URL, got ${String(url)}`);
  }
  if (u.protocol !== 'redis:') throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `remote.redis must be a redis:// URL, got ${String(url)}`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined;
  if (db !== undefined && !(Number.isInteger(db) && db >= 0)) throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `bad Redis database in ${String(url)}`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: u.port === '' ? 6379 : Number(u.port),
    ...(u.username !== '' ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password !== '' ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== undefined ? { db } : {}),
  };
}

export type BullMQ = typeof import('bullmq');

/** bullmq, imported on first use; HP_ERR_REMOTE_UNAVAILABLE saying what to install when it is missing. */
export async function loadBullmq(): Promise<BullMQ> {
  try {
    return await import('bullmq');
  } catch (err) {
    if ((err as { code?: string })?.code === 'ERR_MODULE_NOT_FOUND' && /bullmq/.test((err as Error).message)) {
      throw new HotpathError('HP_ERR_REMOTE_UNAVAILABLE',
        "the remote placement and `hotpath worker` need the package 'bullmq', an optional peer dependency of hotpath: npm install bullmq", { cause: err });
    }
    throw err;
  }
}

export function toPayloadSync(buf: Buffer, inlineBytes: number, key: string): { payload: Payload; store: Buffer | undefined } {
  return buf.length <= inlineBytes ? { payload: { b: buf.toString('base64') }, store: undefined } : { payload: { k: key }, store: buf };
}

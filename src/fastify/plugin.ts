// hotpath/fastify: embeds a pool in a Fastify app. `app.hotpath` is the
// pool; a HotpathError or KernelError thrown from a route answers with its
// status and `{"error":{"code","message"}}` (503s with Retry-After); the
// pool's metrics join a prom-client registry; app.close() drains the pool.
// Fastify and prom-client are the app's own: this module imports only their
// types and loads prom-client when metrics are on.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { HotpathError, KernelError } from '../errors.js';
import type { Pool } from '../pool/pool.js';

export interface HotpathPluginOptions {
  /** The pool: `app.hotpath`. */
  pool: Pool;
  /**
   * Where the pool's metrics go: a prom-client Registry, true for
   * prom-client's default registry, false for none. Default: the default
   * registry when prom-client is installed, else none.
   */
  metrics?: Registry | boolean;
  /** Close the pool (finishing what it accepted) on app.close(). Default true. */
  closePool?: boolean;
  /**
   * Answer HotpathError and KernelError from routes (the app's own handler
   * gets everything else). False for an app whose error handler answers
   * them itself, with replyWithError(). Default true.
   */
  errorHandler?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    hotpath: Pool;
  }
}

/** The JSON error body every hotpath answer uses. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** Seconds a client should wait before retrying a 503: the pool's expected wait, rounded up, at least 1. */
export function retryAfterSeconds(err: HotpathError, pool: Pool): number {
  let expectedMs = Number(err.details?.expectedMs);
  if (!Number.isFinite(expectedMs)) {
    // Queue full: the queue drains `threads` tasks at a time, each taking
    // about the mean run time measured so far.
    const stats = pool.stats();
    let runs = 0;
    let runMs = 0;
    for (const k of stats.kernels) {
      runs += k.run.count;
      runMs += k.run.mean * k.run.count;
    }
    expectedMs = runs === 0 ? 0 : (stats.queueDepth / stats.threads) * (runMs / runs);
  }
  return Math.max(1, Math.ceil(expectedMs / 1000));
}

/**
 * Answers `err` if it is hotpath's or a kernel's: its status, its body, and
 * Retry-After on a 503. Returns false for anything else (left to the app).
 */
export function replyWithError(err: unknown, reply: FastifyReply, pool: Pool): boolean {
  if (!(err instanceof HotpathError) && !(err instanceof KernelError)) return false;
  if (err instanceof HotpathError && err.status === 503) void reply.header('retry-after', String(retryAfterSeconds(err, pool)));
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  void reply.code(err.status).send(body);
  return true;
}

/**
 * The registry the pool's metrics go to. A registry passed in is used as it
 * is; by default prom-client's global one, when the app has prom-client
 * installed (it is an optional peer: without it, no metrics).
 */
async function metricsRegistry(option: Registry | boolean | undefined): Promise<Registry | undefined> {
  if (option === false) return undefined;
  if (option !== undefined && option !== true) return option;
  try {
    return (await import('prom-client')).register;
  } catch (err) {
    if (option === undefined && (err as { code?: string })?.code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

/** The plugin's error handler: ours and kernels' errors, the rest to the handler the app had. */
function answerErrors(app: FastifyInstance, pool: Pool): void {
  const previous = app.errorHandler;
  app.setErrorHandler(function hotpathErrors(this: FastifyInstance, err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    if (replyWithError(err, reply, pool)) {
      // Logged once, with its code: a 4xx is the caller's mistake, a 5xx worth a look.
      const status = (err as unknown as { status: number }).status;
      request.log[status >= 500 ? 'warn' : 'info']({ code: err.code, status, url: request.url }, err.message);
      return;
    }
    return previous.call(this, err, request, reply);
  });
}

async function hotpath(app: FastifyInstance, options: HotpathPluginOptions): Promise<void> {
  const { pool } = options;
  if (typeof pool?.run !== 'function' || typeof pool.close !== 'function') {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'hotpath/fastify: pass { pool } from createPool()');
  }
  app.decorate('hotpath', pool);

  if (options.errorHandler ?? true) answerErrors(app, pool);
  const registry = await metricsRegistry(options.metrics);
  if (registry !== undefined) {
    const { poolMetrics } = await import('../metrics/prometheus.js');
    const stop = poolMetrics(pool, registry);
    app.addHook('onClose', async () => stop());
  }
  if (options.closePool ?? true) app.addHook('onClose', async () => pool.close());
}

// What fastify-plugin does: no encapsulation, so `app.hotpath` and the error
// handler reach the routes registered beside the plugin.
Object.assign(hotpath, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'hotpath' });

export default hotpath;
export { hotpath };

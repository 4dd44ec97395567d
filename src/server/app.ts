// buildApp: the Fastify app, built and never listening (tests use inject();
// main.ts listens). One plugin per route group. The pool and the catalog come
// from the caller, who owns them and closes them.
//
// Validation decisions (docs/http.md): nothing is coerced ("10" is not 10:
// Ajv's default coerceTypes is off), and unknown fields are refused with a
// 400 rather than stripped (Ajv's default removeAdditional is off), because
// a misspelt "itemid" or "K" silently ignored would hide a client's mistake.
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { pino, type Logger } from 'pino';
import type { Catalog } from '../catalog/catalog.js';
import type { Pool } from '../pool/pool.js';
import { LIMITS } from './body.js';
import { clientErrorHandler, errorHandler, expectationFailed, frameworkErrorHandler, httpError, notFoundHandler } from './errors.js';
import hotpath from '../fastify/plugin.js';
import { createMetrics, type ServerMetrics } from './metrics.js';
import { debugRoutes } from './routes/debug.js';
import { fingerprintRoutes } from './routes/fingerprint.js';
import { healthRoutes } from './routes/health.js';
import { itemRoutes } from './routes/items.js';
import { metricsRoutes } from './routes/metrics.js';
import { recommendRoutes } from './routes/recommend.js';
import { toplistRoutes } from './routes/toplist.js';

export interface AppOptions {
  pool: Pool;
  catalog: Catalog;
  /** A pino logger. Default: info level on stdout. Tests pass a silent one, or one writing to a stream they read. */
  logger?: Logger;
  /** Answer POST /debug/profile (otherwise 403 HP_ERR_PROFILING_DISABLED). Default false. */
  debugProfile?: boolean;
  /**
   * Time a client has to send a whole request (line, headers and body), ms;
   * past it the answer is 408 HP_ERR_REQUEST_TIMEOUT. Default 30000
   * (DEFAULT_REQUEST_TIMEOUT_MS).
   */
  requestTimeoutMs?: number;
}

/** Default bound on receiving a whole request (docs/http.md). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;


/** Readiness, flipped by main.ts: /readyz answers 503 unless ready and not draining. */
export interface ServiceState {
  ready: boolean;
  draining: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The reference service's own state (`app.hotpath` is the pool: hotpath/fastify). */
    service: { catalog: Catalog; metrics: ServerMetrics; state: ServiceState };
  }
}

// A client's x-request-id is kept when it is a plausible id (it ends up in
// log lines and a response header), else we make one.
const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

// Fastify logs every request twice at info ("incoming request", "request
// completed"), which halves throughput. Here they go to debug
// (LOG_LEVEL=debug shows them); errors are logged once, with their code, in errors.ts.
class RequestLogAtDebug extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ method: request.method, url: request.url }, 'incoming request');
  }

  override requestCompleted(_err: unknown, request: FastifyRequest, reply: FastifyReply): void {
    request.log.debug({ status: reply.statusCode, ms: reply.elapsedTime }, 'request completed');
  }
}

export function buildApp(options: AppOptions): FastifyInstance {
  const { pool, catalog } = options;
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const app = Fastify({
    loggerInstance: (options.logger ?? pino({ level: 'info' })) as FastifyBaseLogger,
    logController: new RequestLogAtDebug(),
    genReqId: (req) => {
      const id = req.headers['x-request-id'];
      return typeof id === 'string' && REQUEST_ID.test(id) ? id : randomUUID();
    },
    bodyLimit: LIMITS.recommend,
    // Draining is ours (main.ts): Fastify's own 503 while closing has another body shape.
    return503OnClosing: false,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false } },
    // Slow clients: Node checks its open connections every
    // connectionsCheckingInterval and ends, with a 408 from clientErrorHandler,
    // those whose request (headers, then body) has taken over requestTimeout.
    // Fastify's default is no limit, Node's a headers-only 60 s checked every 30 s.
    requestTimeout,
    http: {
      requestTimeout,
      headersTimeout: requestTimeout,
      connectionsCheckingInterval: Math.min(1000, Math.max(10, Math.round(requestTimeout / 10))),
      // Node answers a missing Host with a bare 400; the onRequest hook below answers it in our shape.
      requireHostHeader: false,
    },
    clientErrorHandler,
    frameworkErrors: frameworkErrorHandler,
  });
  app.server.on('checkExpectation', expectationFailed);
  const metrics = createMetrics();
  // The pool comes in as a user's app embeds it: app.hotpath, its metrics in
  // the service's registry. Errors go to the service's own handler (it
  // answers every code, ours and Fastify's, in the contract's shape), and
  // main.ts closes the pool itself, after the drain.
  void app.register(hotpath, { pool, metrics: metrics.registry, closePool: false, errorHandler: false });
  app.decorate('service', { catalog, metrics, state: { ready: true, draining: false } });
  app.setErrorHandler(errorHandler(pool));
  app.setNotFoundHandler(notFoundHandler);

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (request.headers.host === undefined && request.raw.httpVersion === '1.1') {
      throw httpError('HP_ERR_BAD_HTTP', 'an HTTP/1.1 request must have a Host header (RFC 9112, section 3.2)');
    }
    // Bodies are read as sent: a compressed one would be parsed as garbage (RFC 9110, section 8.4.1: 415).
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      throw httpError('HP_ERR_UNSUPPORTED_MEDIA_TYPE', `content-encoding '${encoding.slice(0, 40)}' is not supported: send the body uncompressed`);
    }
  });
  app.addHook('onSend', async (_request, reply) => {
    // Draining: every response closes its connection, so a keep-alive client
    // cannot hold the process open (Fastify leaves such sockets for 72 s).
    if (app.service.state.draining) void reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.request(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });

  void app.register(healthRoutes);
  void app.register(metricsRoutes);
  void app.register(itemRoutes);
  void app.register(recommendRoutes);
  void app.register(fingerprintRoutes);
  void app.register(toplistRoutes);
  void app.register(debugRoutes(options.debugProfile ?? false));
  return app;
}

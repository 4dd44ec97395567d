// Liveness and readiness. Both are answered on the event loop from memory,
// never through the pool, so they are never queued behind compute (with an
// inline placement the loop itself is busy: bench:http measures that).
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../errors.js';

const status = { type: 'object', properties: { status: { type: 'string' } } } as const;

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', { schema: { response: { 200: status } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const { state, catalog } = app.service;
    const pool = app.hotpath;
    if (!state.ready || state.draining) {
      return reply.code(503).send(errorBody('HP_ERR_NOT_READY', state.draining ? 'draining: not taking new work' : 'starting'));
    }
    return { status: 'ready', threads: pool.threads, catalog: { items: catalog.items, dims: catalog.dims, source: catalog.source } };
  });
}

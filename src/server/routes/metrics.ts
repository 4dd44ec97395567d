// GET /metrics: Prometheus text format (prom-client), pool metrics read at scrape time.
import type { FastifyInstance } from 'fastify';

export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/metrics', async (_request, reply) => {
    const { registry } = app.service.metrics;
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}

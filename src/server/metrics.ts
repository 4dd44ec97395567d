// The reference service's registry: process and Node metrics and HTTP
// response times by route; hotpath/fastify adds the pool's (src/metrics/).
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { BUCKETS } from '../metrics/prometheus.js';

export interface ServerMetrics {
  readonly registry: Registry;
  /** Records an HTTP response (route pattern, not the raw URL: bounded label values). */
  request(method: string, route: string, status: number, seconds: number): void;
}

export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  // Process and Node metrics, event-loop delay included (nodejs_eventloop_lag_*,
  // sampled every 10 ms by monitorEventLoopDelay: no timer on our loop).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const http = new Histogram({
    name: 'hotpath_http_request_duration_seconds', help: 'HTTP response time by route and status',
    labelNames: ['method', 'route', 'status'], buckets: BUCKETS, registers: [registry],
  });
  return {
    registry,
    request(method, route, status, seconds) {
      http.observe({ method, route, status: String(status) }, seconds);
    },
  };
}

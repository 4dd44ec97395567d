// Prometheus metrics with prom-client. Names are a contract (DESIGN.md,
// "Service contract"): dashboards are written against them.
//
// Per-task histograms are observed by the routes from each result's timing,
// so the pool never imports the server (layering: server -> pool). Counts and
// gauges are read from pool.stats() when Prometheus scrapes, in collect():
// the pool's own bookkeeping is the one source of truth for outcomes (it sees
// the rejections and timeouts that never return a timing). pool.stats() is
// cheap (HDR histograms, no sample arrays); one snapshot serves a scrape.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Pool } from '../pool/pool.js';
import type { Outcome, PoolStats, Timing } from '../pool/types.js';

const OUTCOMES: readonly Outcome[] = ['ok', 'error', 'aborted', 'timeout', 'rejected'];

// Seconds. Queue waits run from ~50 µs (an idle worker) to seconds (a full
// queue); kernel runs from ~0.3 ms (topk 20k x 128 native) to ~1 s (a long
// fingerprint in TS). Powers of ~2.5 cover both with 14 buckets.
const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface ServerMetrics {
  readonly registry: Registry;
  /** Records a finished task's queue wait and run time. */
  observe(kernel: string, placement: string, timing: Timing): void;
  /** Records an HTTP response (route pattern, not the raw URL: bounded label values). */
  request(method: string, route: string, status: number, seconds: number): void;
}

export function createMetrics(pool: Pool): ServerMetrics {
  // One pool.stats() per scrape, not one per metric: every collect() below
  // runs within the same scrape, microseconds apart.
  let snapshot: PoolStats | undefined;
  let takenAt = 0;
  const stats = (): PoolStats => {
    const now = performance.now();
    if (snapshot === undefined || now - takenAt > 50) {
      snapshot = pool.stats();
      takenAt = now;
    }
    return snapshot;
  };
  const registry = new Registry();
  const registers = [registry];
  // Process and Node metrics, event-loop delay included (nodejs_eventloop_lag_*,
  // sampled every 10 ms by monitorEventLoopDelay: no timer on our loop).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });

  const wait = new Histogram({
    name: 'hotpath_task_wait_seconds', help: 'Time a task waited in the pool queue before its kernel started',
    labelNames: ['kernel', 'placement'], buckets: BUCKETS, registers,
  });
  const run = new Histogram({
    name: 'hotpath_task_run_seconds', help: 'Kernel run time of a task',
    labelNames: ['kernel', 'placement'], buckets: BUCKETS, registers,
  });
  new Counter({
    name: 'hotpath_tasks_total', help: 'Tasks by outcome: ok, error (bad input or kernel failure), aborted, timeout (deadline), rejected (queue full, deadline unmeetable, closed)',
    labelNames: ['kernel', 'placement', 'outcome'], registers,
    collect() {
      this.reset();
      for (const k of stats().kernels) {
        if (k.kernel === 'echo' || k.kernel === 'spin') continue; // the pool's diagnostics, not service work
        for (const outcome of OUTCOMES) this.inc({ kernel: k.kernel, placement: k.placement, outcome }, k.outcomes[outcome]);
      }
    },
  });
  new Gauge({
    name: 'hotpath_queue_depth', help: 'Tasks waiting for a worker', registers,
    collect() { this.set(stats().queueDepth); },
  });
  new Gauge({
    name: 'hotpath_tasks_in_flight', help: 'Tasks running in workers or on libuv threads', registers,
    collect() { this.set(stats().inFlight); },
  });
  new Gauge({
    name: 'hotpath_threads', help: 'Pool worker threads', registers,
    collect() { this.set(stats().threads); },
  });
  new Counter({
    name: 'hotpath_worker_restarts_total', help: 'Worker threads replaced after dying or ignoring a cancel', registers,
    collect() {
      this.reset();
      this.inc(stats().restarts);
    },
  });
  new Gauge({
    name: 'hotpath_pool_utilization', help: 'Busy worker time / (threads x wall time) since the pool started, 0..1', registers,
    collect() { this.set(stats().utilization); },
  });
  // The counter behind utilization: rate() of it gives a windowed utilization
  // (busy seconds per second, divide by hotpath_threads).
  new Counter({
    name: 'hotpath_pool_busy_seconds_total', help: 'Kernel run time in worker threads, seconds', registers,
    collect() {
      this.reset();
      this.inc(stats().busyMs / 1000);
    },
  });
  new Counter({
    name: 'hotpath_auto_choices_total', help: "Placements chosen by 'auto', per kernel", labelNames: ['kernel', 'placement'], registers,
    collect() {
      this.reset();
      for (const [kernel, chosen] of Object.entries(stats().auto ?? {})) {
        for (const [placement, n] of Object.entries(chosen)) this.inc({ kernel, placement }, n ?? 0);
      }
    },
  });
  // Batched dispatch: tasks / messages is the mean batch size (1 when idle).
  new Counter({
    name: 'hotpath_worker_messages_total', help: 'Messages sent to worker threads (each carries a batch of tasks)', registers,
    collect() {
      this.reset();
      this.inc(stats().batches.messages);
    },
  });
  new Counter({
    name: 'hotpath_worker_message_tasks_total', help: 'Tasks carried by messages to worker threads', registers,
    collect() {
      this.reset();
      this.inc(stats().batches.tasks);
    },
  });
  const http = new Histogram({
    name: 'hotpath_http_request_duration_seconds', help: 'HTTP response time by route and status',
    labelNames: ['method', 'route', 'status'], buckets: BUCKETS, registers,
  });

  return {
    registry,
    observe(kernel, placement, timing) {
      const labels = { kernel, placement };
      wait.observe(labels, timing.waitMs / 1000);
      run.observe(labels, timing.runMs / 1000);
    },
    request(method, route, status, seconds) {
      http.observe({ method, route, status: String(status) }, seconds);
    },
  };
}

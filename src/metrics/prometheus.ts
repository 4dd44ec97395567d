// The pool's Prometheus metrics, in any prom-client registry: the reference
// service's and, through hotpath/fastify, a user's app. Names are a contract
// (dashboards are written against them: docs/http.md).
//
// Wait and run histograms observe each task as it finishes (Pool.onTiming).
// Counts and gauges are read from pool.stats() when Prometheus scrapes, in
// collect(): the pool's own bookkeeping is the one source of truth for
// outcomes (it sees the rejections and timeouts that never return a timing).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Pool } from '../pool/pool.js';
import type { Outcome, PoolStats } from '../pool/types.js';

const OUTCOMES: readonly Outcome[] = ['ok', 'error', 'aborted', 'timeout', 'rejected'];

/** The pool's diagnostics (echo, spin) measure the pool, not a service's work. */
const DIAGNOSTIC = new Set(['echo', 'spin']);

// Seconds. Queue waits run from ~50 µs (an idle worker) to seconds (a full
// queue); kernel runs from ~0.3 ms (topk 20k x 128 native) to ~1 s (a long
// fingerprint in TS). Powers of ~2.5 cover both with 15 buckets.
export const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Registers the hotpath_* metrics of `pool` in `registry`. Returns a function
 * that stops observing the pool and removes them (an app closed and built
 * again in one process registers them afresh).
 */
export function poolMetrics(pool: Pool, registry: Registry): () => void {
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
  const registers = [registry];
  const before = new Set(registry.getMetricsAsArray().map((m) => m.name));
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
        if (DIAGNOSTIC.has(k.kernel)) continue;
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
  const names = registry.getMetricsAsArray().map((m) => m.name).filter((n) => !before.has(n));
  const stop = pool.onTiming((kernel, placement, waitMs, runMs) => {
    if (DIAGNOSTIC.has(kernel)) return;
    const labels = { kernel, placement };
    wait.observe(labels, waitMs / 1000);
    run.observe(labels, runMs / 1000);
  });
  return () => {
    stop();
    for (const name of names) registry.removeSingleMetric(name);
  };
}

// /metrics is Prometheus text (parsed by an independent parser, and checked
// line by line against the exposition format), with the contract's names.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
  for (let i = 0; i < 3; i++) {
    await h.app.inject({ method: 'POST', url: '/v1/recommend?placement=native-worker', headers: { 'content-type': 'application/json' }, payload: `{"itemId": ${i}}` });
  }
  await h.app.inject({ method: 'POST', url: '/v1/recommend?placement=ts-inline', headers: { 'content-type': 'application/json' }, payload: '{"itemId": 1}' });
  await h.app.inject({ method: 'POST', url: '/v1/toplist', headers: { 'content-type': 'application/json' }, payload: '{"events": [1, -1]}' });
});
afterAll(async () => {
  await h.close();
});

// Exposition format 0.0.4: a metric name, optional {label="value",...}, a float.
// NaN and Inf in any case: Prometheus reads values with Go's ParseFloat, which
// ignores case (prom-client writes "Nan" for an empty event-loop histogram).
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (-?[0-9.e+-]+|nan|[+-]inf)$/i;
const COMMENT = /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/;

describe('GET /metrics', () => {
  it('is Prometheus text format, every line well-formed and every sample typed', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const typed = new Set<string>();
    for (const line of res.body.split('\n').filter((l) => l.length > 0)) {
      if (line.startsWith('#')) {
        expect(line).toMatch(COMMENT);
        const m = /^# TYPE (\S+) /.exec(line);
        if (m) typed.add(m[1]);
        continue;
      }
      expect(line).toMatch(SAMPLE);
      const name = line.split(/[{ ]/)[0];
      const family = name.replace(/_(bucket|sum|count)$/, '');
      expect(typed.has(name) || typed.has(family)).toBe(true);
    }
    const families = parsePrometheusTextFormat(res.body);
    expect(families.length).toBeGreaterThan(20);
  });

  it('has the contract metrics with their types and labels, default Node metrics and event-loop delay', async () => {
    const families = parsePrometheusTextFormat((await h.app.inject({ method: 'GET', url: '/metrics' })).body);
    const byName = new Map(families.map((f) => [f.name, f]));
    const types: Record<string, string> = {
      hotpath_task_wait_seconds: 'HISTOGRAM', hotpath_task_run_seconds: 'HISTOGRAM', hotpath_tasks_total: 'COUNTER',
      hotpath_queue_depth: 'GAUGE', hotpath_tasks_in_flight: 'GAUGE', hotpath_threads: 'GAUGE',
      hotpath_worker_restarts_total: 'COUNTER', hotpath_pool_utilization: 'GAUGE',
      process_cpu_seconds_total: 'COUNTER', nodejs_eventloop_lag_p99_seconds: 'GAUGE', nodejs_heap_size_used_bytes: 'GAUGE',
    };
    for (const [name, type] of Object.entries(types)) expect(byName.get(name)?.type, name).toBe(type);

    // Histogram samples from the text itself: parse-prometheus-text-format
    // 1.1.1 merges the series of a labelled histogram into one.
    const text = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    const sample = (re: RegExp) => Number(re.exec(text)?.[1]);
    expect(sample(/^hotpath_task_run_seconds_count\{kernel="topk",placement="(?:native|ts)-worker"\} (\d+)$/m)).toBe(3);
    expect(sample(/^hotpath_task_run_seconds_count\{kernel="topk",placement="ts-inline"\} (\d+)$/m)).toBe(1);
    expect(sample(/^hotpath_task_wait_seconds_count\{kernel="topk",placement="(?:native|ts)-worker"\} (\d+)$/m)).toBe(3);
    expect(sample(/^hotpath_task_run_seconds_sum\{kernel="topk",placement="(?:native|ts)-worker"\} ([0-9.e-]+)$/m)).toBeGreaterThan(0);
    expect(sample(/^hotpath_task_run_seconds_bucket\{le="\+Inf",kernel="topk",placement="ts-inline"\} (\d+)$/m)).toBe(1);

    const tasks = byName.get('hotpath_tasks_total')!.metrics;
    const count = (kernel: string, outcome: string) =>
      tasks.filter((m) => m.labels?.kernel === kernel && m.labels?.outcome === outcome).reduce((s, m) => s + Number(m.value), 0);
    expect(count('topk', 'ok')).toBe(4);
    expect(count('toplist', 'error')).toBe(1);
    expect(new Set(tasks.map((m) => m.labels?.outcome))).toEqual(new Set(['ok', 'error', 'aborted', 'timeout', 'rejected']));
    expect(Number(byName.get('hotpath_threads')!.metrics[0].value)).toBe(1);
    expect(Number(byName.get('hotpath_queue_depth')!.metrics[0].value)).toBe(0);
    const util = Number(byName.get('hotpath_pool_utilization')!.metrics[0].value);
    expect(util).toBeGreaterThan(0);
    expect(util).toBeLessThanOrEqual(1);
  });

  it('counts HTTP responses by route pattern, not raw URL', async () => {
    await h.app.inject({ method: 'GET', url: '/v1/items/17' });
    const text = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/hotpath_http_request_duration_seconds_count\{method="GET",route="\/v1\/items\/:id",status="200"\} 1/);
  });
});

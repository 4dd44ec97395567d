// --url: profile a running hotpath service. autocannon drives one compute
// route while we ask the service for a capture of the same window through
// `POST /debug/profile?seconds=N` (off unless the service enabled it); the
// service answers with the zip of packProfile(), which we unpack into --out.
import { setTimeout as sleep } from 'node:timers/promises';
import { unpackProfile } from './archive.js';
import type { WorkloadKernel } from './workload.js';

export interface RemoteOptions {
  url: string;
  kernel: WorkloadKernel;
  placement: string;
  seconds: number;
  connections: number;
  k: number;
  events: number;
  audioSeconds: number;
  /** Load before the capture starts, s: connections open, the service's JIT warms. Default 1. */
  rampSeconds?: number;
}

export interface LoadResult {
  requestsPerSec: number;
  latencyMs: { p50: number; p97_5: number; p99: number };
  errors: number;
  non2xx: number;
}

type Autocannon = (opts: Record<string, unknown>) => Promise<{
  requests: { average: number }; latency: { p50: number; p97_5: number; p99: number }; errors: number; timeouts: number; non2xx: number;
}> & { stop(): void };

/** The request autocannon repeats: one route, one body (the service's HTTP contract, docs/http.md). */
function request(o: RemoteOptions): { path: string; headers: Record<string, string>; body: string | Buffer } {
  const headers: Record<string, string> = { 'x-hotpath-placement': o.placement };
  switch (o.kernel) {
    case 'topk':
      return { path: '/v1/recommend', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ itemId: 1, k: o.k }) };
    case 'toplist': {
      const events = Array.from({ length: o.events }, (_, i) => (i * 2654435761) % 5000);
      return { path: '/v1/toplist', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ events, k: o.k }) };
    }
    case 'fingerprint': {
      const rate = 16_000;
      const pcm = Float32Array.from({ length: Math.round(o.audioSeconds * rate) }, (_, t) => 0.3 * Math.sin((2 * Math.PI * 440 * t) / rate));
      return { path: `/v1/fingerprint?sampleRate=${rate}`, headers: { ...headers, 'content-type': 'application/octet-stream' }, body: Buffer.from(pcm.buffer) };
    }
    default:
      throw new Error(`--url drives topk, toplist or fingerprint, not ${o.kernel}`);
  }
}

/** Drives the service and captures its profile at the same time; returns the files and the load's numbers. */
export async function profileRemote(o: RemoteOptions): Promise<{ files: Map<string, Buffer>; load: LoadResult }> {
  const base = o.url.replace(/\/+$/, '');
  // autocannon is loaded only here: the in-process mode does not need it.
  const name = 'autocannon';
  const autocannon = ((await import(name)) as { default: Autocannon }).default;
  const req = request(o);
  const ramp = o.rampSeconds ?? 1;
  // The load starts `ramp` s before the capture and ends a second after it,
  // so the whole profiled window is under load.
  const load = autocannon({
    url: base + req.path, method: 'POST', headers: req.headers, body: req.body, connections: o.connections, duration: o.seconds + ramp + 1,
  });
  await sleep(ramp * 1000);
  let res: Response;
  try {
    res = await fetch(`${base}/debug/profile?seconds=${o.seconds}`, { method: 'POST' });
  } catch (err) {
    load.stop();
    await load;
    throw err;
  }
  if (!res.ok) {
    const text = await res.text();
    load.stop();
    await load;
    throw new Error(`POST ${base}/debug/profile answered ${res.status}: ${text.slice(0, 300)}` +
      (res.status === 404 || res.status === 403 ? '\n(the service must be started with on-demand profiling enabled; it is off by default)' : ''));
  }
  const files = unpackProfile(new Uint8Array(await res.arrayBuffer()));
  const r = await load;
  return {
    files,
    load: { requestsPerSec: r.requests.average, latencyMs: { p50: r.latency.p50, p97_5: r.latency.p97_5, p99: r.latency.p99 }, errors: r.errors + r.timeouts, non2xx: r.non2xx },
  };
}

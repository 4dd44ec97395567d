// The addon is context-aware (Napi::Addon<T>): it must load and compute in
// several worker threads at once, reading the catalog's SharedArrayBuffer in
// place (workerData shares it, it is not copied).
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { syntheticCatalog } from '../../src/catalog/synthetic.js';
import { addonPath } from '../../src/native/binding.js';
import { addonOrSkip } from '../fixtures/native.js';

const addon = addonOrSkip();

// CommonJS so that the eval'd worker can require() the .node file directly.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const addon = require(workerData.addonPath);
const { data, norms, dims, query, events, samples } = workerData;
const rounds = [];
for (let r = 0; r < 5; r++) {
  const t = addon.topk(data, norms, dims, query, 10);
  const l = addon.toplist(events, 5);
  const f = addon.fingerprint(samples, 16000);
  rounds.push({ ids: Array.from(t.ids), scores: Array.from(t.scores), top: Array.from(l.ids),
    counts: Array.from(l.counts), hashes: Array.from(f.hashes), times: Array.from(f.times) });
}
parentPort.postMessage({ rounds, shared: data.buffer instanceof SharedArrayBuffer });
`;

function runWorker(workerData: Record<string, unknown>): Promise<{ rounds: Record<string, number[]>[]; shared: boolean }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { eval: true, workerData });
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => { if (code !== 0) reject(new Error(`worker exited with ${code}`)); });
  });
}

describe.runIf(addon !== null)('native addon in worker threads', () => {
  it('loads and computes in 4 workers at once, matching the main thread', async () => {
    const a = addon!;
    const catalog = syntheticCatalog({ items: 20_000, dims: 64, seed: 11 });
    const query = catalog.data.slice(64 * 3, 64 * 4);
    const events = Uint32Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 1013);
    const samples = Float32Array.from({ length: 16000 * 2 }, (_, i) => Math.sin(i * 0.07) * 0.5 + Math.sin(i * 0.31) * 0.25);
    const want = {
      topk: a.topk(catalog.data, catalog.norms, 64, query, 10),
      toplist: a.toplist(events, 5),
      fingerprint: a.fingerprint(samples, 16000),
    };
    const data = { addonPath: addonPath(), data: catalog.data, norms: catalog.norms, dims: 64, query, events, samples };
    const results = await Promise.all([1, 2, 3, 4].map(() => runWorker(data)));
    for (const { rounds, shared } of results) {
      expect(shared).toBe(true);
      for (const r of rounds) {
        expect(r.ids).toEqual(Array.from(want.topk.ids));
        expect(r.scores).toEqual(Array.from(want.topk.scores));
        expect(r.top).toEqual(Array.from(want.toplist.ids));
        expect(r.counts).toEqual(Array.from(want.toplist.counts));
        expect(r.hashes).toEqual(Array.from(want.fingerprint.hashes));
        expect(r.times).toEqual(Array.from(want.fingerprint.times));
      }
    }
    expect(want.topk.ids[0]).toBe(3);
    expect(want.fingerprint.hashes.length).toBeGreaterThan(0);
  });
});

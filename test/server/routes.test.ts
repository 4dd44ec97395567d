// Every route through inject(): real Fastify, real pool, answers checked
// against the kernels called directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, topk, toplist } from '../../src/index.js';
import { nativeAvailable } from '../../src/native/binding.js';
import { PLACEMENTS } from '../../src/pool/types.js';
import { categoryOf } from '../../src/server/routes/items.js';
import { DIMS, errorOf, harness, int16Tone, ITEMS, leBytes, wavBytes, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.close();
});

const CONCRETE = PLACEMENTS.filter((p) => p !== 'auto');
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
const row = (id: number) => h.catalog.data.slice(id * DIMS, (id + 1) * DIMS);

describe('health', () => {
  it('/healthz answers ok with a request id', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a client x-request-id, and replaces one that is not a plausible id', async () => {
    const mine = await h.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(mine.headers['x-request-id']).toBe('abc-123');
    const bad = await h.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'a b\u00e9' } });
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('/readyz is 200 when ready and 503 HP_ERR_NOT_READY while draining, with connection: close', async () => {
    const ok = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'ready', threads: 1, catalog: { items: ITEMS, dims: DIMS } });
    h.app.service.state.draining = true;
    try {
      const res = await h.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(errorOf(res).code).toBe('HP_ERR_NOT_READY');
      expect(res.headers.connection).toBe('close');
      // Work still accepted on an open connection is still served.
      const rec = await h.app.inject({ method: 'POST', url: '/v1/recommend', ...json({ itemId: 3 }) });
      expect(rec.statusCode).toBe(200);
      expect(rec.headers.connection).toBe('close');
    } finally {
      h.app.service.state.draining = false;
    }
  });
});

describe('GET /v1/items/:id', () => {
  it('returns deterministic metadata derived from the row', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/items/42' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 42, title: 'Item 42', category: categoryOf(42), norm: h.catalog.norms[42], dims: DIMS });
    const last = await h.app.inject({ method: 'GET', url: `/v1/items/${ITEMS - 1}` });
    expect(last.json().id).toBe(ITEMS - 1);
  });
});

describe('POST /v1/recommend', () => {
  it('by itemId: k items, score descending, the item itself excluded, as the kernel says', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/recommend', ...json({ itemId: 1, k: 5 }) });
    expect(res.statusCode).toBe(200);
    const { items } = res.json() as { items: { id: number; score: number }[] };
    const direct = topk({ catalog: h.catalog, vector: row(1), k: 5, exclude: [1] });
    expect(items.map((i) => i.id)).toEqual(direct.items.map((i) => i.id));
    expect(items.some((i) => i.id === 1)).toBe(false);
    for (let i = 1; i < items.length; i++) expect(items[i - 1].score).toBeGreaterThanOrEqual(items[i].score);
    // The pool's default placement ('auto') names where it actually ran.
    expect(CONCRETE).toContain(res.headers['x-hotpath-placement']);
    expect(res.headers['server-timing']).toMatch(/^queue;dur=\d+\.\d{3}, run;dur=\d+\.\d{3}$/);
  });

  it('by vector: k defaults to 10 and the item is not excluded', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/recommend', ...json({ vector: Array.from(row(9)) }) });
    expect(res.statusCode).toBe(200);
    const { items } = res.json() as { items: { id: number }[] };
    expect(items).toHaveLength(10);
    expect(items[0].id).toBe(9);
  });

  it('runs where ?placement= or the header asks, with the same answer everywhere', async () => {
    const expected = topk({ catalog: h.catalog, vector: row(5), k: 8, exclude: [5] }).items.map((i) => i.id);
    for (const placement of PLACEMENTS) {
      const fallback = !nativeAvailable() && placement.startsWith('native');
      const ran = fallback ? (placement === 'native-inline' ? 'ts-inline' : 'ts-worker') : placement;
      const viaQuery = await h.app.inject({ method: 'POST', url: `/v1/recommend?placement=${placement}`, ...json({ itemId: 5, k: 8 }) });
      expect(viaQuery.statusCode).toBe(200);
      if (placement === 'auto') expect(CONCRETE).toContain(viaQuery.headers['x-hotpath-placement']);
      else expect(viaQuery.headers['x-hotpath-placement']).toBe(ran);
      expect(viaQuery.json().items.map((i: { id: number }) => i.id)).toEqual(expected);
      const viaHeader = await h.app.inject({
        method: 'POST', url: '/v1/recommend', headers: { 'content-type': 'application/json', 'x-hotpath-placement': placement },
        payload: JSON.stringify({ itemId: 5, k: 8 }),
      });
      if (placement !== 'auto') expect(viaHeader.headers['x-hotpath-placement']).toBe(ran);
      expect(viaHeader.json().items.map((i: { id: number }) => i.id)).toEqual(expected);
    }
  });

  it('takes a deadline header that it can meet', async () => {
    const res = await h.app.inject({
      method: 'POST', url: '/v1/recommend', headers: { 'content-type': 'application/json', 'x-hotpath-deadline-ms': '10000' },
      payload: JSON.stringify({ itemId: 2, k: 3 }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(3);
  });
});

describe('POST /v1/toplist', () => {
  const events = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 97 === 0 ? 5 : (i * 31) % 211);
  const expected = toplist({ events, k: 7 }).items;

  it('JSON body', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/toplist', ...json({ events, k: 7 }) });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual(expected);
  });

  it('uint32 little-endian octet stream with ?k=, the same answer', async () => {
    const res = await h.app.inject({
      method: 'POST', url: '/v1/toplist?k=7', headers: { 'content-type': 'application/octet-stream' },
      payload: leBytes(new Uint32Array(events)),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual(expected);
  });

  it('a binary body above the JSON limit (9 MiB) is accepted: each content type has its own limit', async () => {
    const big = new Uint32Array(9 * 1024 * 1024 / 4).fill(3);
    big[0] = 8;
    const res = await h.app.inject({
      method: 'POST', url: '/v1/toplist?k=2', headers: { 'content-type': 'application/octet-stream' }, payload: leBytes(big),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([{ id: 3, count: big.length - 1 }, { id: 8, count: 1 }]);
  });
});

describe('POST /v1/fingerprint', () => {
  const rate = 16000;
  const mono = int16Tone(rate * 2, 1);
  const asFloat = Float32Array.from(mono, (v) => v / 32768);
  const expected = fingerprint({ samples: asFloat, sampleRate: rate });

  it('audio/wav mono: the hashes of the kernel on the decoded samples', async () => {
    const res = await h.app.inject({
      method: 'POST', url: '/v1/fingerprint', headers: { 'content-type': 'audio/wav' }, payload: wavBytes([mono], rate),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(expected.hashes.length).toBeGreaterThan(50);
    expect(body.hashes).toEqual(expected.hashes);
    expect(body).toMatchObject({ frames: expected.frames, frameSeconds: expected.frameSeconds, sampleRate: rate, channels: 1, durationSeconds: 2 });
  });

  it('float32 octet stream with ?sampleRate=: the same hashes', async () => {
    const res = await h.app.inject({
      method: 'POST', url: `/v1/fingerprint?sampleRate=${rate}`, headers: { 'content-type': 'application/octet-stream' },
      payload: leBytes(asFloat),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().hashes).toEqual(expected.hashes);
  });

  it('stereo is mixed down to (left + right) / 2', async () => {
    const other = int16Tone(rate * 2, 99);
    const mixed = Float32Array.from(mono, (v, i) => (v + other[i]) / 65536);
    const res = await h.app.inject({
      method: 'POST', url: '/v1/fingerprint', headers: { 'content-type': 'audio/x-wav' }, payload: wavBytes([mono, other], rate),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().channels).toBe(2);
    expect(res.json().hashes).toEqual(fingerprint({ samples: mixed, sampleRate: rate }).hashes);
  });

  it('any sample rate: 44.1 kHz', async () => {
    const res = await h.app.inject({
      method: 'POST', url: '/v1/fingerprint?placement=ts-worker', headers: { 'content-type': 'audio/wav' },
      payload: wavBytes([int16Tone(44100, 3)], 44100),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-hotpath-placement']).toBe('ts-worker');
    expect(res.json().sampleRate).toBe(44100);
  });
});

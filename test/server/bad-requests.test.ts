// A table of bad requests: each one gets its status and error code, and the
// service still answers a good request right after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/server/app.js';
import { DIMS, errorOf, harness, int16Tone, ITEMS, leBytes, wavBytes, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.close();
});

const MiB = 1024 * 1024;
const JSON_CT = { 'content-type': 'application/json' };
const OCTET = { 'content-type': 'application/octet-stream' };
const WAV = { 'content-type': 'audio/wav' };
const vec = (n: number, v = 0.5) => Array.from({ length: n }, () => v);
const rec = (payload: unknown, extra: Partial<InjectOptions> = {}): InjectOptions =>
  ({ method: 'POST', url: '/v1/recommend', headers: JSON_CT, payload: typeof payload === 'string' ? payload : JSON.stringify(payload), ...extra });
const top = (payload: unknown, url = '/v1/toplist'): InjectOptions =>
  ({ method: 'POST', url, headers: JSON_CT, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
const topBin = (bytes: Buffer, url = '/v1/toplist?k=3'): InjectOptions => ({ method: 'POST', url, headers: OCTET, payload: bytes });
const fp = (bytes: Buffer | string, headers: Record<string, string> = WAV, url = '/v1/fingerprint'): InjectOptions =>
  ({ method: 'POST', url, headers, payload: bytes });

const goodWav = wavBytes([int16Tone(8000, 5)], 8000);
const stereoWav = wavBytes([int16Tone(800, 1), int16Tone(800, 2)], 8000);
/** A WAV whose 'data' chunk declares `size` bytes (patched after encoding). */
function declaring(wav: Buffer, size: number): Buffer {
  const out = Buffer.from(wav);
  const at = out.indexOf('data', 12, 'latin1');
  out.writeUInt32LE(size, at + 4);
  return out;
}

type Case = [name: string, req: InjectOptions, status: number, code: string];
const cases: Case[] = [
  // Malformed JSON, NaN/Infinity spelled in JSON, empty bodies.
  ['truncated JSON', rec('{"itemId": 1,'), 400, 'HP_ERR_INVALID_JSON'],
  ['unquoted keys', rec('{itemId: 1}'), 400, 'HP_ERR_INVALID_JSON'],
  ['trailing garbage', rec('{"itemId": 1} x'), 400, 'HP_ERR_INVALID_JSON'],
  ['single quotes', rec("{'itemId': 1}"), 400, 'HP_ERR_INVALID_JSON'],
  ['NaN in JSON', rec('{"itemId": 1, "k": NaN}'), 400, 'HP_ERR_INVALID_JSON'],
  ['Infinity in JSON', rec(`{"vector": [Infinity${',0'.repeat(DIMS - 1)}]}`), 400, 'HP_ERR_INVALID_JSON'],
  ['-Infinity in JSON', rec(`{"vector": [-Infinity${',0'.repeat(DIMS - 1)}]}`), 400, 'HP_ERR_INVALID_JSON'],
  ['empty JSON body', rec(''), 400, 'HP_ERR_INVALID_JSON'],
  ['__proto__ key', rec('{"itemId": 1, "__proto__": {"x": 1}}'), 400, 'HP_ERR_INVALID_JSON'],
  ['constructor.prototype key', rec('{"itemId": 1, "constructor": {"prototype": {"x": 1}}}'), 400, 'HP_ERR_INVALID_JSON'],
  // Wrong shapes and types: nothing is coerced.
  ['body null', rec('null'), 400, 'HP_ERR_BAD_REQUEST'],
  ['body an array', rec('[]'), 400, 'HP_ERR_BAD_REQUEST'],
  ['body a string', rec('"itemId"'), 400, 'HP_ERR_BAD_REQUEST'],
  ['neither vector nor itemId', rec({ k: 5 }), 400, 'HP_ERR_BAD_REQUEST'],
  ['both vector and itemId', rec({ itemId: 1, vector: vec(DIMS) }), 400, 'HP_ERR_BAD_REQUEST'],
  ['itemId as a string', rec({ itemId: '1' }), 400, 'HP_ERR_BAD_REQUEST'],
  ['itemId not an integer', rec({ itemId: 1.5 }), 400, 'HP_ERR_BAD_REQUEST'],
  ['itemId negative', rec({ itemId: -1 }), 400, 'HP_ERR_BAD_REQUEST'],
  ['itemId boolean', rec({ itemId: true }), 400, 'HP_ERR_BAD_REQUEST'],
  ['itemId just past the catalog', rec({ itemId: ITEMS }), 404, 'HP_ERR_UNKNOWN_ITEM'],
  ['itemId far past the catalog', rec({ itemId: 2 ** 40 }), 404, 'HP_ERR_UNKNOWN_ITEM'],
  ['k as a string "10"', rec({ itemId: 1, k: '10' }), 400, 'HP_ERR_INVALID_K'],
  ['k zero', rec({ itemId: 1, k: 0 }), 400, 'HP_ERR_INVALID_K'],
  ['k negative', rec({ itemId: 1, k: -3 }), 400, 'HP_ERR_INVALID_K'],
  ['k 1001', rec({ itemId: 1, k: 1001 }), 400, 'HP_ERR_INVALID_K'],
  ['huge k', rec({ itemId: 1, k: 1e12 }), 400, 'HP_ERR_INVALID_K'],
  ['k fractional', rec({ itemId: 1, k: 2.5 }), 400, 'HP_ERR_INVALID_K'],
  ['k null', rec({ itemId: 1, k: null }), 400, 'HP_ERR_INVALID_K'],
  ['unknown field', rec({ itemId: 1, limit: 5 }), 400, 'HP_ERR_BAD_REQUEST'],
  ['misspelt field itemid', rec({ itemid: 1 }), 400, 'HP_ERR_BAD_REQUEST'],
  ['vector one short', rec({ vector: vec(DIMS - 1) }), 400, 'HP_ERR_DIMENSION_MISMATCH'],
  ['vector one long', rec({ vector: vec(DIMS + 1) }), 400, 'HP_ERR_DIMENSION_MISMATCH'],
  ['vector empty', rec({ vector: [] }), 400, 'HP_ERR_BAD_REQUEST'],
  ['vector with a string', rec({ vector: [...vec(DIMS - 1), '1'] }), 400, 'HP_ERR_BAD_REQUEST'],
  ['vector with null', rec({ vector: [...vec(DIMS - 1), null] }), 400, 'HP_ERR_BAD_REQUEST'],
  ['vector nested', rec({ vector: [vec(DIMS)] }), 400, 'HP_ERR_BAD_REQUEST'],
  ['vector an object', rec({ vector: { 0: 1 } }), 400, 'HP_ERR_BAD_REQUEST'],
  ['vector beyond float32', rec({ vector: [1e39, ...vec(DIMS - 1)] }), 400, 'HP_ERR_NON_FINITE'],
  ['vector longer than any catalog', rec({ vector: vec(70_000) }), 400, 'HP_ERR_BAD_REQUEST'],
  // Content types.
  ['text/plain', rec('{"itemId": 1}', { headers: { 'content-type': 'text/plain' } }), 415, 'HP_ERR_UNSUPPORTED_MEDIA_TYPE'],
  ['form-urlencoded', rec('itemId=1', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'HP_ERR_UNSUPPORTED_MEDIA_TYPE'],
  ['octet-stream to recommend', rec('{"itemId": 1}', { headers: OCTET }), 415, 'HP_ERR_UNSUPPORTED_MEDIA_TYPE'],
  ['no content type, with a body', rec('{"itemId": 1}', { headers: {} }), 415, 'HP_ERR_UNSUPPORTED_MEDIA_TYPE'],
  ['no body at all', { method: 'POST', url: '/v1/recommend' }, 400, 'HP_ERR_BAD_REQUEST'],
  // Oversized bodies.
  ['recommend over 1 MiB', rec(`{"itemId": 1, "pad": "${'x'.repeat(MiB)}"}`), 413, 'HP_ERR_BODY_TOO_LARGE'],
  ['toplist JSON over 8 MiB', top(`{"events": [${'1,'.repeat(4 * MiB + 8)}1]}`), 413, 'HP_ERR_BODY_TOO_LARGE'],
  ['toplist binary over 64 MiB', topBin(Buffer.alloc(64 * MiB + 4)), 413, 'HP_ERR_BODY_TOO_LARGE'],
  ['WAV over 64 MiB', fp(Buffer.alloc(64 * MiB + 2)), 413, 'HP_ERR_BODY_TOO_LARGE'],
  // Query strings and headers.
  ['unknown query parameter', rec({ itemId: 1 }, { url: '/v1/recommend?limit=5' }), 400, 'HP_ERR_BAD_REQUEST'],
  ['unknown placement', rec({ itemId: 1 }, { url: '/v1/recommend?placement=gpu' }), 400, 'HP_ERR_INVALID_PLACEMENT'],
  ['unknown placement header', rec({ itemId: 1 }, { headers: { ...JSON_CT, 'x-hotpath-placement': 'auto-magic' } }), 400, 'HP_ERR_INVALID_PLACEMENT'],
  ['placement query and header disagree', rec({ itemId: 1 }, { url: '/v1/recommend?placement=ts-worker', headers: { ...JSON_CT, 'x-hotpath-placement': 'ts-inline' } }), 400, 'HP_ERR_INVALID_PLACEMENT'],
  ['deadline not a number', rec({ itemId: 1 }, { headers: { ...JSON_CT, 'x-hotpath-deadline-ms': 'soon' } }), 400, 'HP_ERR_BAD_REQUEST'],
  ['deadline zero', rec({ itemId: 1 }, { headers: { ...JSON_CT, 'x-hotpath-deadline-ms': '0' } }), 400, 'HP_ERR_BAD_REQUEST'],
  ['deadline negative', rec({ itemId: 1 }, { headers: { ...JSON_CT, 'x-hotpath-deadline-ms': '-5' } }), 400, 'HP_ERR_BAD_REQUEST'],
  ['deadline beyond setTimeout', rec({ itemId: 1 }, { headers: { ...JSON_CT, 'x-hotpath-deadline-ms': '9999999999' } }), 400, 'HP_ERR_BAD_REQUEST'],
  // Routes and item ids.
  ['GET on a POST route', { method: 'GET', url: '/v1/recommend' }, 404, 'HP_ERR_NOT_FOUND'],
  ['unknown route', { method: 'GET', url: '/v1/nope' }, 404, 'HP_ERR_NOT_FOUND'],
  ['item id negative', { method: 'GET', url: '/v1/items/-1' }, 400, 'HP_ERR_BAD_REQUEST'],
  ['item id not a number', { method: 'GET', url: '/v1/items/abc' }, 400, 'HP_ERR_BAD_REQUEST'],
  ['item id fractional', { method: 'GET', url: '/v1/items/1.5' }, 400, 'HP_ERR_BAD_REQUEST'],
  ['item id with leading zeros', { method: 'GET', url: '/v1/items/007' }, 400, 'HP_ERR_BAD_REQUEST'],
  ['item id with 20 digits', { method: 'GET', url: '/v1/items/99999999999999999999' }, 400, 'HP_ERR_BAD_REQUEST'],
  ['item id past the catalog', { method: 'GET', url: `/v1/items/${ITEMS}` }, 404, 'HP_ERR_UNKNOWN_ITEM'],
  // toplist.
  ['events missing', top({ k: 3 }), 400, 'HP_ERR_BAD_REQUEST'],
  ['events not an array', top({ events: 'abc' }), 400, 'HP_ERR_BAD_REQUEST'],
  ['events with a negative id', top({ events: [1, -1] }), 400, 'HP_ERR_INVALID_ARGUMENT'],
  ['events beyond uint32', top({ events: [2 ** 32] }), 400, 'HP_ERR_INVALID_ARGUMENT'],
  ['events fractional', top({ events: [1.5] }), 400, 'HP_ERR_INVALID_ARGUMENT'],
  ['events as strings', top({ events: ['3'] }), 400, 'HP_ERR_INVALID_ARGUMENT'],
  ['toplist k too large', top({ events: [1], k: 5000 }), 400, 'HP_ERR_INVALID_K'],
  ['toplist unknown field', top({ events: [1], top: 3 }), 400, 'HP_ERR_BAD_REQUEST'],
  ['toplist JSON with ?k=', top({ events: [1] }, '/v1/toplist?k=3'), 400, 'HP_ERR_BAD_REQUEST'],
  ['toplist text/csv', { method: 'POST', url: '/v1/toplist', headers: { 'content-type': 'text/csv' }, payload: '1,2' }, 415, 'HP_ERR_UNSUPPORTED_MEDIA_TYPE'],
  ['toplist octet of 3 bytes', topBin(Buffer.from([1, 2, 3])), 400, 'HP_ERR_BAD_REQUEST'],
  ['toplist octet of 4097 bytes', topBin(Buffer.alloc(4097)), 400, 'HP_ERR_BAD_REQUEST'],
  ['toplist octet empty', topBin(Buffer.alloc(0)), 400, 'HP_ERR_BAD_REQUEST'],
  ['toplist ?k=abc', topBin(Buffer.alloc(8), '/v1/toplist?k=abc'), 400, 'HP_ERR_INVALID_K'],
  ['toplist ?k=0', topBin(Buffer.alloc(8), '/v1/toplist?k=0'), 400, 'HP_ERR_INVALID_K'],
  ['toplist ?k=1001', topBin(Buffer.alloc(8), '/v1/toplist?k=1001'), 400, 'HP_ERR_INVALID_K'],
  ['toplist ?k=010 (leading zero)', topBin(Buffer.alloc(8), '/v1/toplist?k=010'), 400, 'HP_ERR_INVALID_K'],
  ['toplist ?k=1e1', topBin(Buffer.alloc(8), '/v1/toplist?k=1e1'), 400, 'HP_ERR_INVALID_K'],
  ['toplist ?k= 10 (with a space)', topBin(Buffer.alloc(8), '/v1/toplist?k=%2010'), 400, 'HP_ERR_INVALID_K'],
  // fingerprint.
  ['octet samples without ?sampleRate', fp(Buffer.alloc(4000), OCTET), 400, 'HP_ERR_INVALID_SAMPLE_RATE'],
  ['?sampleRate=abc', fp(Buffer.alloc(4000), OCTET, '/v1/fingerprint?sampleRate=abc'), 400, 'HP_ERR_INVALID_SAMPLE_RATE'],
  ['?sampleRate=500', fp(Buffer.alloc(4000), OCTET, '/v1/fingerprint?sampleRate=500'), 400, 'HP_ERR_INVALID_SAMPLE_RATE'],
  ['?sampleRate=400000', fp(Buffer.alloc(4000), OCTET, '/v1/fingerprint?sampleRate=400000'), 400, 'HP_ERR_INVALID_SAMPLE_RATE'],
  ['octet samples of 6 bytes', fp(Buffer.alloc(6), OCTET, '/v1/fingerprint?sampleRate=8000'), 400, 'HP_ERR_BAD_REQUEST'],
  ['octet samples with NaN', fp(leBytes(new Float32Array([0, NaN, 0])), OCTET, '/v1/fingerprint?sampleRate=8000'), 400, 'HP_ERR_NON_FINITE'],
  ['octet samples empty', fp(Buffer.alloc(0), OCTET, '/v1/fingerprint?sampleRate=8000'), 400, 'HP_ERR_BAD_REQUEST'],
  ['WAV truncated in its data', fp(goodWav.subarray(0, goodWav.length - 1001)), 400, 'HP_ERR_INVALID_WAV'],
  ['WAV truncated in its header', fp(goodWav.subarray(0, 20)), 400, 'HP_ERR_INVALID_WAV'],
  ['WAV data ending mid-frame', fp(declaring(stereoWav, 3198)), 400, 'HP_ERR_INVALID_WAV'],
  ['WAV data chunk longer than the body', fp(declaring(stereoWav, 3204)), 400, 'HP_ERR_INVALID_WAV'],
  ['not a WAV at all', fp('hello, this is not a RIFF file'), 400, 'HP_ERR_INVALID_WAV'],
  ['WAV empty', fp(Buffer.alloc(0)), 400, 'HP_ERR_BAD_REQUEST'],
  ['WAV 8-bit', fp(wavBytes([[1, 2, 3, 4]], 8000, '8')), 415, 'HP_ERR_UNSUPPORTED_MEDIA_TYPE'],
  ['WAV 24-bit', fp(wavBytes([[1, 2, 3, 4]], 8000, '24')), 415, 'HP_ERR_UNSUPPORTED_MEDIA_TYPE'],
  ['WAV float32', fp(wavBytes([[0.1, 0.2]], 8000, '32f')), 415, 'HP_ERR_UNSUPPORTED_MEDIA_TYPE'],
  ['WAV with 3 channels', fp(wavBytes([[1, 2], [3, 4], [5, 6]], 8000)), 415, 'HP_ERR_UNSUPPORTED_MEDIA_TYPE'],
  ['WAV with ?sampleRate=', fp(goodWav, WAV, '/v1/fingerprint?sampleRate=8000'), 400, 'HP_ERR_BAD_REQUEST'],
  ['JSON to fingerprint', fp('{"samples": [0.1]}', JSON_CT), 415, 'HP_ERR_UNSUPPORTED_MEDIA_TYPE'],
];

const goodRequest = rec({ itemId: 1, k: 5 });

describe('bad requests', () => {
  it('the table is at least 60 requests', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(cases)('%s -> %i %s, then a good request still works', async (_name, req, status, code) => {
    const res = await h.app.inject(req);
    expect({ status: res.statusCode, code: errorOf(res).code }).toEqual({ status, code });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(errorOf(res).message.length).toBeGreaterThan(0);
    expect(res.headers['x-request-id']).toBeTruthy();
    const good = await h.app.inject(goodRequest);
    expect(good.statusCode).toBe(200);
    expect(good.json().items).toHaveLength(5);
  });

  it('each error is logged once, with its code', async () => {
    const before = h.logs.length;
    const res = await h.app.inject({ ...rec({ itemId: 1, k: 0 }), headers: { ...JSON_CT, 'x-request-id': 'log-once-1' } });
    expect(res.statusCode).toBe(400);
    const lines = h.logs.slice(before).filter((l) => l.reqId === 'log-once-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ code: 'HP_ERR_INVALID_K', status: 400 });
  });

  it('a good request writes no log line at info level', async () => {
    const before = h.logs.length;
    const res = await h.app.inject(goodRequest);
    expect(res.statusCode).toBe(200);
    expect(h.logs.length).toBe(before);
  });

  it('an unexpected error is 500 HP_ERR_INTERNAL, its details logged (at error) and not sent', async () => {
    const lines: Record<string, unknown>[] = [];
    const app = buildApp({ pool: h.pool, catalog: h.catalog, logger: pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) }) });
    app.get('/boom', async () => {
      throw new TypeError('secret internals');
    });
    const res = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'boom-1' } });
    expect(res.statusCode).toBe(500);
    expect(errorOf(res).code).toBe('HP_ERR_INTERNAL');
    expect(res.body).not.toContain('secret internals');
    const logged = lines.filter((l) => l.reqId === 'boom-1');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, code: 'HP_ERR_INTERNAL', err: { message: 'secret internals' } });
    await app.close();
  });
});

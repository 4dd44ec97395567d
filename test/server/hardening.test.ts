// Over real sockets: what an adversarial client sends gets the contract's
// JSON error with a code, never a 500 and never a bare or Fastify-shaped 4xx.
// Prototype-named keys, parser-level garbage, router errors, Expect, Host,
// slow clients (408), charsets, duplicate keys, 1e309, broken WAV containers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duplicateKey } from '../../src/server/body.js';
import { BAD_WAVS, patchedWav, PROTO_KEYS } from './adversarial.js';
import { DIMS, listening, type Harness } from './helpers.js';
import { codeOf, rawRequest, type RawResponse } from './raw.js';

let h: Harness & { port: number };
beforeAll(async () => {
  // A short request timeout so that the 408 tests run in a fraction of a second.
  h = await listening({}, { requestTimeoutMs: 500 });
});
afterAll(async () => {
  await h.close();
});

const post = (path: string, type: string, body: string | Buffer, extra = '') => {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: ${type}\r\ncontent-length: ${b.length}\r\nconnection: close\r\n${extra}\r\n`, 'latin1'), b]);
};
const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n${extra}\r\n`;
const send = (req: string | Buffer | (string | Buffer)[]) => rawRequest(h.port, req);

function expectCoded(res: RawResponse, status: number, code: string): void {
  expect({ status: res.status, code: codeOf(res) }, res.text.slice(0, 400)).toEqual({ status, code });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
}

describe('keys named after Object.prototype members', () => {
  it.each(PROTO_KEYS)('%s as a body field of /v1/recommend and /v1/toplist: 400, not 500', async (key) => {
    // __proto__ is refused by the JSON parser (prototype poisoning), the others as unknown fields.
    const code = key === '__proto__' ? 'HP_ERR_INVALID_JSON' : 'HP_ERR_BAD_REQUEST';
    expectCoded(await send(post('/v1/recommend', 'application/json', `{"itemId": 1, "${key}": 1}`)), 400, code);
    expectCoded(await send(post('/v1/toplist', 'application/json', `{"events": [1], "${key}": 1}`)), 400, code);
  });

  it.each(PROTO_KEYS)('?%s= on every route with a query schema: 400 HP_ERR_BAD_REQUEST, not 500', async (key) => {
    expectCoded(await send(post(`/v1/recommend?${key}=1`, 'application/json', '{"itemId": 1}')), 400, 'HP_ERR_BAD_REQUEST');
    expectCoded(await send(post(`/v1/toplist?${key}=1`, 'application/octet-stream', Buffer.alloc(8))), 400, 'HP_ERR_BAD_REQUEST');
    expectCoded(await send(post(`/v1/fingerprint?sampleRate=16000&${key}=1`, 'application/octet-stream', Buffer.alloc(8))), 400, 'HP_ERR_BAD_REQUEST');
    expectCoded(await send(get(`/v1/items/1?${key}=1`)), 400, 'HP_ERR_BAD_REQUEST');
    expectCoded(await send(post(`/debug/profile?${key}=1`, 'application/json', '{}')), 400, 'HP_ERR_BAD_REQUEST');
  });

  it('an unknown field named like a known one elsewhere is HP_ERR_BAD_REQUEST: ?k= on /v1/fingerprint', async () => {
    const res = await send(post('/v1/fingerprint?sampleRate=16000&k=5', 'application/octet-stream', Buffer.alloc(8)));
    expectCoded(res, 400, 'HP_ERR_BAD_REQUEST');
    expect(JSON.parse(res.body).error.message).toMatch(/unknown field 'k'/);
  });
});

describe('HTTP-level errors carry a code', () => {
  it.each([
    ['an unknown method', 'FOO /healthz HTTP/1.1\r\nhost: x\r\n\r\n', 400, 'HP_ERR_BAD_HTTP'],
    ['two content-lengths', 'POST /v1/recommend HTTP/1.1\r\nhost: x\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n{}', 400, 'HP_ERR_BAD_HTTP'],
    ['a content-length that is not a number', 'POST /v1/recommend HTTP/1.1\r\nhost: x\r\ncontent-length: 1x\r\n\r\n{}', 400, 'HP_ERR_BAD_HTTP'],
    ['content-length and transfer-encoding', 'POST /v1/recommend HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'HP_ERR_BAD_HTTP'],
    ['a chunk size that is not hex', 'POST /v1/recommend HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 400, 'HP_ERR_BAD_HTTP'],
    ['a bare CR in a header value', 'GET /healthz HTTP/1.1\r\nhost: x\r\nx-a: b\rc\r\n\r\n', 400, 'HP_ERR_BAD_HTTP'],
    ['a NUL in a header value', 'GET /healthz HTTP/1.1\r\nhost: x\r\nx-a: b\0c\r\n\r\n', 400, 'HP_ERR_BAD_HTTP'],
    ['a TLS ClientHello', Buffer.from('16030100a5010000a10303', 'hex'), 400, 'HP_ERR_BAD_HTTP'],
    ['the HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 400, 'HP_ERR_BAD_HTTP'],
    ['headers over 16 KiB', `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(17_000)}\r\n\r\n`, 431, 'HP_ERR_HEADERS_TOO_LARGE'],
    ['a URL over 16 KiB', `GET /healthz?${'a'.repeat(17_000)} HTTP/1.1\r\nhost: x\r\n\r\n`, 431, 'HP_ERR_HEADERS_TOO_LARGE'],
    ['no Host header', 'GET /healthz HTTP/1.1\r\nconnection: close\r\n\r\n', 400, 'HP_ERR_BAD_HTTP'],
    ['an Expect other than 100-continue', 'GET /healthz HTTP/1.1\r\nhost: x\r\nexpect: 200-ok\r\n\r\n', 417, 'HP_ERR_EXPECTATION_FAILED'],
    ['a path parameter over 100 characters', get(`/v1/items/${'1'.repeat(150)}`), 414, 'HP_ERR_URI_TOO_LONG'],
    ['a percent-escape that is not UTF-8', get('/v1/items/%ff'), 400, 'HP_ERR_BAD_REQUEST'],
  ] as [string, string | Buffer, number, string][])('%s -> %i %s', async (_name, req, status, code) => {
    const res = await send(req);
    expectCoded(res, status, code);
    // What the parser refused leaves the byte stream untrustworthy: the connection closes.
    if (code === 'HP_ERR_BAD_HTTP' || code === 'HP_ERR_HEADERS_TOO_LARGE' || code === 'HP_ERR_EXPECTATION_FAILED') {
      expect(res.headers.get('connection')).toBe('close');
    }
  });

  it('HTTP/1.0 without a Host header is fine (Host is required from 1.1 on)', async () => {
    const res = await send('GET /healthz HTTP/1.0\r\n\r\n');
    expect(res.status).toBe(200);
  });
});

describe('slow clients: the request timeout', () => {
  it('a body that trickles in past the bound gets 408 HP_ERR_REQUEST_TIMEOUT; /healthz answers meanwhile', async () => {
    const slow = rawRequest(h.port, 'POST /v1/recommend HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{"itemId": 1');
    const health = await send(get('/healthz'));
    expect(health.status).toBe(200);
    const res = await slow;
    expectCoded(res, 408, 'HP_ERR_REQUEST_TIMEOUT');
    expect(res.headers.get('connection')).toBe('close');
  });

  it('headers that never end get 408 too, and so does a connection that sends nothing', async () => {
    const slowHeaders = rawRequest(h.port, 'GET /healthz HTTP/1.1\r\nhost: x\r\nx-a: 1\r\n');
    const silent = rawRequest(h.port, []);
    expect((await send(get('/healthz'))).status).toBe(200);
    expectCoded(await slowHeaders, 408, 'HP_ERR_REQUEST_TIMEOUT');
    expectCoded(await silent, 408, 'HP_ERR_REQUEST_TIMEOUT');
  });
});

describe('bodies', () => {
  const vector = (first: string) => `{"vector": [${first}${',0.5'.repeat(DIMS - 1)}]}`;

  it('1e309 in a vector (JSON.parse reads Infinity) is HP_ERR_NON_FINITE, as 1e39 is', async () => {
    expectCoded(await send(post('/v1/recommend', 'application/json', vector('1e309'))), 400, 'HP_ERR_NON_FINITE');
    expectCoded(await send(post('/v1/recommend', 'application/json', vector('-1e309'))), 400, 'HP_ERR_NON_FINITE');
    expectCoded(await send(post('/v1/recommend', 'application/json', vector('1e39'))), 400, 'HP_ERR_NON_FINITE');
    expect((await send(post('/v1/recommend', 'application/json', vector('1e-400')))).status).toBe(200);
  });

  it.each([
    ['the same key twice', '{"itemId": 1, "itemId": 2}'],
    ['the same key, once escaped', '{"itemId": 1, "\\u0069temId": 2}'],
    ['k twice', '{"itemId": 1, "k": 5, "k": 6}'],
  ])('%s: 400 HP_ERR_INVALID_JSON', async (_name, body) => {
    expectCoded(await send(post('/v1/recommend', 'application/json', body)), 400, 'HP_ERR_INVALID_JSON');
  });

  it('a duplicate key in /v1/toplist is refused too; distinct keys and key-like strings are not', async () => {
    expectCoded(await send(post('/v1/toplist', 'application/json', '{"events": [1], "events": [2]}')), 400, 'HP_ERR_INVALID_JSON');
    expect((await send(post('/v1/recommend', 'application/json', '{"itemId": 1, "k": 5}'))).status).toBe(200);
  });

  it.each(['utf-16', 'UTF-16LE', 'iso-8859-1', '"utf-32"', 'x-garbage'])('charset=%s: 415 HP_ERR_UNSUPPORTED_MEDIA_TYPE', async (charset) => {
    expectCoded(await send(post('/v1/recommend', `application/json; charset=${charset}`, '{"itemId": 1}')), 415, 'HP_ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it.each(['gzip', 'br', 'deflate', 'gzip, identity'])('content-encoding: %s: 415 HP_ERR_UNSUPPORTED_MEDIA_TYPE (the body would be parsed as sent)', async (encoding) => {
    expectCoded(await send(post('/v1/recommend', 'application/json', '{"itemId": 1}', `content-encoding: ${encoding}\r\n`)), 415, 'HP_ERR_UNSUPPORTED_MEDIA_TYPE');
    expectCoded(await send(post('/v1/toplist?k=1', 'application/octet-stream', Buffer.alloc(8), `content-encoding: ${encoding}\r\n`)), 415, 'HP_ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it('content-encoding: identity is taken', async () => {
    expect((await send(post('/v1/recommend', 'application/json', '{"itemId": 1}', 'content-encoding: identity\r\n'))).status).toBe(200);
  });

  it.each(['utf-8', 'UTF-8', '"utf-8"', 'utf8'])('charset=%s is taken', async (charset) => {
    expect((await send(post('/v1/recommend', `application/json; charset=${charset}`, '{"itemId": 1}'))).status).toBe(200);
  });
});

describe('WAV containers', () => {
  it.each(BAD_WAVS)('%s: 400 HP_ERR_INVALID_WAV', async (_name, wav) => {
    expectCoded(await send(post('/v1/fingerprint', 'audio/wav', wav)), 400, 'HP_ERR_INVALID_WAV');
  });

  it('the unpatched WAV is fine', async () => {
    expect((await send(post('/v1/fingerprint', 'audio/wav', patchedWav(() => undefined)))).status).toBe(200);
  });
});

describe('duplicateKey (the scan behind the duplicate-key rule)', () => {
  it.each([
    ['{"a": 1, "b": 2}', undefined],
    ['{"a": 1, "a": 2}', 'a'],
    ['{"a": 1, "\\u0061": 2}', 'a'],
    ['{"a": {"a": 1}, "b": "a"}', undefined],
    ['[{"a": 1}, {"a": 2}]', undefined],
    ['{"a": "}{[\\"", "a": 1}', 'a'],
    ['{"x": "\\\\", "x": 1}', 'x'],
    ['{"o": {"p": 1, "p": 2}}', 'p'],
    ['{"a" : 1, "b": ["a", "a"]}', undefined],
    ['"a"', undefined],
  ])('%s -> %s', (text, dup) => {
    JSON.parse(text); // the scan's precondition
    expect(duplicateKey(text)).toBe(dup);
  });
});

// A corpus of bad requests, generated from the tables below and sent as raw
// bytes over TCP to the real app on 127.0.0.1: malformed request lines and
// headers, content-length and transfer-encoding games, bad JSON, keys named
// after Object.prototype members in every route's body and query, extreme
// numbers, wrong content types and charsets, oversized URLs and headers, bad
// WAVs, bad placements and deadlines, slow requests. Every one must get a 4xx
// whose body is the contract's JSON error with an HP_ERR_* code (parser-level
// garbage included: the server answers, then closes); no 5xx, no bare 4xx.
// Then /healthz still answers 200.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_WAVS, patchedWav, PROTO_KEYS } from './adversarial.js';
import { DIMS, ITEMS, listening, wavBytes, type Harness } from './helpers.js';
import { codeOf, rawRequest, type RawResponse } from './raw.js';

let h: Harness & { port: number };
beforeAll(async () => {
  // A short request timeout: the corpus holds a few requests that never finish arriving.
  h = await listening({}, { requestTimeoutMs: 600 });
});
afterAll(async () => {
  await h.close();
});

type Bytes = string | Buffer;
interface Case { name: string; bytes: Bytes }

const cases: Case[] = [];
const seen = new Set<string>();
/** Adds a case unless the same bytes are in the corpus already (two tables may produce one request). */
const add = (name: string, bytes: Bytes) => {
  const key = (typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes).toString('base64');
  if (seen.has(key)) return;
  seen.add(key);
  cases.push({ name, bytes });
};

/** A request with host and connection: close, and a content-length matching the body unless headers say otherwise. */
function req(method: string, path: string, headers: string[] = [], body: Bytes = ''): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const lines = [`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close', ...headers];
  if (!headers.some((l) => /^(content-length|transfer-encoding):/i.test(l)) && b.length > 0) lines.push(`content-length: ${b.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), b]);
}
const json = (path: string, body: Bytes, extra: string[] = []) => req('POST', path, ['content-type: application/json', ...extra], body);
const octet = (path: string, body: Buffer, extra: string[] = []) => req('POST', path, ['content-type: application/octet-stream', ...extra], body);
const wav = (path: string, body: Buffer, extra: string[] = []) => req('POST', path, ['content-type: audio/wav', ...extra], body);
const vector = (first: string) => `[${first}${',0.25'.repeat(DIMS - 1)}]`;

// ---- 1. Request lines Node's parser refuses ----
for (const line of [
  'FOO /healthz HTTP/1.1', 'get /healthz HTTP/1.1', 'GETT /healthz HTTP/1.1', 'G ET /healthz HTTP/1.1', 'GET\t/healthz HTTP/1.1',
  'GET /healthz HTTP/1.1 extra', 'GET /healthz HTTP/9.9', 'GET /healthz HTTP/1.x', 'GET /healthz HTTPS/1.1', 'GET /healthz http/1.1',
  'GET /health\0z HTTP/1.1', 'GET /healthz\rHTTP/1.1', 'GET /he llo HTTP/1.1', 'GET HTTP/1.1', '/healthz HTTP/1.1',
  '123 /healthz HTTP/1.1', 'GET\0 /healthz HTTP/1.1', 'POST\x7f /v1/recommend HTTP/1.1', 'BREW /pot HTCPCP/1.0', 'GET /healthz HTTP/1.1\x00',
  'CONNECT', 'M-SEARCH', 'GET /\x01 HTTP/1.1', 'GET /\x7f HTTP/1.1', 'GET /healthz HTTP/01.1',
]) add(`request line ${JSON.stringify(line)}`, `${line}\r\nhost: x\r\n\r\n`);
// Not HTTP at all.
add('a TLS ClientHello', Buffer.from('16030100a5010000a10303aabbccdd', 'hex'));
add('the HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
add('an SSH banner', 'SSH-2.0-OpenSSH_9.6\r\n');
add('a SMTP greeting', 'HELO example.com\r\n\r\n');
add('a lone CRLF then garbage', '\r\n\x00\x01\x02\r\n\r\n');
add('JSON instead of a request', '{"itemId": 1}\r\n\r\n');
let seed = 7;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
for (let i = 0; i < 12; i++) {
  const junk = Buffer.from(Array.from({ length: 16 + Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)));
  junk[0] = 0x80 + (junk[0] & 0x7f); // never a valid method's first byte
  add(`random binary #${i}`, Buffer.concat([junk, Buffer.from('\r\n\r\n')]));
}

// ---- 2. Headers Node's parser refuses ----
for (const header of [
  'x-a: b\rc', 'x-a: b\0c', 'x a: b', 'x-a : b', 'x-a\0: b', 'x-a', ': b', 'x-(a): b', 'x-a\x7f: b', '\x01: b',
  'x-a: b\nx-b: c', 'content-length: -1', 'content-length: +1', 'content-length: 1x', 'content-length: 0x10', 'content-length: 1 1',
  'content-length: 99999999999999999999', 'content-length: 1.5', 'content-length:', 'transfer-encoding: gzip', 'transfer-encoding: chunked, gzip',
  'transfer-encoding: chunked\r\ntransfer-encoding: gzip',
]) add(`header ${JSON.stringify(header)}`, `GET /healthz HTTP/1.1\r\nhost: x\r\n${header}\r\n\r\n`);
add('two different content-lengths', 'POST /v1/recommend HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 13\r\ncontent-length: 14\r\n\r\n{"itemId": 1}');
add('two equal content-lengths', 'POST /v1/recommend HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 13\r\ncontent-length: 13\r\n\r\n{"itemId": 1}');
add('content-length and chunked', 'POST /v1/recommend HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 13\r\ntransfer-encoding: chunked\r\n\r\nd\r\n{"itemId": 1}\r\n0\r\n\r\n');
for (const [name, chunks] of [
  ['a chunk size that is not hex', 'zz\r\n{}\r\n0\r\n\r\n'],
  ['a negative chunk size', '-2\r\n{}\r\n0\r\n\r\n'],
  ['a chunk size past 64 bits', 'fffffffffffffffffffff\r\n{}\r\n0\r\n\r\n'],
  ['chunk data longer than its size', '1\r\n{}\r\n0\r\n\r\n'],
  ['no CRLF after chunk data', '2\r\n{}0\r\n\r\n'],
  ['a chunk extension with a NUL', '2;a=\0\r\n{}\r\n0\r\n\r\n'],
  ['a chunk size with a space inside', '1 2\r\n{}\r\n0\r\n\r\n'],
] as const) add(name, `POST /v1/recommend HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n${chunks}`);

// ---- 3. Oversized URLs and headers; Host and Expect ----
add('a URL over 16 KiB', `GET /healthz?${'a'.repeat(17_000)} HTTP/1.1\r\nhost: x\r\n\r\n`);
add('a header over 16 KiB', `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(17_000)}\r\n\r\n`);
add('400 headers of 50 bytes', `GET /healthz HTTP/1.1\r\nhost: x\r\n${Array.from({ length: 400 }, (_, i) => `x-h${i}: ${'b'.repeat(40)}`).join('\r\n')}\r\n\r\n`);
add('an item id of 150 digits', req('GET', `/v1/items/${'1'.repeat(150)}`));
add('an item id of 101 letters', req('GET', `/v1/items/${'a'.repeat(101)}`));
add('a query string of 10 KiB', json(`/v1/recommend?pad=${'x'.repeat(10_000)}`, '{"itemId": 1}'));
for (const path of ['/healthz', '/v1/items/1', '/v1/recommend']) {
  add(`no Host on ${path}`, `GET ${path} HTTP/1.1\r\nconnection: close\r\n\r\n`);
  for (const expectation of ['200-ok', '100-continuee', 'foo']) add(`expect: ${expectation} on ${path}`, req('GET', path, [`expect: ${expectation}`]));
}

// ---- 4. Routes, methods, item ids ----
for (const [method, path] of [['PUT', '/v1/recommend'], ['DELETE', '/v1/toplist'], ['GET', '/v1/fingerprint'], ['PATCH', '/healthz'], ['OPTIONS', '/v1/recommend'],
  ['GET', '/v2/recommend'], ['GET', '/'], ['GET', '/v1/items/'], ['GET', '/v1/items'], ['POST', '/v1/items/1'], ['PROPFIND', '/'], ['GET', '/../etc/passwd'],
  ['GET', '/v1/recommend/../healthz/x'], ['GET', '/%2e%2e/'], ['TRACE', '/healthz'], ['GET', '/v1//items/1']]) add(`${method} ${path}`, req(method, path));
for (const id of ['-1', 'abc', '1.5', '007', '%ff', '%00', '99999999999999999999', '%201', '1e3', '0x1', `${ITEMS}`, '1%2f2', '+1', '١']) add(`item id '${id}'`, req('GET', `/v1/items/${id}`));

// ---- 5. Keys named after Object.prototype members, in every route's body and query ----
for (const key of PROTO_KEYS) {
  add(`recommend body key ${key}`, json('/v1/recommend', `{"itemId": 1, "${key}": 1}`));
  add(`recommend body key ${key} holding an object`, json('/v1/recommend', `{"itemId": 1, "${key}": {"prototype": {"polluted": 1}}}`));
  add(`toplist body key ${key}`, json('/v1/toplist', `{"events": [1, 2], "${key}": 1}`));
  add(`recommend query ${key}`, json(`/v1/recommend?${key}=1`, '{"itemId": 1}'));
  add(`toplist query ${key}`, octet(`/v1/toplist?${key}=1`, Buffer.alloc(8)));
  add(`fingerprint query ${key}`, octet(`/v1/fingerprint?sampleRate=8000&${key}=1`, Buffer.alloc(8)));
  add(`items query ${key}`, req('GET', `/v1/items/1?${key}=1`));
  add(`debug/profile query ${key}`, req('POST', `/debug/profile?${key}=1`));
  add(`placement named ${key}`, json(`/v1/recommend?placement=${key}`, '{"itemId": 1}'));
  add(`content-type parameter charset=${key}`, json('/v1/recommend', '{"itemId": 1}').toString('latin1').replace('application/json', `application/json; charset=${key}`));
}

// ---- 6. JSON that is not JSON, or not the route's JSON ----
const notJson = ['', ' ', '{', '}', '{"itemId": 1,', '{itemId: 1}', "{'itemId': 1}", '{"itemId": 1} x', '{"itemId": 1}}', '[', 'nul', 'tru', '{"itemId": 01}',
  '{"itemId": 1.}', '{"itemId": .5}', '{"itemId": 1e}', '{"itemId": +1}', '{"itemId": 0x1}', '{"itemId": NaN}', '{"itemId": Infinity}', '{"k": -Infinity, "itemId": 1}',
  '{"itemId": "\\x41"}', '{"itemId": "\u0001"}', '{"itemId" 1}', '{"itemId": 1,,"k": 2}', '{,}', '{"itemId": 1}\0', '{"itemId": [1,]}',
  '{"itemId": 1 /* comment */}', '{"itemId": "unterminated}', '{"a\nb": 1}', '{"itemId": 1, "itemId": 2}', '{"k": 5, "itemId": 1, "k": 5}'];
for (const text of notJson) {
  add(`recommend body ${JSON.stringify(text).slice(0, 40)}`, json('/v1/recommend', text));
  add(`toplist body ${JSON.stringify(text).slice(0, 40)}`, json('/v1/toplist', text.replaceAll('itemId', 'events')));
}
for (const text of ['null', 'true', '1', '"s"', '[]', '[1]', '{}', '{"vector": [], "itemId": 1}', '{"vector": null}', '{"itemId": null}', '{"vector": {"0": 1}}',
  `{"vector": ${vector('0.1')}, "itemId": 1}`, `{"vector": [${vector('1')}]}`, '{"vector": "abc"}', `{"vector": ${vector('"1"')}}`, `{"vector": [${'0.1,'.repeat(DIMS - 2)}0.1]}`]) {
  add(`recommend schema ${text.slice(0, 40)}`, json('/v1/recommend', text));
}
for (const text of ['null', '[]', '{}', '{"events": null}', '{"events": "1,2"}', '{"events": {"0": 1}}', '{"events": [[1]]}', '{"events": [{"id": 1}]}', '{"events": [1], "k": "3"}']) {
  add(`toplist schema ${text}`, json('/v1/toplist', text));
}

// ---- 7. Extreme numbers ----
const extremes = ['0', '-0', '-1', '1.5', '1001', '1e308', '-1e308', '1e309', '-1e309', '9007199254740992', '9007199254740993', '1e-400', '"1"', 'true', 'null', '[]', '{}'];
for (const v of extremes) {
  add(`recommend k ${v}`, json('/v1/recommend', `{"itemId": 1, "k": ${v}}`));
  add(`toplist k ${v}`, json('/v1/toplist', `{"events": [1], "k": ${v}}`));
}
for (const v of ['-1', '1.5', '1e308', '-1e308', '1e309', '-1e309', '9007199254740992', '9007199254740993', `${ITEMS}`, '"1"', 'true', 'null', '[1]', '{}']) {
  add(`recommend itemId ${v}`, json('/v1/recommend', `{"itemId": ${v}}`));
}
for (const v of ['1e39', '-1e39', '1e308', '-1e308', '1e309', '-1e309', '3.5e38', '"1"', 'null', 'true', '[]', '{}']) {
  add(`recommend vector value ${v}`, json('/v1/recommend', `{"vector": ${vector(v)}}`));
}
for (const v of ['-1', '-0.5', '4294967296', '1e308', '1e309', '-1e309', '1.5', '9007199254740993', '"1"', 'null', 'true', '[]', '{}']) {
  add(`toplist event ${v}`, json('/v1/toplist', `{"events": [1, ${v}]}`));
}
for (const q of ['k=0', 'k=-1', 'k=1e3', 'k=1001', 'k=99999999999', 'k=010', 'k=%2010', 'k=1.0', 'k=', 'k=1&k=2', 'k=0x10', 'k=%00']) {
  add(`toplist binary ?${q}`, octet(`/v1/toplist?${q}`, Buffer.alloc(8)));
}
for (const q of ['sampleRate=0', 'sampleRate=999', 'sampleRate=384001', 'sampleRate=1e4', 'sampleRate=-8000', 'sampleRate=8000.0', 'sampleRate=', 'sampleRate=8000&sampleRate=8000', '']) {
  add(`fingerprint binary ?${q}`, octet(`/v1/fingerprint?${q}`, Buffer.alloc(4000)));
}
const f32 = (...xs: number[]) => Buffer.from(new Float32Array(xs).buffer);
for (const [name, bytes] of [['NaN', f32(0, Number.NaN)], ['Infinity', f32(Number.POSITIVE_INFINITY)], ['-Infinity', f32(0, Number.NEGATIVE_INFINITY, 0)], ['3 bytes', Buffer.alloc(3)], ['empty', Buffer.alloc(0)]] as const) {
  add(`fingerprint float32 samples: ${name}`, octet('/v1/fingerprint?sampleRate=8000', bytes));
}
add('toplist binary of 5 bytes', octet('/v1/toplist?k=3', Buffer.alloc(5)));
add('toplist binary empty', octet('/v1/toplist?k=3', Buffer.alloc(0)));
add('toplist JSON with ?k=', json('/v1/toplist?k=3', '{"events": [1]}'));

// ---- 8. Content types and charsets ----
for (const path of ['/v1/recommend', '/v1/toplist', '/v1/fingerprint']) {
  for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'image/png', 'audio/mpeg',
    'application/jsonx', 'json', 'application/', '*/*', 'application/json-patch+json', 'text/json']) {
    add(`${path} content-type ${type}`, req('POST', path, [`content-type: ${type}`], '{"itemId": 1}'));
  }
  add(`${path} a body without content-type`, req('POST', path, [], '{"itemId": 1}'));
}
add('recommend octet-stream', octet('/v1/recommend', Buffer.alloc(8)));
for (const encoding of ['gzip', 'br', 'deflate', 'x-gzip', 'compress', 'zstd']) {
  add(`recommend content-encoding: ${encoding}`, json('/v1/recommend', '{"itemId": 1}', [`content-encoding: ${encoding}`]));
  add(`toplist content-encoding: ${encoding}`, octet('/v1/toplist?k=2', Buffer.alloc(8), [`content-encoding: ${encoding}`]));
}
add('fingerprint JSON', json('/v1/fingerprint', '{"samples": [0.1]}'));
for (const charset of ['utf-16', 'UTF-16LE', 'utf-16be', 'latin1', 'iso-8859-1', 'us-ascii', 'utf-7', 'shift_jis', '"utf-32"', 'utf-8x', '']) {
  add(`recommend charset=${charset}`, req('POST', '/v1/recommend', [`content-type: application/json; charset=${charset}`], '{"itemId": 1}'));
  add(`toplist charset=${charset}`, req('POST', '/v1/toplist', [`content-type: application/json;charset=${charset}`], '{"events": [1]}'));
}

// ---- 9. WAVs ----
const goodWav = patchedWav(() => undefined);
for (const [name, bytes] of BAD_WAVS) add(`WAV: ${name}`, wav('/v1/fingerprint', bytes));
for (const [name, bytes] of [
  ['truncated in its data', goodWav.subarray(0, goodWav.length - 101)],
  ['truncated in its header', goodWav.subarray(0, 30)],
  ['just RIFF', Buffer.from('RIFF')],
  ['RIFF size then nothing', goodWav.subarray(0, 12)],
  ['not RIFF', Buffer.from('hello, this is not a RIFF file at all.....')],
  ['a WAVE id that is not WAVE', (() => { const b = Buffer.from(goodWav); b.write('WAVX', 8, 'latin1'); return b; })()],
  ['no fmt chunk', (() => { const b = Buffer.from(goodWav); b.write('junk', 12, 'latin1'); return b; })()],
  ['fmt chunk size 0', patchedWav((b) => void b.writeUInt32LE(0, 16))],
  ['fmt chunk size 0xffffffff', patchedWav((b) => void b.writeUInt32LE(0xffffffff, 16))],
  ['0 channels', patchedWav((b) => void b.writeUInt16LE(0, 22))],
  ['sample rate 0', patchedWav((b) => void b.writeUInt32LE(0, 24))],
  ['block align 0', patchedWav((b) => void b.writeUInt16LE(0, 32))],
  ['16 bits that say 15', patchedWav((b) => void b.writeUInt16LE(15, 34))],
  ['data size 0xffffffff', patchedWav((b) => void b.writeUInt32LE(0xffffffff, 40))],
  ['data size odd (mid-frame)', patchedWav((b) => void b.writeUInt32LE(1599, 40))],
  ['8-bit', wavBytes([[1, 2, 3, 4]], 8000, '8')],
  ['24-bit', wavBytes([[1, 2, 3, 4]], 8000, '24')],
  ['float32', wavBytes([[0.1, 0.2]], 8000, '32f')],
  ['3 channels', wavBytes([[1, 2], [3, 4], [5, 6]], 8000)],
  ['empty', Buffer.alloc(0)],
] as [string, Buffer][]) add(`WAV: ${name}`, wav('/v1/fingerprint', bytes));
add('WAV with ?sampleRate=', wav('/v1/fingerprint?sampleRate=8000', goodWav));
add('WAV as audio/x-wav, truncated', req('POST', '/v1/fingerprint', ['content-type: audio/x-wav'], goodWav.subarray(0, 40)));

// ---- 10. Placements and deadlines ----
for (const p of ['gpu', 'AUTO', 'auto%20', '', 'ts-inline,native-inline', '%00', 'ts_inline', 'native', 'x'.repeat(33), '%F0%9F%92%A9']) {
  add(`?placement=${p.slice(0, 20)}`, json(`/v1/recommend?placement=${p}`, '{"itemId": 1}'));
}
for (const p of ['gpu', 'AUTO', '', 'ts-inline, native-inline', 'native']) add(`x-hotpath-placement: ${p}`, json('/v1/recommend', '{"itemId": 1}', [`x-hotpath-placement: ${p}`]));
add('placement query and header disagree', json('/v1/recommend?placement=ts-inline', '{"itemId": 1}', ['x-hotpath-placement: ts-worker']));
add('two placement headers', json('/v1/recommend', '{"itemId": 1}', ['x-hotpath-placement: ts-inline', 'x-hotpath-placement: ts-worker']));
for (const d of ['0', '-1', 'abc', '1e3', '99999999999', '2147483648', '', ' 5x', '5.5', '0x10', '05', 'constructor', '1,2']) {
  add(`x-hotpath-deadline-ms: ${d}`, json('/v1/recommend', '{"itemId": 1}', [`x-hotpath-deadline-ms: ${d}`]));
}
add('two deadline headers', json('/v1/recommend', '{"itemId": 1}', ['x-hotpath-deadline-ms: 5', 'x-hotpath-deadline-ms: 6']));

// ---- 11. Requests that never finish arriving (408 after the 600 ms bound) ----
add('headers that never end', 'GET /healthz HTTP/1.1\r\nhost: x\r\n');
add('a request line that never ends', 'GET /healthz HTT');
add('a body shorter than its content-length', 'POST /v1/recommend HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"itemId": 1}');
add('a chunked body without its last chunk', 'POST /v1/recommend HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nd\r\n{"itemId": 1}\r\n');
add('a WAV body cut short', Buffer.concat([Buffer.from(`POST /v1/fingerprint HTTP/1.1\r\nhost: x\r\ncontent-type: audio/wav\r\ncontent-length: ${goodWav.length + 10}\r\n\r\n`), goodWav]));

/** Runs `tasks` with at most `limit` in flight. */
async function pooled<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

describe('the bad-input corpus over raw TCP', () => {
  it('holds at least 300 distinct requests', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
  });

  it('every request gets a 4xx with an HP_ERR_* code in a JSON body, then /healthz answers 200', async () => {
    const results = await pooled(cases, 16, async (c) => ({ c, res: await rawRequest(h.port, c.bytes, 10_000) }));
    const bad = results.filter(({ res }) => !(res.status >= 400 && res.status < 500 && /^HP_ERR_[A-Z_]+$/.test(codeOf(res) ?? '') && /^application\/json/.test(res.headers.get('content-type') ?? '')));
    const describe_ = ({ c, res }: { c: Case; res: RawResponse }) => `${c.name}: ${res.status} ${res.text.slice(0, 160)}`;
    expect(bad.map(describe_)).toEqual([]);
    const fiveHundreds = results.filter(({ res }) => res.status >= 500);
    expect(fiveHundreds).toHaveLength(0);
    const health = await rawRequest(h.port, req('GET', '/healthz'));
    expect(health.status).toBe(200);
    // A summary for the log: how many of each status and code.
    const byCode = new Map<string, number>();
    for (const { res } of results) byCode.set(`${res.status} ${codeOf(res)}`, (byCode.get(`${res.status} ${codeOf(res)}`) ?? 0) + 1);
    if (process.env.HOTPATH_CORPUS_SUMMARY) console.log(cases.length, JSON.stringify([...byCode]));
    expect([...byCode.keys()].every((k) => /^4\d\d HP_ERR_/.test(k))).toBe(true);
  });
});

// Property: whatever JSON object a client posts to any POST route, with keys
// named after Object.prototype members mixed in (in the body, in nested
// objects and in the query) and numbers at the edges (1e308, -0, 2^53, 1e309,
// the float32 limit), the answer is a 200 or a 4xx carrying the contract's
// JSON error with an HP_ERR_* code: never a 5xx. Real sockets (fetch to
// 127.0.0.1); 200 runs.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTO_KEYS } from './adversarial.js';
import { DIMS, listening, type Harness } from './helpers.js';

let h: Harness & { port: number };
beforeAll(async () => {
  h = await listening();
});
afterAll(async () => {
  await h.close();
});

const ROUTES = ['/v1/recommend', '/v1/toplist', '/v1/fingerprint', '/debug/profile'];
const FIELDS = ['vector', 'itemId', 'k', 'events', 'placement', 'sampleRate'];

// Numbers as JSON text: JSON.stringify cannot write -0, 1e309 or 9007199254740993.
const edgeNumber = fc.oneof(
  fc.constantFrom('1e308', '-1e308', '-0', '0', '1', '2', '10', '1000', '1001', '9007199254740992', '9007199254740993', '1e309', '-1e309', '5e-324',
    '3.4028234663852886e38', '3.5e38', '1e39', '4294967295', '4294967296', '-1', '0.5', '1e-400', '1E2', '2000'),
  fc.integer({ min: -5, max: 3000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? '-0' : String(d))),
);
const key = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 }));

interface JsonTree { text: string }
const { value } = fc.letrec<{ value: JsonTree }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    edgeNumber.map((text) => ({ text })),
    fc.array(edgeNumber, { maxLength: 24 }).map((xs) => ({ text: `[${xs.join(',')}]` })),
    // A vector of the catalog's dimension, so the kernel sees the edge values.
    fc.array(edgeNumber, { minLength: DIMS, maxLength: DIMS }).map((xs) => ({ text: `[${xs.join(',')}]` })),
    fc.constantFrom('null', 'true', 'false', '"1"', '""', '"ts-inline"', '"native-worker"').map((text) => ({ text })),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 3 }).map((entries) => ({ text: objectText(entries) })),
  ),
}));

function objectText(entries: [string, JsonTree][]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v.text}`).join(',')}}`;
}

const body = fc.array(fc.tuple(key, value), { maxLength: 5 }).map(objectText);
const query = fc.option(fc.tuple(fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.constantFrom('k', 'placement', 'sampleRate')), edgeNumber), { nil: undefined });

describe('any JSON to any POST route', () => {
  it('is answered 200 or 4xx with an HP_ERR_* code, never 5xx (200 runs)', async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), body, query, async (route, text, q) => {
        const url = `http://127.0.0.1:${h.port}${route}${q === undefined ? '' : `?${encodeURIComponent(q[0])}=${encodeURIComponent(q[1])}`}`;
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
        const answer = await res.text();
        seen.set(String(res.status), (seen.get(String(res.status)) ?? 0) + 1);
        if (res.status === 200) return;
        expect(res.status, answer).toBeGreaterThanOrEqual(400);
        expect(res.status, answer).toBeLessThan(500);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        const error = (JSON.parse(answer) as { error: { code: string; message: string } }).error;
        expect(error.code).toMatch(/^HP_ERR_[A-Z_]+$/);
        expect(error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: Number(process.env.HOTPATH_PROPERTY_RUNS ?? 200), seed: Number(process.env.HOTPATH_PROPERTY_SEED ?? 20261203) },
    );
    // The properties reached past validation at least sometimes.
    expect([...seen.keys()].every((s) => /^(200|4\d\d)$/.test(s))).toBe(true);
    expect((await fetch(`http://127.0.0.1:${h.port}/healthz`)).status).toBe(200);
  });
});

// A catalog whose values are as large as the row-norm bound allows (2^127):
// every placement answers finite scores and /v1/items shows a finite norm.
// (Values of 3e38 are refused at load: test/catalog/catalog.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog, MAX_ROW_NORM } from '../../src/catalog/catalog.js';
import { listening, type Harness } from './helpers.js';
import { rawRequest } from './raw.js';

const ITEMS = 64;
const DIMS = 16;
let h: Harness & { port: number };

beforeAll(async () => {
  // Rows at 0.99 of the bound, with signs and magnitudes varying by row, so scores differ.
  const values = new Float32Array(ITEMS * DIMS);
  for (let i = 0; i < ITEMS; i++) {
    const w = Float64Array.from({ length: DIMS }, (_, j) => ((i * 7 + j * 13) % 11) - 5 + 0.5);
    const norm = Math.hypot(...w);
    for (let j = 0; j < DIMS; j++) values[i * DIMS + j] = (w[j] / norm) * MAX_ROW_NORM * 0.99;
  }
  h = await listening({}, { catalog: createCatalog(values, DIMS) });
});
afterAll(async () => {
  await h.close();
});

const post = (path: string, body: string) =>
  `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;

describe('a catalog near the row-norm bound', () => {
  it('/v1/items/0 shows a finite norm', async () => {
    const res = await rawRequest(h.port, 'GET /v1/items/0 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    expect(res.status).toBe(200);
    const { norm } = JSON.parse(res.body) as { norm: number };
    expect(norm).toBeCloseTo(MAX_ROW_NORM * 0.99, -33);
  });

  it.each(['ts-inline', 'native-inline', 'ts-worker', 'native-worker', 'native-async'])('%s: finite scores in [-1, 1] for an item and for a vector of float32-max values', async (placement) => {
    for (const body of [{ itemId: 3, k: 10 }, { vector: Array.from({ length: DIMS }, (_, j) => (j % 2 ? -3.4e38 : 3.4e38)), k: 10 }]) {
      const res = await rawRequest(h.port, post(`/v1/recommend?placement=${placement}`, JSON.stringify(body)));
      expect(res.status, res.body).toBe(200);
      const items = (JSON.parse(res.body) as { items: { id: number; score: number }[] }).items;
      expect(items).toHaveLength(10);
      for (const { score } of items) {
        expect(Number.isFinite(score)).toBe(true);
        expect(Math.abs(score)).toBeLessThanOrEqual(1 + 1e-5);
      }
    }
  });
});

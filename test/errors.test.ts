import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, fromWire, HotpathError, toWire } from '../src/errors.js';

describe('error table', () => {
  it('docs/errors.md lists exactly the codes of src/errors.ts, with the same statuses', () => {
    const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `(HP_ERR_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    const table = Object.entries(ERRORS).map(([code, spec]) => [code, spec.status]);
    expect(rows.sort()).toEqual(table.sort());
  });

  it('every code is HP_ERR_* with a status and a message', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^HP_ERR_[A-Z_]+$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.message.length).toBeGreaterThan(0);
    }
  });

  it('errors survive the wire form with class, code, message and details', () => {
    const err = new HotpathError('HP_ERR_DIMENSION_MISMATCH', 'vector has 3', { details: { expected: 4 } });
    const wire = structuredClone(toWire(err));
    const back = fromWire(wire);
    expect(back).toBeInstanceOf(HotpathError);
    expect([back.code, back.status, back.message, back.details]).toEqual(['HP_ERR_DIMENSION_MISMATCH', 400, 'vector has 3', { expected: 4 }]);
  });

  it('an unknown or missing code becomes HP_ERR_NATIVE, not a crash', () => {
    expect(fromWire({ code: 'EWHAT', message: 'x' }).code).toBe('HP_ERR_NATIVE');
    expect(toWire('a string').code).toBe('HP_ERR_NATIVE');
    expect(toWire(Object.assign(new Error('m'), { code: 'HP_ERR_ABORTED' })).code).toBe('HP_ERR_ABORTED');
  });
});

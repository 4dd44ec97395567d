import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, fromWire, HotpathError, KernelError, kernelFailure, toWire } from '../src/errors.js';

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
    const back = fromWire(wire) as HotpathError;
    expect(back).toBeInstanceOf(HotpathError);
    expect([back.code, back.status, back.message, back.details]).toEqual(['HP_ERR_DIMENSION_MISMATCH', 400, 'vector has 3', { expected: 4 }]);
  });

  it('an unknown or missing code becomes HP_ERR_KERNEL_FAILED, not a crash', () => {
    expect(fromWire({ code: 'EWHAT', message: 'x' }).code).toBe('HP_ERR_KERNEL_FAILED');
    expect(toWire('a string').code).toBe('HP_ERR_KERNEL_FAILED');
    expect(toWire(new TypeError('x is not a function'))).toMatchObject({ code: 'HP_ERR_KERNEL_FAILED', message: 'x is not a function' });
    expect(toWire(Object.assign(new Error('m'), { code: 'HP_ERR_ABORTED' })).code).toBe('HP_ERR_ABORTED');
  });

  it('a KernelError keeps its class, code, message and status across the wire', () => {
    const back = fromWire(structuredClone(toWire(new KernelError('MATRIX_SINGULAR', 'singular', { status: 422 }))));
    expect(back).toBeInstanceOf(KernelError);
    expect([back.code, back.message, back.status]).toEqual(['MATRIX_SINGULAR', 'singular', 422]);
    expect(new KernelError('X', 'y').status).toBe(400);
  });

  it('HP_ERR_ is reserved, and a status must be 400..599', () => {
    expect(() => new KernelError('HP_ERR_MINE', 'no')).toThrow(/reserved/);
    expect(() => new KernelError('', 'no')).toThrow(TypeError);
    expect(() => new KernelError('X', 'no', { status: 200 })).toThrow(/400\.\.599/);
  });

  it('a native error with a string code becomes a KernelError; without one, HP_ERR_NATIVE', () => {
    const coded = kernelFailure(Object.assign(new Error('bad n'), { code: 'COLLATZ_BAD_N', status: 422 }), true);
    expect(coded).toBeInstanceOf(KernelError);
    expect([coded.code, coded.status]).toEqual(['COLLATZ_BAD_N', 422]);
    expect(kernelFailure(new Error('boom'), true).code).toBe('HP_ERR_NATIVE');
    expect(kernelFailure(Object.assign(new TypeError('t'), { code: 'ERR_X' }), false).code).toBe('HP_ERR_KERNEL_FAILED');
  });
});

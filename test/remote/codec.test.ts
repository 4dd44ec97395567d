// The remote placement's wire form (src/remote/codec.ts): JSON with typed
// arrays cut out as raw bytes. No Redis needed.
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../src/remote/codec.js';

describe('remote codec', () => {
  it('round-trips every typed array kind, Buffers and ArrayBuffers, nested anywhere', () => {
    const value = {
      f32: Float32Array.of(1.5, NaN, -Infinity), f64: Float64Array.of(Math.PI), u8: Uint8Array.of(1, 2, 3), i8: Int8Array.of(-1),
      c8: Uint8ClampedArray.of(255), i16: Int16Array.of(-2), u16: Uint16Array.of(65535), i32: Int32Array.of(-3), u32: Uint32Array.of(2 ** 32 - 1),
      b64: BigInt64Array.of(-(2n ** 63n)), ub64: BigUint64Array.of(2n ** 64n - 1n),
      buf: Buffer.from('hello'), ab: Uint8Array.of(9, 8).buffer,
      nested: { list: [Uint32Array.of(7), { deep: Float32Array.of(0.25) }], s: 'x', n: 1, t: true, z: null },
    };
    const back = decode(encode(value)) as typeof value;
    expect(back).toEqual(value);
    expect(back.buf).toBeInstanceOf(Buffer);
    expect(back.ab).toBeInstanceOf(ArrayBuffer);
    expect(Number.isNaN(back.f32[1])).toBe(true);
  });

  it('a view into a larger buffer sends only its own bytes, and arrays come back aligned in buffers of their own', () => {
    const big = new Float64Array(1000).map((_, i) => i);
    const view = big.subarray(10, 13);
    const buf = encode({ view, odd: Uint8Array.of(1, 2, 3) });
    expect(buf.length).toBeLessThan(200);
    const back = decode(Buffer.concat([Buffer.from([0]), buf]).subarray(1)) as { view: Float64Array; odd: Uint8Array };
    expect([...back.view]).toEqual([10, 11, 12]);
    expect(back.view.byteOffset).toBe(0);
    expect(back.view.buffer.byteLength).toBe(24);
  });

  it('a 4 MB Float32Array costs its bytes, not a JSON object of a million keys', () => {
    const f = new Float32Array(1 << 20).map((_, i) => Math.sin(i));
    const buf = encode({ vector: f });
    expect(buf.length).toBeLessThan(f.byteLength + 64);
    expect(JSON.stringify({ vector: f }).length).toBeGreaterThan(4 * buf.length);
    const back = (decode(buf) as { vector: Float32Array }).vector;
    expect(back).toBeInstanceOf(Float32Array);
    expect(Buffer.compare(Buffer.from(back.buffer), Buffer.from(f.buffer))).toBe(0);
  });

  it('plain JSON values stay JSON (undefined dropped, NaN to null); a top-level array or undefined works', () => {
    expect(decode(encode({ a: undefined, b: NaN, c: [1, 'x'] }))).toEqual({ b: null, c: [1, 'x'] });
    expect(decode(encode(Int16Array.of(5)))).toEqual(Int16Array.of(5));
    expect(decode(encode(undefined))).toBeNull();
    expect(() => decode(Buffer.from([1]))).toThrow(/too short/);
    expect(() => decode(Buffer.from([255, 0, 0, 0, 1]))).toThrow(/truncated/);
  });
});

// How typed arrays cross, without threads: what the worker posts back
// (wireResult) and what the pool posts (KernelSpec.toWire), checked through
// structuredClone, which is what postMessage does.
import { describe, expect, it } from 'vitest';
import { wireResult } from '../../src/pool/dispatch/transfer.js';
import { KernelSpec } from '../../src/pool/registry.js';
import { echoKernel } from '../../src/kernels/diagnostics.js';

const own = (key: string, value: unknown): object => Object.defineProperty({}, key, { value, enumerable: true, writable: true, configurable: true });

describe('typed arrays on the wire', () => {
  it('a result keeps its arrays; a view into a larger buffer crosses as its own bytes, in a copy of its holder', () => {
    const whole = Uint32Array.of(3, 1);
    const big = new Float64Array(1 << 20).map((_, i) => i);
    const shared = new Int32Array(new SharedArrayBuffer(16), 4, 2);
    const raw = { whole, nested: { view: big.subarray(5, 8) }, shared, k: 2 };
    const wire = wireResult(raw) as typeof raw;
    expect(wire).not.toBe(raw);
    expect(wire.whole).toBe(whole); // nothing to cut: the same array, cloned by postMessage
    expect(wire.shared).toBe(shared); // shared memory by reference
    expect(wire.nested.view.buffer.byteLength).toBe(24);
    expect(Array.from(wire.nested.view)).toEqual([5, 6, 7]);
    // The kernel's objects are not changed, and its buffer is not moved.
    expect(raw.nested.view.buffer).toBe(big.buffer);
    expect(big.length).toBe(1 << 20);
    const cloned = structuredClone(wire);
    expect(cloned.nested.view.buffer.byteLength).toBe(24);
    // A result with no views is posted as it is.
    const plain = { ids: whole, n: 1 };
    expect(wireResult(plain)).toBe(plain);
  });

  it('an own key "__proto__" holding a view stays a key, result or input', () => {
    const big = new Uint8Array(64);
    const raw = own('__proto__', big.subarray(1, 3));
    const wire = wireResult(raw) as Record<string, Uint8Array>;
    expect(Object.getPrototypeOf(wire)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(wire, '__proto__')!.value.byteLength).toBe(2);
    const spec = new KernelSpec(echoKernel, 0, { catalog: undefined });
    const input = own('__proto__', new Uint8Array(64 * 1024).subarray(0, 20_000));
    const sent = spec.toWire(input, true, []) as Record<string, Uint8Array>;
    expect(Object.getPrototypeOf(sent)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(sent, '__proto__')!.value.buffer.byteLength).toBe(20_000);
  });
});

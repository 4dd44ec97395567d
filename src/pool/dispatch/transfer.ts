// Inputs of 16 KiB or more cross to the worker by transfer, not structured
// clone: a clone of a typed-array view copies its whole underlying buffer (a
// 4 KB view into a 64 MB request body would copy 64 MB), and a transfer
// copies nothing. Results never move (wireResult).

type Moveable = Exclude<ArrayBufferView, DataView>;

// Below this size an input is copied by postMessage instead of moved: a copy
// of 16 KiB costs about as much as a transfer's fixed cost (detach + new
// buffer), and a copied input stays with the task, so the pool can send it
// again if the worker dies before running it.
export const MOVE_MIN_BYTES = 16 * 1024;

/**
 * Returns the array to post and adds what to transfer to `list`. Shared
 * memory passes by reference, and small arrays are cloned by postMessage. A
 * larger array spanning its own buffer moves when `transfer` (the caller's
 * array is then detached); otherwise, or for a view into a larger buffer, the
 * exact bytes are copied once and the copy moves.
 */
export function movable<T extends Moveable>(a: T, transfer: boolean, list: ArrayBuffer[]): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  if (a.byteLength < MOVE_MIN_BYTES) return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : ((a as unknown as Uint8Array).slice() as unknown as T);
  if (transfer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && !list.includes(a.buffer)) {
    list.push(a.buffer);
    return a;
  }
  const copy = (a as unknown as Uint8Array).slice() as unknown as T;
  list.push(copy.buffer as ArrayBuffer);
  return copy;
}

/**
 * A result as it crosses back, copied by postMessage, never moved: the
 * first buffer a thread detaches turns off V8's fast path for typed arrays
 * in that thread for good (its "array buffer detaching" protector). After
 * one 32 KiB result moved back, toplist's TS twin over 4 KiB ran 42-45 us in
 * that worker instead of 34-39; a dot product of two 64 Ki Float32Arrays
 * took 2x as long. A copy costs a 16 KiB array 6 us more than a move, 1 MiB
 * 210 us (docs/own-kernels.md: large outputs go into shared memory). A view
 * into a larger buffer, among the result's values or in nested plain
 * objects, is replaced by a copy of its own bytes (a clone would copy the
 * whole buffer), in a copy of the objects that hold it.
 */
export function wireResult(raw: unknown): unknown {
  return mapViews(raw, ownBytes, false, NO_MOVES);
}

/** ownBytes moves nothing: one empty list for every result, not one per task. */
const NO_MOVES: ArrayBuffer[] = [];

function ownBytes(a: Moveable): Moveable {
  const b = a.buffer;
  return b instanceof SharedArrayBuffer || (a.byteOffset === 0 && a.byteLength === b.byteLength) ? a : ((a as Uint8Array).slice() as Moveable);
}

// Typed arrays among a value's own values, and in plain objects nested up to
// this depth, are what the wire handles; anything else goes to structured
// clone as it is.
const WIRE_DEPTH = 4;

/**
 * `value` with each typed array (not DataView) among it replaced by
 * `leaf(array, transfer, list)`. The objects that hold a replaced array are
 * copied (shallow), never changed: they are the caller's or the kernel's.
 */
export function mapViews(value: unknown, leaf: (a: Moveable, transfer: boolean, list: ArrayBuffer[]) => Moveable, transfer: boolean, list: ArrayBuffer[], depth = 0): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return leaf(value as Moveable, transfer, list);
  if (depth >= WIRE_DEPTH || typeof value !== 'object' || value === null) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v !== 'object' || v === null) continue;
    const w = mapViews(v, leaf, transfer, list, depth + 1);
    // defineProperty, not `out[key] =`: an own key "__proto__" stays a key.
    if (w !== v) Object.defineProperty((out ??= { ...value }), key, { value: w, writable: true, enumerable: true, configurable: true });
  }
  return out ?? value;
}

// Inputs cross to the worker by transfer, not structured clone: a clone of a
// typed-array view copies its whole underlying buffer (a 4 KB view into a
// 64 MB request body would copy 64 MB), and a transfer copies nothing.

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
 * The buffers of a result to move back instead of copying: typed arrays of
 * MOVE_MIN_BYTES or more, among its values or nested plain objects, that
 * span their own (not shared) buffer. Smaller ones are copied.
 */
export function resultBuffers(raw: unknown): ArrayBuffer[] {
  const list: ArrayBuffer[] = [];
  collect(raw, list, 0);
  return list;
}

function collect(value: unknown, list: ArrayBuffer[], depth: number): void {
  if (ArrayBuffer.isView(value)) {
    const b = value.buffer;
    if (value.byteLength >= MOVE_MIN_BYTES && !(b instanceof SharedArrayBuffer) && value.byteOffset === 0 && value.byteLength === b.byteLength && !list.includes(b)) list.push(b);
    return;
  }
  if (depth >= 4 || typeof value !== 'object' || value === null) return;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'object' && v !== null) collect(v, list, depth + 1);
  }
}

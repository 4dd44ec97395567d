// Inputs cross to the worker by transfer, not structured clone: a clone of a
// typed-array view copies its whole underlying buffer (a 4 KB view into a
// 64 MB request body would copy 64 MB), and a transfer copies nothing.

type Moveable = Float32Array | Uint32Array;

/**
 * Returns the array to post and adds what to transfer to `list`. Shared
 * memory passes by reference. An array spanning its own buffer moves when
 * `transfer` (the caller's array is then detached); otherwise, or for a view
 * into a larger buffer, the exact bytes are copied once and the copy moves.
 */
export function movable<T extends Moveable>(a: T, transfer: boolean, list: ArrayBuffer[]): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  if (transfer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && !list.includes(a.buffer)) {
    list.push(a.buffer);
    return a;
  }
  const copy = a.slice() as T;
  list.push(copy.buffer as ArrayBuffer);
  return copy;
}

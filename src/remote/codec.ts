// What crosses Redis: a value as JSON, with its typed arrays (and Buffers,
// ArrayBuffers) cut out and appended as raw bytes. BullMQ keeps job data as
// JSON, where a 4 MB Float32Array is an object of a million "i": value pairs
// (docs/remote.md has the sizes and times); here it is 4 MB of bytes.
//
// Layout: u32 LE length of the JSON header, the header (UTF-8), zero padding
// to 8 bytes, then each array's bytes, each padded to 8. In the header an
// array is {"\u0000hp":[type, offset, length]} (offset from the data start,
// length in elements). JSON's limits apply to everything else: undefined is
// dropped, NaN and Infinity become null, Maps and Dates do not survive.
const TAG = '\u0000hp';

type ArrayKind = 'Int8Array' | 'Uint8Array' | 'Uint8ClampedArray' | 'Int16Array' | 'Uint16Array' | 'Int32Array' | 'Uint32Array'
  | 'Float32Array' | 'Float64Array' | 'BigInt64Array' | 'BigUint64Array' | 'Buffer' | 'ArrayBuffer';

const CTORS: Record<Exclude<ArrayKind, 'Buffer' | 'ArrayBuffer'>, { new (b: ArrayBuffer, o: number, n: number): ArrayBufferView; BYTES_PER_ELEMENT: number }> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};

const pad8 = (n: number): number => (n + 7) & ~7;

function kindOf(value: ArrayBufferView | ArrayBuffer): ArrayKind | undefined {
  if (value instanceof ArrayBuffer) return 'ArrayBuffer';
  if (Buffer.isBuffer(value)) return 'Buffer';
  const name = value.constructor?.name;
  return name !== undefined && Object.prototype.hasOwnProperty.call(CTORS, name) ? (name as ArrayKind) : undefined;
}

/** Encodes a value (JSON data with typed arrays anywhere in it) into one Buffer. */
export function encode(value: unknown): Buffer {
  const blobs: Uint8Array[] = [];
  let offset = 0;
  const header = JSON.stringify(value === undefined ? null : value, function (this: unknown, key: string, v: unknown) {
    // The replacer sees a Buffer after its toJSON ran: look at the holder's own value.
    const raw = key === '' ? value : (this as Record<string, unknown>)[key];
    if (typeof raw !== 'object' || raw === null || !(ArrayBuffer.isView(raw) || raw instanceof ArrayBuffer) || raw instanceof DataView) return v;
    const kind = kindOf(raw);
    if (kind === undefined) return v;
    const bytes = raw instanceof ArrayBuffer ? new Uint8Array(raw) : new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    const length = raw instanceof ArrayBuffer || kind === 'Buffer' ? raw.byteLength : (raw as unknown as { length: number }).length;
    const entry = { [TAG]: [kind, offset, length] };
    blobs.push(bytes);
    offset += pad8(bytes.byteLength);
    return entry;
  });
  const head = Buffer.from(header, 'utf8');
  const start = pad8(4 + head.length);
  const out = Buffer.alloc(start + offset);
  out.writeUInt32LE(head.length, 0);
  head.copy(out, 4);
  let at = start;
  for (const b of blobs) {
    out.set(b, at);
    at += pad8(b.byteLength);
  }
  return out;
}

/** Decodes what encode made. Arrays come back in buffers of their own (copied out of `buf`). */
export function decode(buf: Uint8Array): unknown {
  if (buf.byteLength < 4) throw new Error('remote payload too short');
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const headLen = view.readUInt32LE(0);
  if (4 + headLen > view.length) throw new Error('remote payload truncated');
  const start = pad8(4 + headLen);
  return JSON.parse(view.toString('utf8', 4, 4 + headLen), (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const tag = (v as Record<string, unknown>)[TAG];
    if (!Array.isArray(tag)) return v;
    const [kind, off, length] = tag as [ArrayKind, number, number];
    const from = view.byteOffset + start + off;
    const ab = view.buffer as ArrayBuffer;
    if (kind === 'Buffer') return Buffer.from(ab.slice(from, from + length));
    if (kind === 'ArrayBuffer') return ab.slice(from, from + length);
    const Ctor = CTORS[kind];
    if (Ctor === undefined) throw new Error(`remote payload: unknown array type ${String(kind)}`);
    const bytes = length * Ctor.BYTES_PER_ELEMENT;
    return new Ctor(ab.slice(from, from + bytes), 0, length);
  });
}

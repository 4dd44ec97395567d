// NumPy .npy loading: float32 (read straight into shared memory, no second
// copy) or float64 (converted), shape [N, D], C order. Hand-written because
// the format is 10 lines of header and the available npm readers load the
// whole file into a private ArrayBuffer first: a 2nd full copy of a catalog
// that can be gigabytes. Format: numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { fsCause } from '../causes.js';
import { HotpathError } from '../errors.js';
import { allocateCatalogData, catalogFromShared, type Catalog } from './catalog.js';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data. */
  dataOffset: number;
}

function invalid(path: string, why: string): HotpathError {
  return new HotpathError('HP_ERR_CATALOG_INVALID', `${path}: ${why}`);
}

/** Longest header we read (NumPy's own limit is 10,000 bytes unless the file is trusted). */
export const MAX_NPY_HEADER_BYTES = 16 * 1024 * 1024;

/** Bytes before the header text: magic, version, and the header length (2 bytes in v1, 4 in v2/v3). */
export function npyPreambleLength(head: Buffer, path = '.npy'): { start: number; headerLen: number; major: number } {
  if (head.length < 10 || !head.subarray(0, 6).equals(MAGIC)) throw invalid(path, 'not a .npy file (bad magic)');
  const major = head[6];
  if (major === 1) return { start: 10, headerLen: head.readUInt16LE(8), major };
  if (major === 2 || major === 3) {
    if (head.length < 12) throw invalid(path, 'truncated header');
    return { start: 12, headerLen: head.readUInt32LE(8), major };
  }
  throw invalid(path, `unsupported .npy version ${major}`);
}

type Literal = string | boolean | number[];

/**
 * The header's Python literal: a dict of string keys, as numpy.save writes it
 * ({'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), } then spaces
 * and a newline). A parser for exactly this small grammar, not a Python
 * evaluator and not regular expressions over the text:
 *
 *   header := ws '{' ws (pair (ws ',' ws pair)* (ws ',')?)? ws '}' ws end
 *   pair   := string ws ':' ws value
 *   value  := string | 'True' | 'False' | tuple
 *   string := "'" (any character but ', \\, CR, LF, NUL)* "'"
 *   tuple  := '(' ws ')' | '(' ws int ws ',' ws ')' | '(' ws int (ws ',' ws int)+ (ws ',')? ws ')'
 *   int    := '0' | [1-9][0-9]*
 *   ws     := [ \t\r\n]*
 *
 * Stricter than NumPy (which runs ast.literal_eval) on purpose: no escapes,
 * double quotes, string concatenation, comments, hexadecimal or underscored
 * integers, booleans as dimensions, nested containers, and no key twice
 * (Python keeps the last one silently). Keys are then checked: exactly descr,
 * fortran_order and shape.
 */
export function parseHeaderLiteral(text: string): Map<string, Literal> {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at character ${i}`);
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r' || text[i] === '\n')) i++;
  };
  const expect = (c: string) => {
    if (text[i] !== c) fail(`expected '${c}'${i < text.length ? `, found ${JSON.stringify(text[i])}` : ', found the end'}`);
    i++;
  };
  const string = (): string => {
    expect("'");
    const from = i;
    for (; i < text.length && text[i] !== "'"; i++) {
      if (text[i] === '\\' || text[i] === '\n' || text[i] === '\r' || text[i] === '\0') fail('escape, line break or NUL in a string');
    }
    if (i >= text.length) fail('unterminated string');
    const value = text.slice(from, i);
    i++;
    return value;
  };
  const int = (): number => {
    const from = i;
    if (text[i] === '0') i++;
    else if (text[i] !== undefined && text[i] >= '1' && text[i] <= '9') {
      while (text[i] !== undefined && text[i] >= '0' && text[i] <= '9') i++;
    } else fail('expected a dimension (decimal digits)');
    const digits = text.slice(from, i);
    const n = Number(digits);
    if (!Number.isSafeInteger(n)) fail(`dimension ${digits} is too large`);
    return n;
  };
  const tuple = (): number[] => {
    expect('(');
    ws();
    const dims: number[] = [];
    if (text[i] === ')') {
      i++;
      return dims;
    }
    dims.push(int());
    ws();
    if (text[i] !== ',') fail("expected ',' (a one-element tuple is written (n,))");
    while (text[i] === ',') {
      i++;
      ws();
      if (text[i] === ')') break;
      dims.push(int());
      ws();
    }
    expect(')');
    return dims;
  };
  const value = (): Literal => {
    const c = text[i];
    if (c === "'") return string();
    if (c === '(') return tuple();
    if (text.startsWith('True', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('False', i)) {
      i += 5;
      return false;
    }
    return fail(c === '{' || c === '[' ? 'nested container' : 'expected a string, True, False or a tuple');
  };
  const out = new Map<string, Literal>();
  ws();
  expect('{');
  ws();
  while (text[i] !== '}') {
    const key = string();
    if (out.has(key)) fail(`key '${key}' appears twice`);
    ws();
    expect(':');
    ws();
    out.set(key, value());
    ws();
    if (text[i] === ',') {
      i++;
      ws();
    } else if (text[i] !== '}') fail("expected ',' or '}'");
  }
  i++;
  ws();
  if (i !== text.length) fail('unexpected text after the dict');
  return out;
}

const HEADER_KEYS = ['descr', 'fortran_order', 'shape'];

/** Parses the header of a .npy file from its first bytes. */
export function parseNpyHeader(head: Buffer, path = '.npy'): NpyHeader {
  const { start, headerLen, major } = npyPreambleLength(head, path);
  if (headerLen > MAX_NPY_HEADER_BYTES) throw invalid(path, `header of ${headerLen} bytes is over ${MAX_NPY_HEADER_BYTES}`);
  if (start + headerLen > head.length) throw invalid(path, 'truncated header');
  const bytes = head.subarray(start, start + headerLen);
  let text: string;
  try {
    text = major === 3 ? new TextDecoder('utf-8', { fatal: true }).decode(bytes) : bytes.toString('latin1');
  } catch {
    throw invalid(path, 'header is not valid UTF-8');
  }
  let dict: Map<string, Literal>;
  try {
    dict = parseHeaderLiteral(text);
  } catch (err) {
    throw invalid(path, `header is not a NumPy header dict: ${(err as Error).message}`);
  }
  const keys = [...dict.keys()];
  if (keys.length !== HEADER_KEYS.length || !HEADER_KEYS.every((k) => dict.has(k))) {
    throw invalid(path, `header keys must be exactly ${HEADER_KEYS.join(', ')}; got ${keys.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}`);
  }
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') throw invalid(path, 'descr must be a string');
  if (typeof fortran !== 'boolean') throw invalid(path, 'fortran_order must be True or False');
  if (!Array.isArray(shape)) throw invalid(path, 'shape must be a tuple of integers');
  return { descr, fortranOrder: fortran, shape, dataOffset: start + headerLen };
}

async function readExactly(fh: FileHandle, target: Uint8Array, position: number, path: string): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await fh.read(target, done, target.length - done, position + done);
    if (bytesRead === 0) throw invalid(path, `truncated: expected ${target.length} data bytes, found ${done}`);
    done += bytesRead;
  }
}

/** Descriptors of the dtypes we load, as NumPy reads them on a little-endian host ('=' is native order). */
function itemSizeOf(descr: string): 4 | 8 | undefined {
  if (descr === '<f4' || (LITTLE_ENDIAN && descr === '=f4')) return 4;
  if (descr === '<f8' || (LITTLE_ENDIAN && descr === '=f8')) return 8;
  return undefined;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Loads a catalog from a .npy file: float32 or float64 ('<f4', '<f8'; '=f4',
 * '=f8' on a little-endian host), shape [N, D] with N, D >= 1, C order, every
 * value finite, every row's L2 norm at most MAX_ROW_NORM.
 * The path must name a regular file: a FIFO, a device or a socket is refused
 * before anything is read from it (a read from a FIFO nobody writes to never
 * returns). It is opened non-blocking for that reason: opening a FIFO for
 * reading otherwise waits for a writer.
 * Errors: HP_ERR_CATALOG_NOT_FOUND (missing/unreadable), HP_ERR_CATALOG_INVALID (anything else).
 */
export async function loadCatalog(path: string): Promise<Catalog> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'catalog path must be a non-empty string');
  }
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new HotpathError('HP_ERR_CATALOG_NOT_FOUND', `${path}: ${fsCause(err)}`, { cause: err });
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new HotpathError('HP_ERR_CATALOG_NOT_FOUND', `${path}: is a directory, not a .npy file`);
    if (!st.isFile()) {
      const kind = st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : st.isSocket() ? 'a socket' : 'not a regular file';
      throw invalid(path, `is ${kind}: a catalog must be a regular .npy file`);
    }
    const { size } = st;
    const read = async (target: Uint8Array, position: number) => {
      try {
        await readExactly(fh, target, position, path);
      } catch (err) {
        if (err instanceof HotpathError) throw err;
        throw new HotpathError('HP_ERR_CATALOG_NOT_FOUND', `${path}: ${fsCause(err)}`, { cause: err });
      }
    };
    const pre = Buffer.alloc(Math.min(size, 12));
    await read(pre, 0);
    const { start, headerLen } = npyPreambleLength(pre, path);
    if (headerLen > MAX_NPY_HEADER_BYTES) throw invalid(path, `header of ${headerLen} bytes is over ${MAX_NPY_HEADER_BYTES}`);
    if (start + headerLen > size) throw invalid(path, 'truncated header');
    const head = Buffer.alloc(start + headerLen);
    await read(head, 0);
    const h = parseNpyHeader(head, path);
    const itemSize = itemSizeOf(h.descr);
    if (itemSize === undefined) {
      throw invalid(path, `dtype ${h.descr} is not supported (want little-endian float32 '<f4' or float64 '<f8')`);
    }
    if (h.fortranOrder) throw invalid(path, 'Fortran order is not supported (save with C order)');
    if (h.shape.length !== 2) throw invalid(path, `shape must be [N, D], got [${h.shape.join(', ')}]`);
    const [items, dims] = h.shape as [number, number];
    if (items < 1 || dims < 1) throw invalid(path, `shape must be at least [1, 1], got [${items}, ${dims}]`);
    const dataBytes = items * dims * itemSize;
    if (!Number.isSafeInteger(dataBytes) || size - h.dataOffset < dataBytes) {
      throw invalid(path, `truncated: shape [${items}, ${dims}] needs ${dataBytes} data bytes, file has ${size - h.dataOffset}`);
    }
    const data = allocateCatalogData(items, dims);
    if (itemSize === 4) {
      await read(new Uint8Array(data.buffer, data.byteOffset, dataBytes), h.dataOffset);
    } else {
      const tmp = Buffer.alloc(dataBytes);
      await read(tmp, h.dataOffset);
      const f64 = new Float64Array(tmp.buffer, tmp.byteOffset, items * dims);
      data.set(f64);
    }
    return catalogFromShared(data, dims, path);
  } finally {
    await fh.close();
  }
}

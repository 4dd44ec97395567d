// NumPy .npy loading: float32 (read straight into shared memory, no second
// copy) or float64 (converted), shape [N, D], C order. Hand-written because
// the format is 10 lines of header and the available npm readers load the
// whole file into a private ArrayBuffer first: a 2nd full copy of a catalog
// that can be gigabytes. Format: numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import { open, type FileHandle } from 'node:fs/promises';
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

/** Parses the header of a .npy file from its first bytes. */
export function parseNpyHeader(head: Buffer, path = '.npy'): NpyHeader {
  if (head.length < 10 || !head.subarray(0, 6).equals(MAGIC)) throw invalid(path, 'not a .npy file (bad magic)');
  const major = head[6];
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = head.readUInt16LE(8);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (head.length < 12) throw invalid(path, 'truncated header');
    headerLen = head.readUInt32LE(8);
    start = 12;
  } else {
    throw invalid(path, `unsupported .npy version ${major}`);
  }
  if (start + headerLen > head.length) throw invalid(path, 'truncated header');
  const text = head.subarray(start, start + headerLen).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw invalid(path, 'header lacks descr, fortran_order or shape');
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((n) => !Number.isSafeInteger(n) || n < 0)) throw invalid(path, `bad shape (${shapeText})`);
  return { descr, fortranOrder: fortran === 'True', shape, dataOffset: start + headerLen };
}

async function readExactly(fh: FileHandle, target: Uint8Array, position: number, path: string): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await fh.read(target, done, target.length - done, position + done);
    if (bytesRead === 0) throw invalid(path, `truncated: expected ${target.length} data bytes, found ${done}`);
    done += bytesRead;
  }
}

/**
 * Loads a catalog from a .npy file: float32 or float64 ('<f4', '<f8'), shape
 * [N, D] with N, D >= 1, C order, every value finite.
 * Errors: HP_ERR_CATALOG_NOT_FOUND (missing/unreadable), HP_ERR_CATALOG_INVALID (anything else).
 */
export async function loadCatalog(path: string): Promise<Catalog> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'catalog path must be a non-empty string');
  }
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw new HotpathError('HP_ERR_CATALOG_NOT_FOUND', `${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(Math.min(size, 65536 + 12));
    try {
      await readExactly(fh, head, 0, path);
    } catch (err) {
      if (err instanceof HotpathError) throw err;
      throw new HotpathError('HP_ERR_CATALOG_NOT_FOUND', `${path}: ${(err as Error).message}`, { cause: err });
    }
    const h = parseNpyHeader(head, path);
    if (h.descr !== '<f4' && h.descr !== '<f8') {
      throw invalid(path, `dtype ${h.descr} is not supported (want little-endian float32 '<f4' or float64 '<f8')`);
    }
    if (h.fortranOrder) throw invalid(path, 'Fortran order is not supported (save with C order)');
    if (h.shape.length !== 2) throw invalid(path, `shape must be [N, D], got [${h.shape.join(', ')}]`);
    const [items, dims] = h.shape as [number, number];
    if (items < 1 || dims < 1) throw invalid(path, `shape must be at least [1, 1], got [${items}, ${dims}]`);
    const itemSize = h.descr === '<f4' ? 4 : 8;
    const dataBytes = items * dims * itemSize;
    if (size - h.dataOffset < dataBytes) {
      throw invalid(path, `truncated: shape [${items}, ${dims}] needs ${dataBytes} data bytes, file has ${size - h.dataOffset}`);
    }
    const data = allocateCatalogData(items, dims);
    if (itemSize === 4) {
      await readExactly(fh, new Uint8Array(data.buffer, data.byteOffset, dataBytes), h.dataOffset, path);
    } else {
      const tmp = Buffer.alloc(dataBytes);
      await readExactly(fh, tmp, h.dataOffset, path);
      const f64 = new Float64Array(tmp.buffer, tmp.byteOffset, items * dims);
      data.set(f64);
    }
    return catalogFromShared(data, dims, path);
  } finally {
    await fh.close();
  }
}

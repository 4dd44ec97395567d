// The .npy header parser: a grammar for the header's Python literal dict, not
// regular expressions. Decoys a regex reader falls for, what NumPy writes
// (v1, v2 and v3 headers, long padding), and a differential fuzz against
// NumPy's own header reader when python3 has numpy.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, parseNpyHeader, type NpyHeader } from '../../src/catalog/npy.js';
import { HotpathError } from '../../src/errors.js';
import { npyBytes, writeNpy } from '../fixtures/npy.js';
import { mulberry32 } from '../../src/catalog/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'hotpath-npyh-'));
const values = Float32Array.from({ length: 12 }, (_, i) => i - 5.5);

/** A .npy preamble and header holding exactly `text` (no padding added), version 1, 2 or 3. */
function headerBytes(text: string, version: 1 | 2 | 3 = 1): Buffer {
  const body = Buffer.from(text, version === 3 ? 'utf8' : 'latin1');
  const pre = Buffer.alloc(version === 1 ? 10 : 12);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(pre);
  if (version === 1) pre.writeUInt16LE(body.length, 8);
  else pre.writeUInt32LE(body.length, 8);
  return Buffer.concat([pre, body]);
}

function parsed(text: string, version: 1 | 2 | 3 = 1): NpyHeader | string {
  try {
    return parseNpyHeader(headerBytes(text, version));
  } catch (err) {
    expect(err).toBeInstanceOf(HotpathError);
    expect((err as HotpathError).code).toBe('HP_ERR_CATALOG_INVALID');
    return (err as Error).message;
  }
}

async function loadCode(path: string): Promise<string> {
  try {
    await loadCatalog(path);
    return 'loaded';
  } catch (err) {
    return (err as HotpathError).code;
  }
}

describe('parseNpyHeader: the grammar', () => {
  it.each([
    ["numpy.save's own form", "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }          \n", [4, 3]],
    ['no trailing comma, other key order', "{'shape': (4, 3), 'descr': '<f4', 'fortran_order': False}\n", [4, 3]],
    ['tabs and newlines between tokens', "{\n\t'descr' :\t'<f4' ,\n 'fortran_order': False,\r\n'shape': ( 4 , 3 , ) }", [4, 3]],
    ['a one-element tuple', "{'descr': '<f4', 'fortran_order': False, 'shape': (12,), }", [12]],
    ['an empty tuple (a scalar)', "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", []],
    ['a zero dimension', "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", [0, 3]],
  ])('accepts %s', (_name, text, shape) => {
    const h = parsed(text);
    expect(typeof h === 'string' ? h : h.shape).toEqual(shape);
  });

  it.each([
    // Decoys: each fools a reader that searches the text with regular expressions.
    ['a string value that holds "\'shape\': (4, 3)"', `{"descr": "<f4', 'shape': (4, 3), '", 'fortran_order': False, 'shape': (2, 6), }`],
    ['descr twice (Python keeps the last one silently)', "{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }"],
    ["a nested dict holding 'descr': '<f4'", "{'descr': {'descr': '<f4'}, 'fortran_order': False, 'shape': (4, 3), }"],
    ['shape twice', "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), 'shape': (2, 6)}"],
    // Not the grammar.
    ['a hexadecimal dimension', "{'descr': '<f4', 'fortran_order': False, 'shape': (0x4, 3), }"],
    ['an exponent dimension', "{'descr': '<f4', 'fortran_order': False, 'shape': (4e0, 3), }"],
    ['a negative dimension', "{'descr': '<f4', 'fortran_order': False, 'shape': (-4, 3), }"],
    ['a dimension with a leading zero', "{'descr': '<f4', 'fortran_order': False, 'shape': (04, 3), }"],
    ['an underscored dimension', "{'descr': '<f4', 'fortran_order': False, 'shape': (4_0, 3), }"],
    ['a Python 2 long', "{'descr': '<f4', 'fortran_order': False, 'shape': (4L, 3L), }"],
    ['True as a dimension', "{'descr': '<f4', 'fortran_order': False, 'shape': (True, 3), }"],
    ['a dimension past 2^53', "{'descr': '<f4', 'fortran_order': False, 'shape': (9007199254740993, 3), }"],
    ['a list, not a tuple', "{'descr': '<f4', 'fortran_order': False, 'shape': [4, 3], }"],
    ['a parenthesised int, not a tuple', "{'descr': '<f4', 'fortran_order': False, 'shape': (12), }"],
    ['a NUL byte in a string', "{'descr': '<f4\0', 'fortran_order': False, 'shape': (4, 3), }"],
    ['a NUL byte in the padding', "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }  \0\n"],
    ['an escape in a string', "{'descr': '\\x3cf4', 'fortran_order': False, 'shape': (4, 3), }"],
    ['an unknown key', "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), 'x': 'y'}"],
    ['a missing key', "{'descr': '<f4', 'shape': (4, 3), }"],
    ['fortran_order as 0', "{'descr': '<f4', 'fortran_order': 0, 'shape': (4, 3), }"],
    ['descr as True', "{'descr': True, 'fortran_order': False, 'shape': (4, 3), }"],
    ['text after the dict', "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), } x\n"],
    ['a second dict', "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }{}"],
    ['a tuple header', "('<f4', False, (4, 3))"],
    ['a list header', "['descr', '<f4']"],
    ['two commas', "{'descr': '<f4',, 'fortran_order': False, 'shape': (4, 3)}"],
    ['an unterminated dict', "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), "],
    ['an empty header', ''],
    ['a comment', "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), } # hi"],
  ])('refuses %s with HP_ERR_CATALOG_INVALID', (_name, text) => {
    expect(typeof parsed(text)).toBe('string');
  });

  it('refuses a v3 header that is not UTF-8', () => {
    const bytes = headerBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }", 3);
    bytes[bytes.length - 2] = 0xff;
    expect(() => parseNpyHeader(bytes)).toThrow(/UTF-8/);
  });
});

describe('loadCatalog: headers NumPy writes', () => {
  it('a v2 header of 70 KB of padding, and a v3 header, load', async () => {
    const v2 = await loadCatalog(writeNpy(join(dir, 'v2.npy'), values, { shape: [4, 3], version: 2, minHeaderBytes: 70_000 }));
    expect([v2.items, v2.dims]).toEqual([4, 3]);
    expect(v2.data).toEqual(values);
    const v3 = await loadCatalog(writeNpy(join(dir, 'v3.npy'), values, { shape: [3, 4], version: 3 }));
    expect([v3.items, v3.dims]).toEqual([3, 4]);
  });

  it("'=f4' and '=f8' (native order) load on a little-endian host, as NumPy reads them", async () => {
    expect(new Uint8Array(new Uint16Array([1]).buffer)[0]).toBe(1);
    expect((await loadCatalog(writeNpy(join(dir, 'eq4.npy'), values, { shape: [4, 3], descr: '=f4' }))).data).toEqual(values);
    expect((await loadCatalog(writeNpy(join(dir, 'eq8.npy'), Float64Array.from(values), { shape: [4, 3], descr: '=f8' }))).data).toEqual(values);
  });

  it('the decoys are refused by loadCatalog too', async () => {
    const decoy = (name: string, header: string) => writeNpy(join(dir, name), values, { header });
    expect(await loadCode(decoy('d1.npy', `{"descr": "<f4', 'shape': (4, 3), '", 'fortran_order': False, 'shape': (2, 6), }`))).toBe('HP_ERR_CATALOG_INVALID');
    expect(await loadCode(decoy('d2.npy', "{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }"))).toBe('HP_ERR_CATALOG_INVALID');
    expect(await loadCode(decoy('d3.npy', "{'descr': {'descr': '<f4'}, 'fortran_order': False, 'shape': (4, 3), }"))).toBe('HP_ERR_CATALOG_INVALID');
    expect(await loadCode(decoy('d4.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }"))).toBe('loaded');
  });
});

// ---- Differential fuzz against NumPy's header reader ----

const numpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

/** A seeded PRNG (the synthetic catalog's), so a failing header can be reproduced. */
const prng = mulberry32;

interface Verdict { ok: boolean; shape?: number[]; fortran?: boolean; dtype?: string }

/** The dtypes loadCatalog takes, as NumPy names them. */
const LOADABLE = new Map([['<f4', '<f4'], ['=f4', '<f4'], ['<f8', '<f8'], ['=f8', '<f8']]);

function ours(bytes: Buffer): Verdict {
  try {
    const h = parseNpyHeader(bytes);
    const dtype = LOADABLE.get(h.descr);
    return dtype === undefined ? { ok: false } : { ok: true, shape: h.shape, fortran: h.fortranOrder, dtype };
  } catch {
    return { ok: false };
  }
}

const PYTHON = `
import base64, io, json, sys, warnings
import numpy as np
try:
    import numpy.lib._format_impl as fmt
except ImportError:
    import numpy.lib.format as fmt
warnings.simplefilter('ignore')
out = []
for b64 in json.load(sys.stdin):
    f = io.BytesIO(base64.b64decode(b64))
    try:
        version = fmt.read_magic(f)
        shape, fortran, dtype = fmt._read_array_header(f, version, max_header_size=1 << 30)
        ok = dtype.str in ('<f4', '<f8')
        out.append({'ok': ok, 'shape': list(shape), 'fortran': fortran, 'dtype': dtype.str} if ok else {'ok': False})
    except Exception:
        out.append({'ok': False})
print(json.dumps(out))
`;

function numpyVerdicts(headers: Buffer[]): Verdict[] {
  const res = spawnSync('python3', ['-c', PYTHON], { input: JSON.stringify(headers.map((b) => b.toString('base64'))), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`python3 failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as Verdict[];
}

/**
 * Headers from tokens both grammars share (exact agreement expected), and
 * headers mutated byte by byte or given constructs that only Python takes
 * (hex or underscored ints, double quotes, duplicate keys...), where NumPy
 * may accept what we refuse but never the other way round.
 */
function generate(seed: number, n: number): { text: string; version: 1 | 2 | 3; exact: boolean }[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const ws = () => pick(['', '', ' ', ' ', '  ', '\t', '\n', ' \n ', '\r\n']);
  const dim = () => String(pick([0, 1, 2, 3, 4, 7, 12, 100, 65536, 2 ** 31, 2 ** 40]));
  const shape = () => {
    const dims = Array.from({ length: pick([0, 1, 1, 2, 2, 2, 2, 3]) }, dim);
    if (dims.length === 0) return `(${ws()})`;
    if (dims.length === 1) return `(${ws()}${dims[0]}${ws()},${ws()})`;
    return `(${ws()}${dims.join(`${ws()},${ws()}`)}${rand() < 0.5 ? `${ws()},` : ''}${ws()})`;
  };
  const descr = () => `'${pick(['<f4', '<f4', '<f8', '=f4', '=f8', '>f4', '<i4', '|u1', '<f2', 'nope'])}'`;
  const fortran = () => pick(['False', 'False', 'True']);
  const broken = [
    (p: string[]) => p.slice(1), // a key missing
    (p: string[]) => [...p, `'x'${ws()}:${ws()}'y'`], // an unknown key
    (p: string[]) => p.map((s) => s.replace(':', '')), // no colons
    (p: string[]) => [p.join(' ')], // no commas
    (p: string[]) => p.map((s) => s.replace(/\((.*)\)/, '[$1]')), // lists, not tuples
    (p: string[]) => p.map((s) => s.replace('False', '0').replace('True', '1')), // ints as bools
  ];
  const hostile = [
    (t: string) => t.replace(/\d+/, (d) => `0x${Number(d).toString(16)}`),
    (t: string) => t.replace(/(\d)(\d)/, '$1_$2'),
    (t: string) => t.replace(/(\d+)/, '$1L'),
    (t: string) => t.replace(/\((\s*)(\d)/, '($1True'),
    (t: string) => t.replace("'descr'", '"descr"'),
    (t: string) => t.replace("'<", "'\\x3c"),
    (t: string) => t.replace(/}/, ", 'descr': '<f4'}"),
    (t: string) => t.replace(/\(/, '(-'),
    (t: string) => t.replace(/\(([^)]*)\)/, '(($1))'),
    (t: string) => `${t} # note`,
    (t: string) => t.replace(/'/, "u'"),
  ];
  const out: { text: string; version: 1 | 2 | 3; exact: boolean }[] = [];
  for (let i = 0; i < n; i++) {
    let pairs = [`'descr'${ws()}:${ws()}${descr()}`, `'fortran_order'${ws()}:${ws()}${fortran()}`, `'shape'${ws()}:${ws()}${shape()}`];
    for (let j = pairs.length - 1; j > 0; j--) {
      const k = Math.floor(rand() * (j + 1));
      [pairs[j], pairs[k]] = [pairs[k], pairs[j]];
    }
    if (rand() < 0.15) pairs = pick(broken)(pairs);
    let text = `${pick(['', ' ', '\t'])}{${ws()}${pairs.join(`${ws()},${ws()}`)}${rand() < 0.6 ? `${ws()},` : ''}${ws()}}${pick(['', '\n', '   \n', ' '.repeat(40) + '\n', ' x', '}'])}`;
    let exact = true;
    const r = rand();
    if (r < 0.2) {
      text = pick(hostile)(text);
      exact = false;
    } else if (r < 0.45) {
      // One to three byte-level mutations.
      const alphabet = " ,'(){}:0123456789LxTF_#\"\\\0\t\n-+[]e.";
      for (let m = 1 + Math.floor(rand() * 3); m > 0; m--) {
        const at = Math.floor(rand() * (text.length + 1));
        const op = rand();
        if (op < 0.4) text = text.slice(0, at) + pick([...alphabet]) + text.slice(at);
        else if (op < 0.7) text = text.slice(0, at) + text.slice(at + 1);
        else text = text.slice(0, at) + pick([...alphabet]) + text.slice(at + 1);
      }
      exact = false;
    }
    out.push({ text, version: pick([1, 1, 1, 2, 3] as const), exact });
  }
  return out;
}

describe('differential fuzz against numpy', () => {
  it.skipIf(!numpy)(`${numpy ? '' : 'cannot run: python3 has no numpy; '}200 generated headers: what we accept NumPy reads the same; on the shared grammar we agree exactly`, () => {
    const cases = generate(20261203, 200);
    const theirs = numpyVerdicts(cases.map((c) => headerBytes(c.text, c.version)));
    let agreedAccept = 0;
    let agreedReject = 0;
    let stricter = 0;
    cases.forEach((c, i) => {
      const mine = ours(headerBytes(c.text, c.version));
      const np = theirs[i];
      const where = `header ${i} (v${c.version}) ${JSON.stringify(c.text)}: ours ${JSON.stringify(mine)}, numpy ${JSON.stringify(np)}`;
      if (mine.ok) expect(np, where).toEqual(mine);
      else if (c.exact) expect(np.ok, where).toBe(false);
      if (mine.ok) agreedAccept++;
      else if (!np.ok) agreedReject++;
      else stricter++;
    });
    // The generator must exercise both sides.
    expect(agreedAccept).toBeGreaterThan(20);
    expect(agreedReject).toBeGreaterThan(30);
    expect(agreedAccept + agreedReject + stricter).toBe(200);
  });
});

it('npyBytes writes what parseNpyHeader reads (fixture sanity)', () => {
  expect(parseNpyHeader(npyBytes(values, { shape: [4, 3], version: 3 })).shape).toEqual([4, 3]);
});

// decodeWav: wavefile parses the container, we check the format and convert.
import { describe, expect, it } from 'vitest';
import { decodeWav } from '../../src/server/wav.js';
import { int16Tone, wavBytes } from './helpers.js';
import { codeOf } from '../fixtures/errors.js';
import { BAD_WAVS, patchedWav } from './adversarial.js';


/** A WAVE_FORMAT_EXTENSIBLE header (40-byte fmt chunk) around PCM16 mono samples. */
function extensible(samples: Int16Array, rate: number, subformat = 1): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const fmt = Buffer.alloc(40);
  fmt.writeUInt16LE(0xfffe, 0);
  fmt.writeUInt16LE(1, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * 2, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(16, 14);
  fmt.writeUInt16LE(22, 16);
  fmt.writeUInt16LE(16, 18);
  fmt.writeUInt32LE(4, 20);
  fmt.writeUInt32LE(subformat, 24); // GUID data1: the format code (1 = PCM, 3 = float)
  Buffer.from('000000001000800000aa00389b71', 'hex').copy(fmt, 28);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(4 + 8 + 40 + 8 + data.length, 4);
  head.write('WAVE', 8, 'latin1');
  const chunk = (id: string, body: Buffer) => {
    const h = Buffer.alloc(8);
    h.write(id, 0, 'latin1');
    h.writeUInt32LE(body.length, 4);
    return Buffer.concat([h, body]);
  };
  return Buffer.concat([head, chunk('fmt ', fmt), chunk('data', data)]);
}

describe('decodeWav', () => {
  const tone = int16Tone(1000, 3);

  it('mono PCM16: samples / 32768, rate from the header', () => {
    const out = decodeWav(wavBytes([tone], 22050));
    expect(out.sampleRate).toBe(22050);
    expect(out.channels).toBe(1);
    expect(Array.from(out.samples)).toEqual(Array.from(Float32Array.from(tone, (v) => v / 32768)));
  });

  it('stereo PCM16 is mixed down to (left + right) / 2', () => {
    const right = int16Tone(1000, 8);
    const out = decodeWav(wavBytes([tone, right], 48000));
    expect(out.channels).toBe(2);
    expect(out.samples.length).toBe(1000);
    expect(Array.from(out.samples)).toEqual(Array.from(Float32Array.from(tone, (v, i) => (v + right[i]) / 65536)));
  });

  it('big-endian RIFX gives the same samples', () => {
    const out = decodeWav(wavBytes([tone], 8000, '16', 'RIFX'));
    expect(Array.from(out.samples)).toEqual(Array.from(decodeWav(wavBytes([tone], 8000)).samples));
  });

  it('a body at an odd byte offset (not 2-aligned) decodes the same', () => {
    const bytes = wavBytes([tone], 8000);
    const shifted = Buffer.alloc(bytes.length + 1).subarray(1);
    bytes.copy(shifted);
    expect(Array.from(decodeWav(shifted).samples)).toEqual(Array.from(decodeWav(bytes).samples));
  });

  it('WAVE_FORMAT_EXTENSIBLE with a PCM subformat is PCM; with a float subformat it is refused', () => {
    expect(decodeWav(extensible(tone, 16000)).samples.length).toBe(1000);
    expect(codeOf(() => decodeWav(extensible(tone, 16000, 3)))).toBe('HP_ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses what is not PCM16 mono/stereo (415) and what is broken (400)', () => {
    expect(codeOf(() => decodeWav(wavBytes([[1, 2]], 8000, '8')))).toBe('HP_ERR_UNSUPPORTED_MEDIA_TYPE');
    expect(codeOf(() => decodeWav(wavBytes([[1, 2]], 8000, '32')))).toBe('HP_ERR_UNSUPPORTED_MEDIA_TYPE');
    expect(codeOf(() => decodeWav(wavBytes([[1], [2], [3], [4]], 8000)))).toBe('HP_ERR_UNSUPPORTED_MEDIA_TYPE');
    const good = wavBytes([tone], 8000);
    expect(codeOf(() => decodeWav(good.subarray(0, good.length - 3)))).toBe('HP_ERR_INVALID_WAV');
    expect(codeOf(() => decodeWav(good.subarray(0, 30)))).toBe('HP_ERR_INVALID_WAV');
    expect(codeOf(() => decodeWav(Buffer.from('RIFF....WAVEjunk')))).toBe('HP_ERR_INVALID_WAV');
  });
});

describe('decodeWav: the container checks wavefile leaves out', () => {
  it.each(BAD_WAVS)('%s: HP_ERR_INVALID_WAV', (_name, wav) => {
    expect(codeOf(() => decodeWav(wav))).toBe('HP_ERR_INVALID_WAV');
  });

  it('bytes after the RIFF size are ignored; an RF64 file with its ds64 sizes decodes', () => {
    const good = patchedWav(() => undefined);
    expect(decodeWav(Buffer.concat([good, Buffer.from('trailing junk')])).samples.length).toBe(800);
    const rf64 = Buffer.from(wavBytes([int16Tone(800, 4)], 8000, '16'));
    const ds64 = Buffer.alloc(8 + 28);
    ds64.write('ds64', 0, 'latin1');
    ds64.writeUInt32LE(28, 4);
    const total = rf64.length + ds64.length;
    ds64.writeUInt32LE(total - 8, 8); // riff size, low 32 bits
    ds64.writeUInt32LE(1600, 16); // data size, low 32 bits
    const out = Buffer.concat([rf64.subarray(0, 12), ds64, rf64.subarray(12)]);
    out.write('RF64', 0, 'latin1');
    out.writeUInt32LE(0xffffffff, 4);
    const at = out.indexOf('data', 12, 'latin1');
    out.writeUInt32LE(0xffffffff, at + 4);
    expect(decodeWav(out).samples.length).toBe(800);
  });
});

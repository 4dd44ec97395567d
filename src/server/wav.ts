// audio/wav bodies -> mono float32 samples for the fingerprint kernel.
// The container (RIFF, RIFX, RF64; chunk walking; fmt and
// WAVE_FORMAT_EXTENSIBLE) is parsed by wavefile, a maintained and widely used
// decoder, not by hand. We accept PCM 16-bit, mono or stereo, any rate, and
// convert the samples ourselves: wavefile's getSamples() unpacks one sample
// per call (140 ms for 30 s of 44.1 kHz stereo here, on the event loop),
// while the loop below over an Int16Array view takes about 5 ms (about
// 1 ms per MB of WAV: a 64 MiB body holds the event loop some 65 ms).
import wavefile from 'wavefile';
import { HotpathError } from '../errors.js';

export interface DecodedWav {
  /** Mono, in [-1, 1): stereo is mixed down as (left + right) / 2. */
  samples: Float32Array;
  sampleRate: number;
  channels: number;
}

interface Fmt {
  audioFormat: number;
  numChannels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bitsPerSample: number;
  subformat: number[];
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const invalid = (why: string) => new HotpathError('HP_ERR_INVALID_WAV', `not a usable WAV file: ${why}`);
const unsupported = (why: string) =>
  new HotpathError('HP_ERR_UNSUPPORTED_MEDIA_TYPE', `WAV format not supported: ${why}; send PCM 16-bit mono or stereo`);

/**
 * The container checks wavefile leaves out: the RIFF size must not claim more
 * than the body holds (a size of 0xffffffff on a plain RIFF, which only RF64
 * may use) nor less than its chunks need (a size of 0); every chunk lies
 * within it; there is exactly one fmt chunk (with two, which one applies is
 * anyone's guess).
 */
function checkContainer(body: Buffer): { ds64Data: number | undefined } {
  if (body.length < 12) throw invalid(`${body.length} bytes is shorter than a RIFF header`);
  const id = body.toString('latin1', 0, 4);
  const be = id === 'RIFX';
  const u32 = (at: number) => (be ? body.readUInt32BE(at) : body.readUInt32LE(at));
  let riffEnd = u32(4) + 8;
  let ds64Data: number | undefined;
  if (id === 'RF64') {
    // RF64 sets the 32-bit sizes to 0xffffffff and keeps the real ones in ds64, the first chunk.
    if (body.length < 36 || body.toString('latin1', 12, 16) !== 'ds64') throw invalid('an RF64 file without its ds64 chunk');
    riffEnd = u32(24) * 2 ** 32 + u32(20) + 8;
    ds64Data = u32(32) * 2 ** 32 + u32(28);
  }
  if (riffEnd > body.length) {
    throw invalid(`the RIFF header declares ${riffEnd - 8} bytes after it, the body has ${body.length - 8}`);
  }
  let fmts = 0;
  let at = 12;
  while (at + 8 <= riffEnd) {
    const chunk = body.toString('latin1', at, at + 4);
    let size = u32(at + 4);
    if (chunk === 'data' && ds64Data !== undefined && size === 0xffffffff) size = ds64Data;
    if (chunk === 'fmt ') fmts++;
    if (at + 8 + size > riffEnd) {
      // The data chunk's own truncation is reported by decodeWav with the sizes.
      if (chunk === 'data' && riffEnd === body.length) break;
      throw invalid(`the '${chunk.replace(/[^\x20-\x7e]/g, '?')}' chunk at byte ${at} runs past the ${riffEnd - 8} bytes the RIFF header declares`);
    }
    at += 8 + size + (size % 2);
  }
  if (fmts !== 1) throw invalid(fmts === 0 ? 'no fmt chunk within the RIFF size' : `${fmts} fmt chunks (one is allowed)`);
  return { ds64Data };
}

export function decodeWav(body: Buffer): DecodedWav {
  const wav = new wavefile.WaveFile();
  try {
    // A Buffer in: wavefile's data chunk is then a view of it (Buffer.slice), not a copy.
    wav.fromBuffer(body);
  } catch (err) {
    throw invalid((err as Error).message);
  }
  const { ds64Data } = checkContainer(body);
  const fmt = wav.fmt as Fmt;
  const data = wav.data as { chunkSize: number; samples: Uint8Array };
  const pcm = fmt.audioFormat === WAVE_FORMAT_PCM ||
    (fmt.audioFormat === WAVE_FORMAT_EXTENSIBLE && fmt.subformat?.[0] === WAVE_FORMAT_PCM);
  if (!pcm) throw unsupported(`audio format ${fmt.audioFormat} (bit depth ${wav.bitDepth}) is not integer PCM`);
  if (fmt.bitsPerSample !== 16) throw unsupported(`${fmt.bitsPerSample}-bit samples`);
  const channels = fmt.numChannels;
  if (channels !== 1 && channels !== 2) throw unsupported(`${channels} channels`);
  if (fmt.blockAlign !== 2 * channels) throw invalid(`block align ${fmt.blockAlign} does not match ${channels} x 16 bits`);
  if (!Number.isInteger(fmt.sampleRate) || fmt.sampleRate < 1) throw invalid(`sample rate ${fmt.sampleRate}`);
  if (fmt.byteRate !== fmt.sampleRate * fmt.blockAlign) {
    throw invalid(`byte rate ${fmt.byteRate} is not sample rate x block align (${fmt.sampleRate} x ${fmt.blockAlign})`);
  }
  // RF64 keeps the data size in ds64 when the chunk's own says 0xffffffff.
  const declared = data.chunkSize === 0xffffffff && ds64Data !== undefined ? ds64Data : data.chunkSize;
  if (data.samples.length < declared) {
    throw invalid(`truncated: the data chunk declares ${declared} bytes, the body has ${data.samples.length}`);
  }
  if (declared % fmt.blockAlign !== 0) throw invalid(`data chunk of ${declared} bytes ends mid-frame`);
  const frames = declared / fmt.blockAlign;
  const bytes = data.samples.subarray(0, declared);
  const bigEndian = wav.container === 'RIFX';
  let ints: Int16Array;
  if (!bigEndian && LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) {
    ints = new Int16Array(bytes.buffer, bytes.byteOffset, declared / 2);
  } else {
    ints = new Int16Array(declared / 2);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, declared);
    for (let i = 0; i < ints.length; i++) ints[i] = dv.getInt16(i * 2, !bigEndian);
  }
  const samples = new Float32Array(frames);
  if (channels === 1) {
    for (let i = 0; i < frames; i++) samples[i] = ints[i] / 32768;
  } else {
    for (let i = 0, j = 0; i < frames; i++, j += 2) samples[i] = (ints[j] + ints[j + 1]) / 65536;
  }
  return { samples, sampleRate: fmt.sampleRate, channels };
}

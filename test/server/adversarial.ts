// Shared inputs of the adversarial tests (hardening, corpus, property).
import { int16Tone, wavBytes } from './helpers.js';

/** Keys that a plain object answers from Object.prototype. */
export const PROTO_KEYS = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', 'isPrototypeOf', 'propertyIsEnumerable', '__defineGetter__'];

/** A PCM16 mono WAV with its header fields patched. */
export function patchedWav(patch: (b: Buffer) => Buffer | void): Buffer {
  const wav = Buffer.from(wavBytes([int16Tone(800, 4)], 8000));
  return patch(wav) ?? wav;
}

export const BAD_WAVS: [string, Buffer][] = [
  ['RIFF size 0', patchedWav((b) => void b.writeUInt32LE(0, 4))],
  ['RIFF size 0xffffffff', patchedWav((b) => void b.writeUInt32LE(0xffffffff, 4))],
  ['RIFF size one past the body', patchedWav((b) => void b.writeUInt32LE(b.length - 7, 4))],
  ['byte rate 0', patchedWav((b) => void b.writeUInt32LE(0, 28))],
  ['byte rate not rate x block align', patchedWav((b) => void b.writeUInt32LE(8000 * 2 + 1, 28))],
  ['a second fmt chunk', patchedWav((b) => {
    const fmt = b.subarray(12, 36); // 'fmt ' + size 16 + 16 bytes
    const out = Buffer.concat([b.subarray(0, 36), fmt, b.subarray(36)]);
    out.writeUInt32LE(out.length - 8, 4);
    return out;
  })],
];


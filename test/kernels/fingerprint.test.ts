import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HotpathError } from '../../src/errors.js';
import type { FingerprintRaw } from '../../src/native/binding.js';
import {
  FINGERPRINT_PARAMS as P,
  fingerprint,
  fingerprintFrames,
  fingerprintTs,
} from '../../src/kernels/fingerprint/index.js';
import { COS, SIN, WINDOW, powerSpectrum, spectrumScratch } from '../../src/kernels/fingerprint/spectrum.js';
import { rms, sine, synthMusic, whiteNoise } from '../fixtures/audio.js';
import { addonOrSkip } from '../fixtures/native.js';

const addon = addonOrSkip(); // throws when HOTPATH_REQUIRE_NATIVE=1 and the addon is missing
const impls = addon !== null ? (['ts', 'native'] as const) : (['ts'] as const);
const N = P.frameSize;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return 'no error';
}

/** Every landmark decodes to valid fields, in anchor-time order. */
function checkShape(raw: FingerprintRaw): void {
  expect(raw.times.length).toBe(raw.hashes.length);
  for (let i = 0; i < raw.hashes.length; i++) {
    const h = raw.hashes[i];
    const b1 = h >>> 15;
    const b2 = (h >>> 6) & 511;
    const dt = h & 63;
    if (b1 < 1 || b1 > 511 || b2 < 1 || b2 > 511 || dt < 1 || Math.abs(b1 - b2) > P.zoneBins) {
      throw new Error(`bad landmark ${h.toString(16)} at ${i}`);
    }
    if (i > 0 && raw.times[i] < raw.times[i - 1]) throw new Error(`times not sorted at ${i}`);
  }
}

describe('fingerprint: TS and native are bit-identical', () => {
  it('random synthetic audio at random rates gives exactly the same hashes and times (property)', () => {
    const common = {
      frac: fc.double({ min: 0, max: 1, noNaN: true }),
      seed: fc.integer({ min: 0, max: 0x7fffffff }),
      amplitude: fc.constantFrom(1e-6, 1e-3, 0.05, 1, 20),
      voices: fc.integer({ min: 1, max: 6 }),
      kind: fc.constantFrom('music', 'music', 'music', 'noise'),
    };
    const arb = fc.oneof(
      fc.record({ ...common, rate: fc.constantFrom(8000, 11025, 16000, 22050, 44100, 48000), seconds: fc.constant(3) }),
      fc.record({ ...common, rate: fc.integer({ min: 1000, max: 384000 }), seconds: fc.constant(0.4) }),
    );
    fc.assert(
      fc.property(arb, ({ frac, seed, amplitude, voices, kind, rate, seconds }) => {
        const length = Math.floor(frac * seconds * rate);
        const x = kind === 'noise'
          ? whiteNoise(length, amplitude, seed)
          : synthMusic({ seconds, length, sampleRate: rate, seed, amplitude, voices });
        const ts = fingerprintTs(x, rate);
        checkShape(ts);
        if (addon === null) return;
        const nat = addon.fingerprint(x, rate);
        expect(nat.hashes).toEqual(ts.hashes);
        expect(nat.times).toEqual(ts.times);
      }),
      { numRuns: 50 },
    );
  });
});

describe('fingerprint: spectrum against a float64 reference', () => {
  it('the sqrt-built twiddles equal Math.cos/Math.sin within 1e-15 (measured 3.3e-16)', () => {
    let worst = 0;
    for (let k = 0; k <= N / 2; k++) {
      worst = Math.max(worst, Math.abs(COS[k] - Math.cos((2 * Math.PI * k) / N)));
      worst = Math.max(worst, Math.abs(SIN[k] - Math.sin((2 * Math.PI * k) / N)));
    }
    expect(worst).toBeLessThan(1e-15);
  });

  it('powerSpectrum equals a naive Hann-windowed DFT (relative error < 1e-12)', () => {
    const x = Float64Array.from(whiteNoise(N, 1, 7));
    const power = new Float64Array(N / 2);
    powerSpectrum(x, 0, spectrumScratch(), power);
    let maxRef = 0;
    let worst = 0;
    for (let k = 1; k < N / 2; k++) {
      let re = 0;
      let im = 0;
      for (let n = 0; n < N; n++) {
        const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N);
        re += x[n] * w * Math.cos((2 * Math.PI * k * n) / N);
        im -= x[n] * w * Math.sin((2 * Math.PI * k * n) / N);
      }
      const ref = re * re + im * im;
      maxRef = Math.max(maxRef, ref);
      worst = Math.max(worst, Math.abs(power[k] - ref));
    }
    expect(worst / maxRef).toBeLessThan(1e-12);
    expect(WINDOW[0]).toBe(0);
    expect(WINDOW[N / 2]).toBe(1);
  });

  it.each([
    [1000, 128],
    [437.5, 56],
    [3000, 384],
  ])('a %d Hz tone at 8 kHz peaks at bin %d', (hz, bin) => {
    const x = Float64Array.from(sine(hz, N / 8000, 8000));
    const power = new Float64Array(N / 2);
    powerSpectrum(x, 0, spectrumScratch(), power);
    let best = 1;
    for (let k = 2; k < N / 2; k++) if (power[k] > power[best]) best = k;
    expect(best).toBe(bin);
    // Hann coherent gain: |X| = A N / 4 = 0.5 * 256 at the tone's bin.
    expect(Math.abs(power[bin] / (128 * 128) - 1)).toBeLessThan(1e-6); // float32 samples: not exact
  });

  it.each(impls)('%s: a 1000 Hz tone with 2 Hz tremolo, from 16, 44.1 and 48 kHz, pairs bin 128 every 0.5 s', (impl) => {
    for (const rate of [16000, 44100, 48000]) {
      const { hashes } = fingerprint({ samples: sine(1000, 3, rate, 0.5, 2), sampleRate: rate }, { impl });
      // One peak per tremolo maximum (6 in 3 s); each pairs with the later ones within 63 frames.
      expect(hashes.length).toBeGreaterThanOrEqual(5);
      for (const { hash } of hashes) {
        expect([hash >>> 15, (hash >>> 6) & 511]).toEqual([128, 128]);
        expect(Math.abs((hash & 63) - 15.625) <= 1 || Math.abs((hash & 63) - 31.25) <= 1 || Math.abs((hash & 63) - 46.875) <= 1
          || Math.abs((hash & 63) - 62.5) <= 1).toBe(true); // dt: multiples of 0.5 s / 32 ms
      }
    }
  });

  it('a steady tone is one plateau: one peak (its first frame), so no pairs', () => {
    expect(fingerprintTs(sine(1000, 3, 16000), 16000).hashes.length).toBe(0);
  });
});

describe('fingerprint: edges', () => {
  it.each(impls)('%s: silence and near-silence give no hashes', (impl) => {
    const silence = fingerprint({ samples: new Float32Array(3 * 16000), sampleRate: 16000 }, { impl });
    expect(silence).toEqual({ hashes: [], frames: 90, frameSeconds: 0.032 });
    // 16-bit dither (+-1 LSB) and a -90 dBFS tone stay under the 1e-3 power floor.
    expect(fingerprint({ samples: whiteNoise(48000, 2 ** -15, 3), sampleRate: 16000 }, { impl }).hashes).toEqual([]);
    expect(fingerprint({ samples: sine(1000, 3, 16000, 10 ** (-90 / 20)), sampleRate: 16000 }, { impl }).hashes)
      .toEqual([]);
  });

  it.each(impls)('%s: frame counts at the boundaries', (impl) => {
    const loud = (n: number, rate: number) => synthMusic({ seconds: 0, length: n, sampleRate: rate, seed: 5 });
    const cases: Array<[number, number, number]> = [
      [0, 8000, 0],
      [N - 1, 8000, 0],
      [N, 8000, 1],
      [N + P.hop - 1, 8000, 1],
      [N + P.hop, 8000, 2],
      [2 * N - 1, 16000, 0], // 1023 analysis samples
      [5644, 44100, 0], // floor(5644 * 8000 / 44100) = 1023
      [5645, 44100, 1], // = 1024
    ];
    for (const [n, rate, frames] of cases) {
      const r = fingerprint({ samples: loud(n, rate), sampleRate: rate }, { impl });
      expect([n, rate, r.frames]).toEqual([n, rate, frames]);
      expect(fingerprintFrames(n, rate)).toBe(frames);
      if (frames <= 1) expect(r.hashes).toEqual([]); // a pair needs two frames
    }
  });
});

describe('fingerprint: a clip matches its recording', () => {
  const rate = 16000;
  const full = synthMusic({ seconds: 30, sampleRate: rate, seed: 1 });
  const offsetFrames = 300; // 9.6 s; one frame = 256 analysis samples = 512 source samples
  const clip = full.slice(offsetFrames * 512, offsetFrames * 512 + 10 * rate);
  const fullSet = new Set(fingerprint({ samples: full, sampleRate: rate }).hashes.map((h) => `${h.hash}:${h.t}`));
  const overlap = (samples: Float32Array): number => {
    const { hashes } = fingerprint({ samples, sampleRate: rate });
    const found = hashes.filter((h) => fullSet.has(`${h.hash}:${h.t + offsetFrames}`)).length;
    return found / hashes.length;
  };

  it('a 10 s clip cut at a frame boundary: >= 0.90 of its (hash, t + offset) are in the recording', () => {
    const measured = overlap(clip);
    console.info(`fingerprint clip overlap (aligned, clean): ${measured.toFixed(4)}`);
    expect(measured).toBeGreaterThanOrEqual(0.9);
  });

  it('the same clip with white noise added at about 16 dB SNR: >= 0.60', () => {
    const noise = whiteNoise(clip.length, 0.03, 99);
    const noisy = clip.map((v, i) => v + noise[i]);
    const snr = 20 * Math.log10(rms(clip) / rms(noise));
    const measured = overlap(noisy);
    console.info(`fingerprint clip overlap (noise at ${snr.toFixed(1)} dB SNR): ${measured.toFixed(4)}`);
    expect(snr).toBeGreaterThan(15);
    expect(snr).toBeLessThan(17);
    expect(measured).toBeGreaterThanOrEqual(0.6);
  });
});

describe('fingerprint: bad input', () => {
  const ok = new Float32Array(100);
  it.each<[string, string, unknown]>([
    ['Int16Array samples', 'HP_ERR_INVALID_ARGUMENT', { samples: new Int16Array(100), sampleRate: 16000 }],
    ['NaN sample', 'HP_ERR_NON_FINITE', { samples: [0, Number.NaN], sampleRate: 16000 }],
    ['Infinity sample', 'HP_ERR_NON_FINITE', { samples: new Float64Array([0, Infinity]), sampleRate: 16000 }],
    ['float64 overflowing float32', 'HP_ERR_NON_FINITE', { samples: [1e300], sampleRate: 16000 }],
    ['string sample', 'HP_ERR_INVALID_ARGUMENT', { samples: [0, '1'], sampleRate: 16000 }],
    ['sampleRate 0', 'HP_ERR_INVALID_SAMPLE_RATE', { samples: ok, sampleRate: 0 }],
    ['sampleRate 999', 'HP_ERR_INVALID_SAMPLE_RATE', { samples: ok, sampleRate: 999 }],
    ['sampleRate 384001', 'HP_ERR_INVALID_SAMPLE_RATE', { samples: ok, sampleRate: 384001 }],
    ['sampleRate 44100.5', 'HP_ERR_INVALID_SAMPLE_RATE', { samples: ok, sampleRate: 44100.5 }],
    ["sampleRate '16000'", 'HP_ERR_INVALID_SAMPLE_RATE', { samples: ok, sampleRate: '16000' }],
    ['missing sampleRate', 'HP_ERR_INVALID_SAMPLE_RATE', { samples: ok }],
    ['missing samples', 'HP_ERR_INVALID_ARGUMENT', { sampleRate: 16000 }],
    ['non-object', 'HP_ERR_INVALID_ARGUMENT', 'audio'],
    ['null', 'HP_ERR_INVALID_ARGUMENT', null],
  ])('%s -> %s', (_name, code, input) => {
    for (const impl of impls) {
      let err: unknown;
      try {
        fingerprint(input, { impl });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(HotpathError);
      expect((err as HotpathError).code).toBe(code);
    }
  });

  // Native-only; skipped only without the addon, which CI forbids (addonOrSkip throws there).
  it.skipIf(addon === null)('the native shim checks its own arguments', () => {
    const a = addon!;
    const call = (...args: unknown[]) => codeOf(() => (a.fingerprint as (...x: unknown[]) => unknown)(...args));
    for (const samples of [new Uint8Array(4), new Float64Array(4), [0, 0], 'x', undefined]) {
      expect(call(samples, 16000)).toBe('HP_ERR_INVALID_ARGUMENT');
    }
    for (const rate of [0, 999, 384001, 44100.5, '16000', Number.NaN, -8000, undefined]) {
      expect(call(ok, rate)).toBe('HP_ERR_INVALID_ARGUMENT');
    }
    expect(call(ok, 16000, new Uint8Array(4))).toBe('HP_ERR_INVALID_ARGUMENT');
    expect(call(ok, 16000, new Int32Array(0))).toBe('HP_ERR_INVALID_ARGUMENT');
    // A sync call may take a plain Int32Array; an async one must have a SAB.
    expect(call(ok, 16000, new Int32Array(1))).toBe('no error');
    const asyncCall = () => a.fingerprintAsync(ok, 16000, new Int32Array(1));
    expect(codeOf(asyncCall)).toBe('HP_ERR_INVALID_ARGUMENT');
    // The shim asks the engine, not `.buffer`: a lying getter does not pass.
    const liar = new Int32Array(1);
    Object.defineProperty(liar, 'buffer', { get: () => new SharedArrayBuffer(4) });
    expect(codeOf(() => a.fingerprintAsync(ok, 16000, liar))).toBe('HP_ERR_INVALID_ARGUMENT');
    expect(codeOf(() => a.fingerprintAsync(new Float64Array(4) as never, 16000))).toBe('HP_ERR_INVALID_ARGUMENT');
  });
});

describe('fingerprint: cancellation and async', () => {
  const rate = 8000;
  const short = synthMusic({ seconds: 5, sampleRate: rate, seed: 11 });

  it.each(impls)('%s: a flag set before the call aborts with HP_ERR_ABORTED', (impl) => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(flag, 0, 1);
    expect(codeOf(() => fingerprint({ samples: short, sampleRate: rate }, { impl, cancel: flag })))
      .toBe('HP_ERR_ABORTED');
    expect(codeOf(() => fingerprint({ samples: new Float32Array(10), sampleRate: rate }, { impl, cancel: flag })))
      .toBe('HP_ERR_ABORTED');
    Atomics.store(flag, 0, 0);
    expect(fingerprint({ samples: short, sampleRate: rate }, { impl, cancel: flag }).hashes.length).toBeGreaterThan(0);
  });

  // Native-only; skipped only without the addon, which CI forbids (addonOrSkip throws there).
  it.skipIf(addon === null)('fingerprintAsync equals the sync call, copies plain input, reads a SAB in place', async () => {
    const a = addon!;
    const want = a.fingerprint(short, rate);
    const copy = short.slice();
    const pending = a.fingerprintAsync(copy, rate);
    copy.fill(0); // the shim copied before queueing: this must not change the result
    expect(await pending).toEqual(want);
    const shared = new Float32Array(new SharedArrayBuffer(short.byteLength + 8), 8, short.length) // at a byte offset;
    shared.set(short);
    const flag = new Int32Array(new SharedArrayBuffer(4));
    expect(await a.fingerprintAsync(shared, rate, flag)).toEqual(want);
  });

  // Native-only; skipped only without the addon, which CI forbids (addonOrSkip throws there).
  it.skipIf(addon === null)('fingerprintAsync stops with HP_ERR_ABORTED when the flag is set mid-run', async () => {
    const a = addon!;
    // 10 minutes at 8 kHz (18,750 frames, a few hundred ms of work), tiled from 5 s.
    const long = new Float32Array(short.length * 120);
    for (let i = 0; i < 120; i++) long.set(short, i * short.length);
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const pending = a.fingerprintAsync(long, rate, flag);
    await new Promise((resolve) => setImmediate(resolve)); // let the worker start
    Atomics.store(flag, 0, 1);
    await expect(pending).rejects.toMatchObject({ code: 'HP_ERR_ABORTED' });
  });
});

describe('fingerprint: speed note (no timed assertions)', () => {
  it('30 s of 16 kHz audio, TS vs native', () => {
    const x = synthMusic({ seconds: 30, sampleRate: 16000, seed: 2 });
    const time = (fn: () => FingerprintRaw): [number, FingerprintRaw] => {
      let best = Infinity;
      let out: FingerprintRaw | undefined;
      for (let r = 0; r < 5; r++) {
        const t0 = performance.now();
        out = fn();
        best = Math.min(best, performance.now() - t0);
      }
      return [best, out!];
    };
    const [tsMs, ts] = time(() => fingerprintTs(x, 16000));
    let line = `fingerprint 30 s @ 16 kHz (best of 5): ts ${tsMs.toFixed(1)} ms`;
    if (addon !== null) {
      const [natMs, nat] = time(() => addon.fingerprint(x, 16000));
      expect(nat).toEqual(ts);
      line += `, native ${natMs.toFixed(1)} ms`;
    }
    console.info(`${line}; ${ts.hashes.length} hashes`);
  });
});

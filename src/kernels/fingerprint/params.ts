// The fingerprint's constants, in one place. native/fingerprint.h mirrors them
// (namespace hotpath::fingerprint): change both, and docs/kernels.md.
export const FINGERPRINT_PARAMS = {
  /** Analysis rate R in Hz: 8 kHz keeps 0..4 kHz, where melody and most harmonics live. */
  analysisRate: 8000,
  /** Frame size N: 1024 samples = 128 ms, 7.8 Hz per bin. Bins 1..511 are used (no DC, no Nyquist). */
  frameSize: 1024,
  /** Hop H: 256 samples = 32 ms (75% overlap), the time unit of `t`. */
  hop: 256,
  minSampleRate: 1000,
  maxSampleRate: 384000,
  /** len * 8000 < 2^45 keeps every resampling boundary an exact double. */
  maxSamples: 2 ** 32,
  /** A peak is the maximum of a (2*3+1) frame x (2*8+1) bin box: 224 ms x 133 Hz. */
  peakFrames: 3,
  peakBins: 8,
  /** Power floor: a -78 dBFS sine reaches it; 16-bit dither (3.6e-7 per bin) is 34 dB below. */
  powerFloor: 1e-3,
  /**
   * And within 20 dB of the frame's strongest bin (p * 100 >= max): without it,
   * frames between note onsets fill with noise peaks (16 dB SNR white noise kept
   * 12% of a clip's hashes; with it, 72%).
   */
  peakRange: 100,
  /** At most 5 peaks per frame (the strongest), to bound hash density. */
  peaksPerFrame: 5,
  /** Target zone: 1..63 frames after the anchor (6 bits, 2.0 s), |db| <= 64 bins (500 Hz). */
  maxDt: 63,
  zoneBins: 64,
  /** Up to 5 targets per anchor, nearest first in (t, b) order. */
  fanOut: 5,
} as const;

/** Seconds per frame step: H / R = 0.032. */
export const FRAME_SECONDS = FINGERPRINT_PARAMS.hop / FINGERPRINT_PARAMS.analysisRate;

/** Samples at the analysis rate after resampling `length` samples at `sampleRate`: floor(len * R / S). */
export function analysisLength(length: number, sampleRate: number): number {
  // length * 8000 < 2^45: exact product; the quotient cannot round across an integer.
  return Math.floor((length * FINGERPRINT_PARAMS.analysisRate) / sampleRate);
}

/** Frames of N every H analysis samples; 0 when shorter than one frame. */
export function frameCount(analysisSamples: number): number {
  const { frameSize, hop } = FINGERPRINT_PARAMS;
  return analysisSamples < frameSize ? 0 : Math.floor((analysisSamples - frameSize) / hop) + 1;
}

// Public shapes of the fingerprint kernel.

export interface FingerprintInput {
  /** Mono PCM, nominally in [-1, 1]; integer typed arrays and NaN/Infinity are rejected. */
  samples: Float32Array | Float64Array | number[];
  /** Integer Hz in 1000..384000. */
  sampleRate: number;
}

export interface Landmark {
  /** 24 bits: (b1 << 15) | (b2 << 6) | (t2 - t1); b = frequency bin (7.8125 Hz), t = frame. */
  hash: number;
  /** Anchor frame index; seconds = t * frameSeconds. */
  t: number;
}

export interface FingerprintResult {
  /** In anchor (t, b) order, then pairing order (nearest target first). */
  hashes: Landmark[];
  /** Frames analysed (0 when the input is shorter than 128 ms). */
  frames: number;
  /** Seconds per frame step: 0.032. */
  frameSeconds: number;
}

/** What validateFingerprint returns and the kernels take. */
export interface FingerprintArgs {
  samples: Float32Array;
  sampleRate: number;
}

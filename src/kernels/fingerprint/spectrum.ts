// Power spectrum of one Hann-windowed frame, bit-identical to PowerSpectrum in
// native/fingerprint.cc: the same double +, -, *, / and sqrt in the same order.
// No Math.cos/Math.sin: they may differ from libm in the last ulp, so the
// twiddles come from cos(pi/2) = 0, sin(pi/2) = 1 by half angles and sums.
import { FINGERPRINT_PARAMS } from './params.js';

const N = FINGERPRINT_PARAMS.frameSize; // 1024
const M = N / 2; // 512-point complex FFT of the even/odd-packed real frame

/** cos/sin of 2*pi*k/N for k = 0..N/2 (module tables: read them, never write). */
export const COS = new Float64Array(M + 1);
export const SIN = new Float64Array(M + 1);
/** Hann window 0.5 - 0.5 cos(2 pi n / N), n = 0..N-1. */
export const WINDOW = new Float64Array(N);
const REV = new Uint16Array(M);

function buildTables(): void {
  const quarter = N / 4; // index of pi/2
  let top = 0;
  while (1 << top < quarter) top++; // 8 for N = 1024
  const bc = new Float64Array(top + 1); // angle 2*pi*2^m/N
  const bs = new Float64Array(top + 1);
  bc[top] = 0;
  bs[top] = 1;
  for (let m = top - 1; m >= 0; m--) {
    bc[m] = Math.sqrt((1.0 + bc[m + 1]) * 0.5);
    bs[m] = bs[m + 1] / (2.0 * bc[m]); // sin x = 2 sin(x/2) cos(x/2)
  }
  COS[0] = 1;
  SIN[0] = 0;
  for (let k = 1; k <= quarter; k++) {
    let m = top;
    while (1 << m > k) m--;
    const r = k - (1 << m);
    const ca = COS[r];
    const sa = SIN[r];
    COS[k] = ca * bc[m] - sa * bs[m];
    SIN[k] = sa * bc[m] + ca * bs[m];
  }
  for (let k = quarter + 1; k <= M; k++) {
    // cos(pi/2 + x) = -sin x, sin(pi/2 + x) = cos x
    COS[k] = -SIN[k - quarter];
    SIN[k] = COS[k - quarter];
  }
  for (let n = 0; n < N; n++) WINDOW[n] = 0.5 - 0.5 * (n <= M ? COS[n] : COS[N - n]);
  let bits = 0;
  while (1 << bits < M) bits++;
  for (let i = 0; i < M; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    REV[i] = r;
  }
}
buildTables();

/** Scratch for powerSpectrum: reuse one per call of the kernel (no allocation per frame). */
export interface SpectrumScratch {
  re: Float64Array;
  im: Float64Array;
}

export function spectrumScratch(): SpectrumScratch {
  return { re: new Float64Array(M), im: new Float64Array(M) };
}

function fft(re: Float64Array, im: Float64Array): void {
  for (let i = 0; i < M; i++) {
    const j = REV[i];
    if (j > i) {
      const tr = re[i];
      re[i] = re[j];
      re[j] = tr;
      const ti = im[i];
      im[i] = im[j];
      im[j] = ti;
    }
  }
  for (let len = 2; len <= M; len <<= 1) {
    const half = len >> 1;
    const step = N / len; // W_len^j = e^(-2 pi i j step / N)
    for (let j = 0; j < half; j++) {
      const c = COS[j * step];
      const s = SIN[j * step];
      for (let a = j; a < M; a += len) {
        const b = a + half;
        const vr = re[b];
        const vi = im[b];
        const xr = vr * c + vi * s; // v * (c - i s)
        const xi = vi * c - vr * s;
        const ur = re[a];
        const ui = im[a];
        re[b] = ur - xr;
        im[b] = ui - xi;
        re[a] = ur + xr;
        im[a] = ui + xi;
      }
    }
  }
}

/**
 * power[k] = |X[k]|^2 for k = 1..N/2-1 of the Hann-windowed frame
 * x[offset .. offset + N); power[0] is set to 0 (DC is never used).
 */
export function powerSpectrum(
  x: Float64Array,
  offset: number,
  scratch: SpectrumScratch,
  power: Float64Array,
  powerOffset = 0,
): void {
  const { re, im } = scratch;
  for (let n = 0; n < M; n++) {
    re[n] = x[offset + 2 * n] * WINDOW[2 * n];
    im[n] = x[offset + 2 * n + 1] * WINDOW[2 * n + 1];
  }
  fft(re, im);
  power[powerOffset] = 0;
  for (let k = 1; k < M; k++) {
    const ar = re[k];
    const ai = im[k];
    const br = re[M - k];
    const bi = im[M - k];
    const er = 0.5 * (ar + br); // even part: (Z[k] + conj Z[M-k]) / 2
    const ei = 0.5 * (ai - bi);
    const or = 0.5 * (ai + bi); // odd part: (Z[k] - conj Z[M-k]) / 2i
    const oi = 0.5 * (br - ar);
    const c = COS[k];
    const s = SIN[k];
    const xr = er + (c * or + s * oi); // X = E + (c - i s) O
    const xi = ei + (c * oi - s * or);
    power[powerOffset + k] = xr * xr + xi * xi;
  }
}

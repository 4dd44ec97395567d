// TypeScript twin of native/fingerprint.cc: same steps, same double operations
// in the same order, so the hashes are identical (test/kernels/fingerprint.test.ts
// holds them to it). Typed arrays throughout, no allocation per frame.
import type { FingerprintRaw } from '../../native/binding.js';
import { abortedError, isCancelled } from '../common.js';
import { analysisLength, FINGERPRINT_PARAMS as P, frameCount } from './params.js';
import { powerSpectrum, spectrumScratch } from './spectrum.js';

const R = P.analysisRate;
const BINS = P.frameSize / 2; // power rows hold bins 0..511; 1..511 are used
const RING = 2 * P.peakFrames + 1; // 7 rows live at once
const RESAMPLE_POLL = 8192; // <= 393k source samples between polls

/**
 * Area-averaging resampler to R: output j is the mean of the piecewise-constant
 * source over [a, b) = [j S / R, (j + 1) S / R). In units of 1/R source samples
 * the bounds are the integers j S = i0 R + r0 and (j + 1) S = i1 R + r1, stepped
 * without division; the weights (R - r0), R and r1 are exact doubles.
 */
function resample(x: Float32Array, rate: number, y: Float64Array, cancel: Int32Array | undefined): void {
  const n = y.length;
  const len = x.length;
  const q = Math.floor(rate / R); // S = q R + rem
  const rem = rate % R;
  let i0 = 0;
  let r0 = 0;
  for (let j = 0; j < n; j++) {
    if (j % RESAMPLE_POLL === 0 && isCancelled(cancel)) throw abortedError('fingerprint');
    let i1 = i0 + q;
    let r1 = r0 + rem;
    if (r1 >= R) {
      r1 -= R;
      i1++;
    }
    if (i0 === i1) {
      y[j] = x[i0]; // upsampling: the interval lies inside one source sample
    } else if (rate === R) {
      y[j] = x[j]; // identity
    } else {
      let acc = x[i0] * (R - r0);
      let mid = 0.0;
      for (let i = i0 + 1; i < i1; i++) mid += x[i];
      acc += mid * R;
      if (r1 !== 0 && i1 < len) acc += x[i1] * r1;
      y[j] = acc / rate;
    }
    i0 = i1;
    r0 = r1;
  }
}

/** Growable landmark/peak store without per-item allocation. */
class U32Pairs {
  a: Uint32Array;
  b: Uint32Array;
  n = 0;
  constructor(capacity: number) {
    this.a = new Uint32Array(Math.max(16, capacity));
    this.b = new Uint32Array(Math.max(16, capacity));
  }
  push(x: number, y: number): void {
    if (this.n === this.a.length) {
      const a = new Uint32Array(this.n * 2);
      a.set(this.a);
      this.a = a;
      const b = new Uint32Array(this.n * 2);
      b.set(this.b);
      this.b = b;
    }
    this.a[this.n] = x;
    this.b[this.n] = y;
    this.n++;
  }
}

const topP = new Float64Array(P.peaksPerFrame);
const topB = new Uint32Array(P.peaksPerFrame);

/**
 * Peaks of frame tc: above the floor, within 20 dB of the frame's strongest
 * bin, and the maximum of the 7 x 17 box, with ties broken by (t, b) order (strictly above earlier cells, >= later ones);
 * the 5 strongest are kept (ties: lower bin), emitted in bin order.
 */
function findPeaks(ring: Float64Array, tc: number, frames: number, peaks: U32Pairs): void {
  const row = (tc % RING) * BINS;
  const tLo = tc >= P.peakFrames ? tc - P.peakFrames : 0;
  const tHi = Math.min(tc + P.peakFrames, frames - 1);
  let frameMax = 0;
  for (let b = 1; b < BINS; b++) frameMax = ring[row + b] > frameMax ? ring[row + b] : frameMax;
  let count = 0;
  for (let b = 1; b < BINS; b++) {
    const p = ring[row + b];
    if (!(p > P.powerFloor) || p * P.peakRange < frameMax) continue;
    const bLo = b > P.peakBins ? b - P.peakBins : 1;
    const bHi = Math.min(b + P.peakBins, BINS - 1);
    let ok = true;
    for (let q = bLo; q < b && ok; q++) ok = p > ring[row + q]; // own frame first: cheapest reject
    for (let q = b + 1; q <= bHi && ok; q++) ok = p >= ring[row + q];
    for (let t = tLo; t <= tHi && ok; t++) {
      if (t === tc) continue;
      const other = (t % RING) * BINS;
      if (t < tc) {
        for (let q = bLo; q <= bHi && ok; q++) ok = p > ring[other + q];
      } else {
        for (let q = bLo; q <= bHi && ok; q++) ok = p >= ring[other + q];
      }
    }
    if (!ok) continue;
    let pos = 0; // sorted by power desc; a later (higher) bin goes after equal powers
    while (pos < count && topP[pos] >= p) pos++;
    if (pos >= P.peaksPerFrame) continue;
    const last = count < P.peaksPerFrame ? count : P.peaksPerFrame - 1;
    for (let i = last; i > pos; i--) {
      topP[i] = topP[i - 1];
      topB[i] = topB[i - 1];
    }
    topP[pos] = p;
    topB[pos] = b;
    if (count < P.peaksPerFrame) count++;
  }
  for (let i = 1; i < count; i++) {
    const v = topB[i];
    let k = i;
    for (; k > 0 && topB[k - 1] > v; k--) topB[k] = topB[k - 1];
    topB[k] = v;
  }
  for (let i = 0; i < count; i++) peaks.push(tc, topB[i]);
}

/** Each anchor pairs with the first 5 peaks of its zone (frames t1+1..t1+63, |db| <= 64). */
function pair(peaks: U32Pairs, cancel: Int32Array | undefined): FingerprintRaw {
  const np = peaks.n;
  const pt = peaks.a;
  const pb = peaks.b;
  const hashes = new Uint32Array(np * P.fanOut);
  const times = new Uint32Array(np * P.fanOut);
  let n = 0;
  let j0 = 0; // first peak of a later frame than the anchor
  for (let i = 0; i < np; i++) {
    if (i % 1024 === 0 && isCancelled(cancel)) throw abortedError('fingerprint');
    const t1 = pt[i];
    const b1 = pb[i];
    if (j0 <= i) j0 = i + 1;
    while (j0 < np && pt[j0] === t1) j0++;
    let found = 0;
    for (let j = j0; j < np && found < P.fanOut && pt[j] - t1 <= P.maxDt; j++) {
      const b2 = pb[j];
      if ((b2 > b1 ? b2 - b1 : b1 - b2) > P.zoneBins) continue;
      hashes[n] = (b1 << 15) | (b2 << 6) | (pt[j] - t1); // < 2^24: stays a positive int32
      times[n] = t1;
      n++;
      found++;
    }
  }
  // slice, not subarray: the result may be posted to another thread whole.
  return { hashes: hashes.slice(0, n), times: times.slice(0, n) };
}

/** Landmarks of mono `samples` at `sampleRate` (already validated); same shape as the addon's. */
export function fingerprintTs(samples: Float32Array, sampleRate: number, cancel?: Int32Array): FingerprintRaw {
  // A flag set before the call cancels even an input too short to frame.
  if (isCancelled(cancel)) throw abortedError('fingerprint');
  const n = analysisLength(samples.length, sampleRate);
  const frames = frameCount(n);
  if (frames === 0) return { hashes: new Uint32Array(0), times: new Uint32Array(0) };
  const y = new Float64Array(n);
  resample(samples, sampleRate, y, cancel);

  const scratch = spectrumScratch();
  const ring = new Float64Array(RING * BINS);
  const peaks = new U32Pairs(Math.min(frames * P.peaksPerFrame, 1 << 20));
  for (let t = 0; t < frames; t++) {
    if (isCancelled(cancel)) throw abortedError('fingerprint');
    powerSpectrum(y, t * P.hop, scratch, ring, (t % RING) * BINS);
    if (t >= P.peakFrames) findPeaks(ring, t - P.peakFrames, frames, peaks);
  }
  // The last 3 frames (or all, when fewer) had no later rows yet.
  for (let tc = frames > P.peakFrames ? frames - P.peakFrames : 0; tc < frames; tc++) {
    findPeaks(ring, tc, frames, peaks);
  }
  return pair(peaks, cancel);
}

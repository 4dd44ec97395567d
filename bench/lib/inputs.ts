// Deterministic benchmark inputs.
import { mulberry32 } from '../../src/catalog/synthetic.js';

/** Play events over `ids` tracks with a Zipf-like skew (a few hits, a long tail). */
export function skewedEvents(n: number, ids: number, seed: number): Uint32Array {
  const rand = mulberry32(seed);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rand();
    out[i] = Math.floor(ids * r * r * r);
  }
  return out;
}

/** seconds of mono audio: a few drifting tones plus noise, like a dense music mix. */
export function syntheticAudio(seconds: number, rate: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(Math.round(seconds * rate));
  const tones = Array.from({ length: 6 }, () => ({ f: 200 + rand() * 2500, drift: (rand() - 0.5) * 40, a: 0.1 + rand() * 0.2, phase: 0 }));
  for (let i = 0; i < out.length; i++) {
    const t = i / rate;
    let s = (rand() - 0.5) * 0.05;
    for (const tone of tones) {
      tone.phase += (2 * Math.PI * (tone.f + tone.drift * Math.sin(t))) / rate;
      // Notes: each tone switches on and off every few hundred ms.
      const gate = Math.sin(t * 3 + tone.f) > 0 ? 1 : 0.2;
      s += tone.a * gate * Math.sin(tone.phase);
    }
    out[i] = s;
  }
  return out;
}

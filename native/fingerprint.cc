// Landmark fingerprint kernel. Bit-identical to src/kernels/fingerprint/ts.ts
// and spectrum.ts: every step is plain IEEE double +, -, *, / and sqrt (all
// correctly rounded in C++ and JS), in the same order, compiled with
// -ffp-contract=off (no FMA) and without -ffast-math (no reassociation). No
// libm transcendentals: std::cos and Math.cos may differ in the last ulp.
//
// About 320 lines, kept in one file on purpose: resampling, spectrum, peaks and
// pairing must stay in the exact operation order of the TS twin, and reading
// them side by side with ts.ts/spectrum.ts is how that order is checked.
#include "fingerprint.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <new>

namespace hotpath {

using namespace fingerprint;

namespace {

constexpr size_t kRing = 2 * kPeakFrames + 1;  // 7 power rows live at once
// Resampler polls the flag every 8192 outputs (<= 393k source samples, < 1 ms).
constexpr size_t kResamplePoll = 8192;

// cos/sin of 2*pi*k/N for k = 0..N/2, built from cos(pi/2) = 0, sin(pi/2) = 1
// by half angles (sqrt) then angle sums over the bits of k (<= 8 products).
struct Trig {
  double cos[kBins + 1];
  double sin[kBins + 1];
};

void BuildTrig(Trig* tr) {
  constexpr size_t kQuarter = kFrameSize / 4;  // index of pi/2
  // bc[m], bs[m]: angle 2*pi*2^m/N
  double bc[32];
  double bs[32];
  int top = 0;
  while ((size_t{1} << top) < kQuarter) ++top;  // 8 for N = 1024
  bc[top] = 0.0;
  bs[top] = 1.0;
  for (int m = top - 1; m >= 0; --m) {
    bc[m] = std::sqrt((1.0 + bc[m + 1]) * 0.5);
    bs[m] = bs[m + 1] / (2.0 * bc[m]);  // sin x = 2 sin(x/2) cos(x/2), exact-ish for small x
  }
  tr->cos[0] = 1.0;
  tr->sin[0] = 0.0;
  for (size_t k = 1; k <= kQuarter; ++k) {
    int m = top;
    while ((size_t{1} << m) > k) --m;
    size_t r = k - (size_t{1} << m);
    double ca = tr->cos[r];
    double sa = tr->sin[r];
    tr->cos[k] = ca * bc[m] - sa * bs[m];
    tr->sin[k] = sa * bc[m] + ca * bs[m];
  }
  for (size_t k = kQuarter + 1; k <= kBins; ++k) {  // cos(pi/2 + x) = -sin x
    tr->cos[k] = -tr->sin[k - kQuarter];
    tr->sin[k] = tr->cos[k - kQuarter];
  }
}

// Everything a frame needs, built once per call (about 2 us): no mutable statics.
struct Tables {
  Trig trig;
  double window[kFrameSize];  // Hann: 0.5 - 0.5 cos(2 pi n / N)
  uint16_t rev[kBins];        // 9-bit reversal for the 512-point complex FFT
};

void BuildTables(Tables* t) {
  BuildTrig(&t->trig);
  for (size_t n = 0; n < kFrameSize; ++n) {
    double c = n <= kBins ? t->trig.cos[n] : t->trig.cos[kFrameSize - n];
    t->window[n] = 0.5 - 0.5 * c;
  }
  size_t bits = 0;
  while ((size_t{1} << bits) < kBins) ++bits;
  for (size_t i = 0; i < kBins; ++i) {
    size_t r = 0;
    for (size_t b = 0; b < bits; ++b) r |= ((i >> b) & 1) << (bits - 1 - b);
    t->rev[i] = static_cast<uint16_t>(r);
  }
}

// In-place radix-2 DIT FFT of kBins (512) complex points, forward (e^-i).
void Fft(double* re, double* im, const Tables& t) {
  constexpr size_t m = kBins;
  for (size_t i = 0; i < m; ++i) {
    size_t j = t.rev[i];
    if (j > i) {
      std::swap(re[i], re[j]);
      std::swap(im[i], im[j]);
    }
  }
  for (size_t len = 2; len <= m; len <<= 1) {
    size_t half = len >> 1;
    size_t step = kFrameSize / len;  // W_len^j = e^(-2 pi i j step / N)
    for (size_t j = 0; j < half; ++j) {
      double c = t.trig.cos[j * step];
      double s = t.trig.sin[j * step];
      for (size_t a = j; a < m; a += len) {
        size_t b = a + half;
        double vr = re[b];
        double vi = im[b];
        double xr = vr * c + vi * s;  // v * (c - i s)
        double xi = vi * c - vr * s;
        double ur = re[a];
        double ui = im[a];
        re[b] = ur - xr;
        im[b] = ui - xi;
        re[a] = ur + xr;
        im[a] = ui + xi;
      }
    }
  }
}

// Power |X[k]|^2, k = 1..511, of the Hann-windowed real frame x[0..N): the
// even/odd samples packed as one 512-point complex FFT, then split.
void PowerSpectrum(const double* x, const Tables& t, double* re, double* im, double* power) {
  for (size_t n = 0; n < kBins; ++n) {
    re[n] = x[2 * n] * t.window[2 * n];
    im[n] = x[2 * n + 1] * t.window[2 * n + 1];
  }
  Fft(re, im, t);
  power[0] = 0.0;  // DC is never read
  for (size_t k = 1; k < kBins; ++k) {
    double ar = re[k], ai = im[k], br = re[kBins - k], bi = im[kBins - k];
    double er = 0.5 * (ar + br);  // even part: (Z[k] + conj Z[M-k]) / 2
    double ei = 0.5 * (ai - bi);
    double orr = 0.5 * (ai + bi);  // odd part: (Z[k] - conj Z[M-k]) / 2i
    double oi = 0.5 * (br - ar);
    double c = t.trig.cos[k], s = t.trig.sin[k];
    double xr = er + (c * orr + s * oi);  // X = E + (c - i s) O
    double xi = ei + (c * oi - s * orr);
    power[k] = xr * xr + xi * xi;
  }
}

// Area-averaging resampler: output j is the mean of the piecewise-constant
// source over [a, b) = [j S / R, (j + 1) S / R). In units of 1/R source samples
// the bounds are the integers j S = i0 R + r0 and (j + 1) S = i1 R + r1, stepped
// without division; the weights (R - r0), R and r1 are exact in a double.
Status Resample(const float* x, size_t len, uint32_t rate, const int32_t* cancel, double* y,
                size_t n) {
  const uint64_t r = kAnalysisRate;
  const uint64_t s = rate;
  const uint64_t q = s / r;  // S = q R + rem
  const uint64_t rem = s % r;
  uint64_t i0 = 0;
  uint64_t r0 = 0;
  for (size_t j = 0; j < n; ++j) {
    if (j % kResamplePoll == 0 && Cancelled(cancel)) return Status::kCancelled;
    uint64_t i1 = i0 + q;
    uint64_t r1 = r0 + rem;
    if (r1 >= r) {
      r1 -= r;
      ++i1;
    }
    if (i0 == i1) {  // upsampling: the interval lies inside one source sample
      y[j] = static_cast<double>(x[i0]);
    } else if (s == r) {  // identity
      y[j] = static_cast<double>(x[j]);
    } else {
      double acc = static_cast<double>(x[i0]) * static_cast<double>(r - r0);
      double mid = 0.0;
      for (uint64_t i = i0 + 1; i < i1; ++i) mid += static_cast<double>(x[i]);
      acc += mid * static_cast<double>(r);
      if (r1 != 0 && i1 < len) acc += static_cast<double>(x[i1]) * static_cast<double>(r1);
      y[j] = acc / static_cast<double>(s);
    }
    i0 = i1;
    r0 = r1;
  }
  return Status::kOk;
}

struct Peak {
  uint32_t t;
  uint32_t b;
};

// Peaks of frame tc: above the floor, within 20 dB of the frame's strongest
// bin, and the maximum of its 7 x 17 box, ties broken by (t, b) order (strictly
// above earlier cells, >= later ones), so a plateau yields exactly one peak.
// Keeps the 5 strongest (ties: lower bin).
void FindPeaks(const double* ring, size_t tc, size_t frames, std::vector<Peak>* peaks) {
  const double* row = ring + (tc % kRing) * kBins;
  size_t t_lo = tc >= kPeakFrames ? tc - kPeakFrames : 0;
  size_t t_hi = std::min(tc + kPeakFrames, frames - 1);
  double top_p[kPeaksPerFrame];
  uint32_t top_b[kPeaksPerFrame];
  double frame_max = 0.0;
  for (size_t b = 1; b < kBins; ++b) frame_max = row[b] > frame_max ? row[b] : frame_max;
  size_t count = 0;
  for (size_t b = 1; b < kBins; ++b) {
    double p = row[b];
    if (!(p > kPowerFloor) || p * kPeakRange < frame_max) continue;
    size_t b_lo = b > kPeakBins ? b - kPeakBins : 1;
    size_t b_hi = std::min(b + kPeakBins, kBins - 1);
    bool ok = true;
    for (size_t q = b_lo; q < b && ok; ++q) ok = p > row[q];  // own frame first: cheapest reject
    for (size_t q = b + 1; q <= b_hi && ok; ++q) ok = p >= row[q];
    for (size_t t = t_lo; t <= t_hi && ok; ++t) {
      if (t == tc) continue;
      const double* other = ring + (t % kRing) * kBins;
      if (t < tc) {
        for (size_t q = b_lo; q <= b_hi && ok; ++q) ok = p > other[q];
      } else {
        for (size_t q = b_lo; q <= b_hi && ok; ++q) ok = p >= other[q];
      }
    }
    if (!ok) continue;
    // Sorted by power desc; a later (higher) bin goes after equal powers.
    size_t pos = 0;
    while (pos < count && top_p[pos] >= p) ++pos;
    if (pos >= kPeaksPerFrame) continue;
    size_t last = count < kPeaksPerFrame ? count : kPeaksPerFrame - 1;
    for (size_t i = last; i > pos; --i) {
      top_p[i] = top_p[i - 1];
      top_b[i] = top_b[i - 1];
    }
    top_p[pos] = p;
    top_b[pos] = static_cast<uint32_t>(b);
    if (count < kPeaksPerFrame) ++count;
  }
  for (size_t i = 1; i < count; ++i) {  // emit in bin order (insertion sort of <= 5)
    uint32_t v = top_b[i];
    size_t k = i;
    for (; k > 0 && top_b[k - 1] > v; --k) top_b[k] = top_b[k - 1];
    top_b[k] = v;
  }
  for (size_t i = 0; i < count; ++i) peaks->push_back(Peak{static_cast<uint32_t>(tc), top_b[i]});
}

// Each anchor pairs with the first kFanOut peaks of its target zone, scanning
// peaks in (t, b) order from frame t1 + 1 to t1 + 63.
Status Pair(const std::vector<Peak>& peaks, const int32_t* cancel, FingerprintOutput* out) {
  const size_t np = peaks.size();
  out->hashes.reserve(np * kFanOut);
  out->times.reserve(np * kFanOut);
  size_t j0 = 0;  // first peak of a later frame than the anchor
  for (size_t i = 0; i < np; ++i) {
    if (i % 1024 == 0 && Cancelled(cancel)) return Status::kCancelled;
    const uint32_t t1 = peaks[i].t;
    const uint32_t b1 = peaks[i].b;
    if (j0 <= i) j0 = i + 1;
    while (j0 < np && peaks[j0].t == t1) ++j0;
    size_t found = 0;
    for (size_t j = j0; j < np && found < kFanOut && peaks[j].t - t1 <= kMaxDt; ++j) {
      const uint32_t b2 = peaks[j].b;
      if ((b2 > b1 ? b2 - b1 : b1 - b2) > kZoneBins) continue;
      out->hashes.push_back((b1 << 15) | (b2 << 6) | (peaks[j].t - t1));
      out->times.push_back(t1);
      ++found;
    }
  }
  return Status::kOk;
}

Status Run(const float* samples, size_t length, uint32_t rate, const int32_t* cancel,
           FingerprintOutput* out) {
  // A flag set before the call cancels even an input too short to frame.
  if (Cancelled(cancel)) return Status::kCancelled;
  const size_t n = FingerprintAnalysisLength(length, rate);
  const size_t frames = FingerprintFrameCount(n);
  if (frames == 0) return Status::kOk;
  std::vector<double> y(n);
  Status st = Resample(samples, length, rate, cancel, y.data(), n);
  if (st != Status::kOk) return st;

  std::unique_ptr<Tables> tables(new Tables());
  BuildTables(tables.get());
  std::vector<double> re(kBins), im(kBins), ring(kRing * kBins);
  std::vector<Peak> peaks;
  peaks.reserve(std::min<size_t>(frames * kPeaksPerFrame, size_t{1} << 20));
  for (size_t t = 0; t < frames; ++t) {
    if (Cancelled(cancel)) return Status::kCancelled;
    PowerSpectrum(y.data() + t * kHop, *tables, re.data(), im.data(),
                  ring.data() + (t % kRing) * kBins);
    if (t >= kPeakFrames) FindPeaks(ring.data(), t - kPeakFrames, frames, &peaks);
  }
  // The last kPeakFrames frames (or all, when fewer) had no later rows yet.
  for (size_t tc = frames > kPeakFrames ? frames - kPeakFrames : 0; tc < frames; ++tc) {
    FindPeaks(ring.data(), tc, frames, &peaks);
  }
  return Pair(peaks, cancel, out);
}

}  // namespace

size_t FingerprintAnalysisLength(size_t length, uint32_t sample_rate) {
  if (sample_rate == 0) return 0;
  return static_cast<size_t>(static_cast<uint64_t>(length) * kAnalysisRate / sample_rate);
}

size_t FingerprintFrameCount(size_t analysis_length) {
  return analysis_length < kFrameSize ? 0 : (analysis_length - kFrameSize) / kHop + 1;
}

Status Fingerprint(const float* samples, size_t length, uint32_t sample_rate, const int32_t* cancel,
                   FingerprintOutput* out) {
  out->hashes.clear();
  out->times.clear();
  if (sample_rate < kMinSampleRate || sample_rate > kMaxSampleRate) return Status::kInvalid;
  if (length > kMaxSamples || (samples == nullptr && length != 0)) return Status::kInvalid;
  try {
    Status st = Run(samples, length, sample_rate, cancel, out);
    if (st != Status::kOk) {
      out->hashes.clear();
      out->times.clear();
    }
    return st;
  } catch (const std::bad_alloc&) {
    out->hashes.clear();
    out->times.clear();
    return Status::kNoMemory;
  }
}

}  // namespace hotpath

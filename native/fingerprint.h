// Audio landmark fingerprint (Wang 2003): spectrogram peaks paired into 24-bit
// hashes. Pure C++, knows nothing of Node. The TypeScript twin
// (src/kernels/fingerprint/) does the same IEEE double operations in the same
// order, so both give identical hashes; docs/kernels.md explains every constant.
#ifndef HOTPATH_FINGERPRINT_H_
#define HOTPATH_FINGERPRINT_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common.h"

namespace hotpath {
namespace fingerprint {

// Mirrors FINGERPRINT_PARAMS in src/kernels/fingerprint/params.ts: change both.
// Analysis rate: 8 kHz keeps 0..4 kHz, where melody and most harmonics live.
constexpr uint64_t kAnalysisRate = 8000;
// 1024-sample frames (128 ms, 7.8 Hz bins) with a 256 hop (32 ms, 75% overlap).
constexpr size_t kFrameSize = 1024;
constexpr size_t kHop = 256;
constexpr size_t kBins = kFrameSize / 2;  // bins 1..511 are used (no DC, no Nyquist)
constexpr uint32_t kMinSampleRate = 1000;
constexpr uint32_t kMaxSampleRate = 384000;
// len * 8000 < 2^45 keeps every resampling boundary exact in a double (TS).
constexpr uint64_t kMaxSamples = uint64_t{1} << 32;
// A peak is the maximum of a 7-frame x 17-bin box (224 ms x 133 Hz).
constexpr size_t kPeakFrames = 3;
constexpr size_t kPeakBins = 8;
// Power floor: a -78 dBFS sine (amplitude 1.24e-4) reaches it at its bin;
// 16-bit dither (rms 2^-15) gives 3.6e-7 per bin, 34 dB below.
constexpr double kPowerFloor = 1e-3;
// And within 20 dB of the frame's strongest bin (p * 100 >= max): without it,
// frames between note onsets fill up with noise peaks, and 16 dB SNR white
// noise kept 12% of a clip's hashes; with it 72% (docs/kernels.md).
constexpr double kPeakRange = 100.0;
// At most 5 peaks per frame (the strongest), to bound hash density.
constexpr size_t kPeaksPerFrame = 5;
// Target zone: 1..63 frames later (6 bits of dt, up to 2.0 s), |db| <= 64 bins
// (500 Hz); fan-out: up to 5 targets per anchor, nearest in (t, b) order.
constexpr uint32_t kMaxDt = 63;
constexpr uint32_t kZoneBins = 64;
constexpr size_t kFanOut = 5;

}  // namespace fingerprint

struct FingerprintOutput {
  std::vector<uint32_t> hashes;  // (b1 << 15) | (b2 << 6) | (t2 - t1)
  std::vector<uint32_t> times;   // t1, the anchor's frame index
};

// Samples at 8 kHz after area-averaging `length` samples at `sample_rate`.
size_t FingerprintAnalysisLength(size_t length, uint32_t sample_rate);
// Frames of kFrameSize every kHop analysis samples (0 when shorter than a frame).
size_t FingerprintFrameCount(size_t analysis_length);

// samples: mono PCM; sample_rate in [kMinSampleRate, kMaxSampleRate]; length at
// most kMaxSamples (kInvalid otherwise). cancel may be null; polled once per
// frame. Returns kCancelled, kNoMemory or kOk (then `out` holds the landmarks
// in anchor (t, b) order, then pairing order).
Status Fingerprint(const float* samples, size_t length, uint32_t sample_rate, const int32_t* cancel,
                   FingerprintOutput* out);

}  // namespace hotpath

#endif  // HOTPATH_FINGERPRINT_H_

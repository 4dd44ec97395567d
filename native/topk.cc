// topk kernel: one streaming pass over the catalog with a bounded heap.
//
// The pass is memory-bound at large N (100k x 128 floats = 51 MB), so the
// scan's job is to stream the catalog front to back at the speed of a plain
// read (memread), which the hardware prefetcher only sustains when the rows
// are read in order (see ScanAvx2). Each SIMD path is one function holding
// the whole row loop, picked once per call (runtime dispatch: one portable
// binary, no -march=native).
#include "topk.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>

#include "heap.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace hotpath {
namespace {

struct Entry {
  float score;
  uint32_t id;
};

// NaN (a garbage row) ranks below every number, so the order stays total and
// std::sort stays in bounds whatever the catalog holds.
inline float Key(float s) { return s != s ? -std::numeric_limits<float>::infinity() : s; }

// a ranks before b: higher score, then lower id.
struct Better {
  bool operator()(const Entry& a, const Entry& b) const {
    const float ka = Key(a.score), kb = Key(b.score);
    return ka > kb || (ka == kb && a.id < b.id);
  }
};

// The k best rows so far, worst on top. Rows arrive in ascending id order, so
// a row that only ties the worst loses (higher id) and `score > worst` is the
// whole admission test. For random data about k * ln(N / k) rows pass it (~80
// at 100k rows, k = 10), so heap and exclude work stay off the hot path.
class Selector {
 public:
  Selector(size_t k, size_t n, const uint32_t* exclude, size_t exclude_len) : heap_(k) {
    for (size_t i = 0; i < exclude_len; ++i) {
      if (exclude[i] < n) excl_.push_back(exclude[i]);
    }
    std::sort(excl_.begin(), excl_.end());
    excl_.erase(std::unique(excl_.begin(), excl_.end()), excl_.end());
    heap_.Reserve(std::min(k, n));
  }
  bool full() const { return heap_.full(); }
  // Key of the worst kept row once full (scans compare against it).
  float worst() const { return worst_; }

  void Offer(uint32_t id, float score) {
    if (full() && !(Key(score) > worst_)) return;  // worst may have moved within a block
    if (!excl_.empty() && std::binary_search(excl_.begin(), excl_.end(), id)) return;
    heap_.Admit(Entry{score, id});
    if (full()) worst_ = Key(heap_.worst().score);
  }

  void Finish(TopkResult* out) {
    const std::vector<Entry> best = heap_.Sorted();
    out->ids.resize(best.size());
    out->scores.resize(best.size());
    for (size_t i = 0; i < best.size(); ++i) {
      out->ids[i] = best[i].id;
      out->scores[i] = best[i].score;
    }
  }

 private:
  float worst_ = -std::numeric_limits<float>::infinity();
  BoundedHeap<Entry, Better> heap_;
  std::vector<uint32_t> excl_;
};

struct Scan {
  const float* data;
  const float* norms;
  size_t n;
  size_t dims;
  const float* qn;  // query / |query|, so |qn| = 1 and no overflow in the score
  const int32_t* cancel;
  size_t poll_mask;  // poll when (row & poll_mask) == 0
};

// Rows i..i+3; past the end they alias the last row, so the final partial
// block reads nothing out of bounds (its extra scores are never offered).
inline void BlockRows(const Scan& s, size_t i, const float* r[4]) {
  for (size_t t = 0; t < 4; ++t) r[t] = s.data + std::min(i + t, s.n - 1) * s.dims;
}

// Offers the block's rows, skipping the aliased ones. Rare: only when some
// score beat the worst, or the heap is still filling.
void OfferBlock(const Scan& s, size_t i, const float sc[4], Selector* sel) {
  const size_t m = std::min<size_t>(4, s.n - i);
  for (size_t t = 0; t < m; ++t) sel->Offer(static_cast<uint32_t>(i + t), sc[t]);
}

// Norm 0 scores exactly 0 (never NaN): the catalog's zero rows, for example.
inline float Score(float dot, float norm) { return norm == 0.0f ? 0.0f : dot / norm; }

#if defined(__x86_64__)

HP_AVX2 inline __m128 Hsum4Avx2(__m256 a, __m256 b, __m256 c, __m256 d) {
  const __m256 abcd = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d));
  return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

// One row: 4 accumulators (FMA latency 4 x 2 per cycle wants >= 8 chains; 4
// is as fast here once memory-bound), 8-wide steps, then a masked tail:
// maskload touches only lanes whose mask sign bit is set, so the dims % 8 tail
// never reads past the row (or past the buffer on the last row).
HP_AVX2 inline __m256 RowDotAvx2(const float* r, const float* q, size_t d, __m256i tail) {
  __m256 a = _mm256_setzero_ps(), b = a, c = a, e = a;
  size_t j = 0;
  for (; j + 32 <= d; j += 32) {
    a = _mm256_fmadd_ps(_mm256_loadu_ps(r + j), _mm256_loadu_ps(q + j), a);
    b = _mm256_fmadd_ps(_mm256_loadu_ps(r + j + 8), _mm256_loadu_ps(q + j + 8), b);
    c = _mm256_fmadd_ps(_mm256_loadu_ps(r + j + 16), _mm256_loadu_ps(q + j + 16), c);
    e = _mm256_fmadd_ps(_mm256_loadu_ps(r + j + 24), _mm256_loadu_ps(q + j + 24), e);
  }
  for (; j + 8 <= d; j += 8) a = _mm256_fmadd_ps(_mm256_loadu_ps(r + j), _mm256_loadu_ps(q + j), a);
  if (j < d) {
    b = _mm256_fmadd_ps(_mm256_maskload_ps(r + j, tail), _mm256_maskload_ps(q + j, tail), b);
  }
  return _mm256_add_ps(_mm256_add_ps(a, b), _mm256_add_ps(c, e));
}

// Rows are read strictly one after another by the same loop: interleaving 4
// rows (or even 2) halved the bandwidth at 100k x 128 (3.7 ms against 1.5 ms;
// memread 1.25 ms), as each load instruction then sees an irregular stride
// and the hardware prefetcher gives up. Hence `unroll 1` on the row loop;
// the 4-row block only batches the horizontal sums, divides and the compare.
HP_AVX2 Status ScanAvx2(const Scan& s, Selector* sel) {
  alignas(32) int32_t lanes[8];
  for (size_t j = 0; j < 8; ++j) lanes[j] = j < (s.dims & 7) ? -1 : 0;
  const __m256i tail = _mm256_load_si256(reinterpret_cast<const __m256i*>(lanes));
  const __m128 zero4 = _mm_setzero_ps();
  for (size_t i = 0; i < s.n; i += 4) {
    if ((i & s.poll_mask) == 0 && Cancelled(s.cancel)) return Status::kCancelled;
    const float* r[4];
    BlockRows(s, i, r);
    __m256 acc[4];
#pragma GCC unroll 1
    for (size_t t = 0; t < 4; ++t) acc[t] = RowDotAvx2(r[t], s.qn, s.dims, tail);
    const __m128 dots = Hsum4Avx2(acc[0], acc[1], acc[2], acc[3]);
    const __m128 nrm = i + 4 <= s.n ? _mm_loadu_ps(s.norms + i)
                                    : _mm_set_ps(s.norms[std::min(i + 3, s.n - 1)],
                                                 s.norms[std::min(i + 2, s.n - 1)],
                                                 s.norms[std::min(i + 1, s.n - 1)], s.norms[i]);
    // dot / norm, with norm 0 giving +0 rather than inf or NaN.
    const __m128 sc = _mm_andnot_ps(_mm_cmpeq_ps(nrm, zero4), _mm_div_ps(dots, nrm));
    if (_mm_movemask_ps(_mm_cmpgt_ps(sc, _mm_set1_ps(sel->worst()))) != 0 || !sel->full()) {
      alignas(16) float out[4];
      _mm_store_ps(out, sc);
      OfferBlock(s, i, out, sel);
    }
  }
  return Status::kOk;
}

// Baseline x86-64 (SSE2 is part of the ABI): same shape, 4-wide, mul + add,
// a scalar tail for dims % 4.
inline __m128 RowDotSse2(const float* r, const float* q, size_t d) {
  __m128 a = _mm_setzero_ps(), b = a, c = a, e = a;
  size_t j = 0;
  for (; j + 16 <= d; j += 16) {
    a = _mm_add_ps(a, _mm_mul_ps(_mm_loadu_ps(r + j), _mm_loadu_ps(q + j)));
    b = _mm_add_ps(b, _mm_mul_ps(_mm_loadu_ps(r + j + 4), _mm_loadu_ps(q + j + 4)));
    c = _mm_add_ps(c, _mm_mul_ps(_mm_loadu_ps(r + j + 8), _mm_loadu_ps(q + j + 8)));
    e = _mm_add_ps(e, _mm_mul_ps(_mm_loadu_ps(r + j + 12), _mm_loadu_ps(q + j + 12)));
  }
  for (; j + 4 <= d; j += 4) {
    a = _mm_add_ps(a, _mm_mul_ps(_mm_loadu_ps(r + j), _mm_loadu_ps(q + j)));
  }
  float t = 0;
  for (; j < d; ++j) t += r[j] * q[j];
  return _mm_add_ss(_mm_add_ps(_mm_add_ps(a, b), _mm_add_ps(c, e)), _mm_set_ss(t));
}

Status ScanSse2(const Scan& s, Selector* sel) {
  for (size_t i = 0; i < s.n; i += 4) {
    if ((i & s.poll_mask) == 0 && Cancelled(s.cancel)) return Status::kCancelled;
    const float* r[4];
    BlockRows(s, i, r);
    __m128 acc[4];
#pragma GCC unroll 1
    for (size_t t = 0; t < 4; ++t) acc[t] = RowDotSse2(r[t], s.qn, s.dims);
    _MM_TRANSPOSE4_PS(acc[0], acc[1], acc[2], acc[3]);
    alignas(16) float dots[4];
    _mm_store_ps(dots, _mm_add_ps(_mm_add_ps(acc[0], acc[1]), _mm_add_ps(acc[2], acc[3])));
    float sc[4];
    bool pass = !sel->full();
    for (size_t t = 0; t < 4; ++t) {
      sc[t] = Score(dots[t], s.norms[std::min(i + t, s.n - 1)]);
      pass = pass || sc[t] > sel->worst();
    }
    if (pass) OfferBlock(s, i, sc, sel);
  }
  return Status::kOk;
}

#endif  // __x86_64__

// Other architectures: four independent sums per row (fp-contract is off, so
// the compiler keeps this order; no -ffast-math reassociation).
Status ScanScalar(const Scan& s, Selector* sel) {
  const size_t d = s.dims;
  for (size_t i = 0; i < s.n; i += 4) {
    if ((i & s.poll_mask) == 0 && Cancelled(s.cancel)) return Status::kCancelled;
    const float* r[4];
    BlockRows(s, i, r);
    float sc[4];
    bool pass = !sel->full();
#pragma GCC unroll 1
    for (size_t t = 0; t < 4; ++t) {  // one row loop, rows in order (see ScanAvx2)
      float acc[4] = {0, 0, 0, 0};
      size_t j = 0;
      for (; j + 4 <= d; j += 4) {
        for (size_t u = 0; u < 4; ++u) acc[u] += r[t][j + u] * s.qn[j + u];
      }
      for (; j < d; ++j) acc[0] += r[t][j] * s.qn[j];
      sc[t] = Score((acc[0] + acc[1]) + (acc[2] + acc[3]), s.norms[std::min(i + t, s.n - 1)]);
      pass = pass || sc[t] > sel->worst();
    }
    if (pass) OfferBlock(s, i, sc, sel);
  }
  return Status::kOk;
}

}  // namespace

Status Topk(const TopkInput& in, TopkResult* out) { return TopkWithPath(in, BestSimdPath(), out); }

Status TopkWithPath(const TopkInput& in, SimdPath path, TopkResult* out) {
  if (in.dims == 0 || in.k == 0 || in.n > 0xFFFFFFFFu) return Status::kInvalid;
  if (in.n != 0 && (in.data == nullptr || in.norms == nullptr || in.query == nullptr)) {
    return Status::kInvalid;
  }
  if (static_cast<int>(path) > static_cast<int>(BestSimdPath())) path = BestSimdPath();
  try {
    Selector sel(in.k, in.n, in.exclude, in.exclude_len);
    double q2 = 0;
    for (size_t j = 0; j < in.dims && in.n != 0; ++j) q2 += double(in.query[j]) * in.query[j];
    const double qnorm = std::sqrt(q2);
    if (in.n == 0 || qnorm == 0) {
      // Every score is exactly 0: the first k rows not excluded, by id.
      for (size_t i = 0; i < in.n && !sel.full(); ++i) sel.Offer(static_cast<uint32_t>(i), 0.0f);
      sel.Finish(out);
      return Status::kOk;
    }
    std::vector<float> qn(in.dims);
    for (size_t j = 0; j < in.dims; ++j) qn[j] = static_cast<float>(in.query[j] / qnorm);
    // Poll every ~128k floats (512 KB: 1024 rows at 128 dims, 13-35 us of
    // streaming): one relaxed load per block, well under 0.01% of the scan.
    size_t rows = std::max<size_t>(4, std::min<size_t>(4096, (size_t{1} << 17) / in.dims));
    while (rows & (rows - 1)) rows &= rows - 1;  // power of two, >= 4: blocks of 4 hit 0 mod it
    const Scan scan{in.data, in.norms, in.n, in.dims, qn.data(), in.cancel, rows - 1};
    Status st;
    switch (path) {
#if defined(__x86_64__)
      case SimdPath::kAvx2: st = ScanAvx2(scan, &sel); break;
      case SimdPath::kSse2: st = ScanSse2(scan, &sel); break;
#endif
      default: st = ScanScalar(scan, &sel); break;
    }
    if (st != Status::kOk) return st;
    sel.Finish(out);
    return Status::kOk;
  } catch (const std::bad_alloc&) {
    return Status::kNoMemory;
  }
}

}  // namespace hotpath

// memread (see memread.h).
#include "memread.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace hotpath {
namespace {

#if defined(__x86_64__)
// A plain sequential read: four 8-wide sums (add latency 3 cycles, so 4 chains
// keep ~40 B/cycle in flight, far above DRAM bandwidth).
HP_AVX2 double MemreadAvx2(const float* p, size_t len) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  size_t i = 0;
  for (; i + 32 <= len; i += 32) {
    s0 = _mm256_add_ps(s0, _mm256_loadu_ps(p + i));
    s1 = _mm256_add_ps(s1, _mm256_loadu_ps(p + i + 8));
    s2 = _mm256_add_ps(s2, _mm256_loadu_ps(p + i + 16));
    s3 = _mm256_add_ps(s3, _mm256_loadu_ps(p + i + 24));
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
  double total = 0;
  for (float v : lanes) total += v;
  for (; i < len; ++i) total += p[i];
  return total;
}

double MemreadSse2(const float* p, size_t len) {
  __m128 s0 = _mm_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  size_t i = 0;
  for (; i + 16 <= len; i += 16) {
    s0 = _mm_add_ps(s0, _mm_loadu_ps(p + i));
    s1 = _mm_add_ps(s1, _mm_loadu_ps(p + i + 4));
    s2 = _mm_add_ps(s2, _mm_loadu_ps(p + i + 8));
    s3 = _mm_add_ps(s3, _mm_loadu_ps(p + i + 12));
  }
  alignas(16) float lanes[4];
  _mm_store_ps(lanes, _mm_add_ps(_mm_add_ps(s0, s1), _mm_add_ps(s2, s3)));
  double total = 0;
  for (float v : lanes) total += v;
  for (; i < len; ++i) total += p[i];
  return total;
}
#endif  // __x86_64__

double MemreadScalar(const float* p, size_t len) {
  float acc[4] = {0, 0, 0, 0};
  size_t i = 0;
  for (; i + 4 <= len; i += 4) {
    for (size_t u = 0; u < 4; ++u) acc[u] += p[i + u];
  }
  double total = double(acc[0]) + acc[1] + acc[2] + acc[3];
  for (; i < len; ++i) total += p[i];
  return total;
}

}  // namespace

double Memread(const float* data, size_t len) { return MemreadWithPath(data, len, BestSimdPath()); }

double MemreadWithPath(const float* data, size_t len, SimdPath path) {
  if (data == nullptr || len == 0) return 0;
  if (static_cast<int>(path) > static_cast<int>(BestSimdPath())) path = BestSimdPath();
  switch (path) {
#if defined(__x86_64__)
    case SimdPath::kAvx2: return MemreadAvx2(data, len);
    case SimdPath::kSse2: return MemreadSse2(data, len);
#endif
    default: return MemreadScalar(data, len);
  }
}

}  // namespace hotpath

// Runtime SIMD dispatch (see simd.h).
#include "simd.h"

namespace hotpath {

SimdPath BestSimdPath() {
#if defined(__x86_64__)
  // libgcc's constructor fills the cpuid cache when the addon loads.
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SimdPath::kAvx2;
  return SimdPath::kSse2;
#else
  return SimdPath::kScalar;
#endif
}

const char* SimdPathName(SimdPath path) {
  switch (path) {
    case SimdPath::kAvx2: return "avx2";
    case SimdPath::kSse2: return "sse2";
    default: return "scalar";
  }
}

}  // namespace hotpath

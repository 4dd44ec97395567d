// topk: the k catalog rows most similar (cosine) to a query. Pure C++; the
// N-API shim lives in topk_napi.cc. Knows nothing of Node.
#ifndef HOTPATH_TOPK_H_
#define HOTPATH_TOPK_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common.h"
#include "simd.h"

namespace hotpath {

// Everything the kernel reads. Pointers are borrowed and must stay valid (and
// the sizes true) for the whole call; the shim checks them against the JS
// typed arrays. n = rows, data holds n * dims floats, norms n floats.
struct TopkInput {
  const float* data = nullptr;
  const float* norms = nullptr;
  size_t n = 0;
  size_t dims = 0;
  const float* query = nullptr;  // dims floats
  size_t k = 0;
  const uint32_t* exclude = nullptr;  // any order, duplicates and ids >= n allowed
  size_t exclude_len = 0;
  const int32_t* cancel = nullptr;  // nullptr: not cancellable
};

struct TopkResult {
  std::vector<uint32_t> ids;  // score descending, ties by lower id
  std::vector<float> scores;
};

// score(i) = dot(query, row_i) / (|query| * norms[i]), exactly 0 when either
// norm is 0. Returns kInvalid for inconsistent sizes (n >= 2^32, dims == 0,
// k == 0), kCancelled when the flag was seen set, kNoMemory on bad_alloc.
// `path` must be one BestSimdPath() allows; a better one falls back to it.
Status Topk(const TopkInput& in, TopkResult* out);
Status TopkWithPath(const TopkInput& in, SimdPath path, TopkResult* out);

}  // namespace hotpath

#endif  // HOTPATH_TOPK_H_

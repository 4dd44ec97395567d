// toplist: the k most frequent ids in a stream of uint32 events (play counts
// per track). Pure C++; the N-API shim lives in toplist_napi.cc.
#ifndef HOTPATH_TOPLIST_H_
#define HOTPATH_TOPLIST_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common.h"

namespace hotpath {

struct ToplistResult {
  std::vector<uint32_t> ids;  // count descending, ties by lower id
  std::vector<uint32_t> counts;
};

// How ids are counted. kAuto picks dense when the largest id is small next to
// the input (see toplist.cc); the others exist so tests can hold both to the
// same answers.
enum class CountMode : int { kAuto = 0, kDense = 1, kHash = 2 };

// Counts each id in events[0..len) and keeps the min(k, distinct ids) most
// frequent. kInvalid when k == 0, len >= 2^32 (counts are uint32) or events is
// null with len > 0; kCancelled when the flag was seen set (polled every 64k
// events); kNoMemory on bad_alloc. kDense with a huge max id may be kNoMemory.
Status Toplist(const uint32_t* events, size_t len, size_t k, const int32_t* cancel,
               ToplistResult* out);
Status ToplistWithMode(const uint32_t* events, size_t len, size_t k, const int32_t* cancel,
                       CountMode mode, ToplistResult* out);

}  // namespace hotpath

#endif  // HOTPATH_TOPLIST_H_

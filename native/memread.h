// memread: a plain sequential read (sum) of a float array, the
// memory-bandwidth yardstick that topk at large N is measured against. Pure C++.
#ifndef HOTPATH_MEMREAD_H_
#define HOTPATH_MEMREAD_H_

#include <cstddef>

#include "simd.h"

namespace hotpath {

// Sum of len floats read once, front to back, with the same dispatch as topk.
double Memread(const float* data, size_t len);
double MemreadWithPath(const float* data, size_t len, SimdPath path);

}  // namespace hotpath

#endif  // HOTPATH_MEMREAD_H_

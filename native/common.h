// Shared by the pure C++ kernels. Knows nothing of Node or N-API.
#ifndef HOTPATH_COMMON_H_
#define HOTPATH_COMMON_H_

#include <cstddef>
#include <cstdint>

namespace hotpath {

// What a kernel reports back to its shim. The shim maps each to an error code
// (kCancelled -> HP_ERR_ABORTED, kInvalid -> HP_ERR_INVALID_ARGUMENT, ...).
enum class Status : int { kOk = 0, kCancelled = 1, kInvalid = 2, kNoMemory = 3 };

// The cancel flag is an Int32Array over a SharedArrayBuffer, written by another
// thread with Atomics.store. A relaxed load is enough: we only need to see the
// store eventually, and polling every few thousand rows keeps the cost < 0.1%.
inline bool Cancelled(const int32_t* flag) {
  return flag != nullptr && __atomic_load_n(flag, __ATOMIC_RELAXED) != 0;
}

}  // namespace hotpath

#endif  // HOTPATH_COMMON_H_

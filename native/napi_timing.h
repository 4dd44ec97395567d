// Timing for the async N-API shims: where an async call reports its run time,
// CPU time and completion stamp (the slots of its cancel array), and the
// clocks that fill them. Argument parsing lives in napi_args.h.
#ifndef HOTPATH_NAPI_TIMING_H_
#define HOTPATH_NAPI_TIMING_H_

#include <napi.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace hotpath {

// Where an async call reports on itself, in its cancel array when the array
// is long enough (the pool passes [flag, run us, completion stamp, CPU us]
// per task, slots.ts): element 1 gets the kernel's run time (libuv gives
// none, and the one measured on the event loop includes the wait for the
// loop: 2.5 ms for a 1 ms toplist while inline calls held the loop, which
// made auto shun the libuv lane), element 2 when its completion began
// (StampCompletion), element 3 the run's CPU time (RunTimer).
struct AsyncTimes {
  int32_t* run_us = nullptr;
  int32_t* done_us = nullptr;
  int32_t* cpu_us = nullptr;
};

inline AsyncTimes AsyncTimesOf(const Napi::CallbackInfo& info, size_t index) {
  AsyncTimes t;
  if (index >= info.Length() || !info[index].IsTypedArray()) return t;
  // As in GetTypedArray: the ArrayBuffer accessors reject a SharedArrayBuffer.
  napi_typedarray_type type;
  size_t len = 0;
  void* ptr = nullptr;
  if (napi_get_typedarray_info(info.Env(), info[index], &type, &len, &ptr, nullptr, nullptr) !=
      napi_ok) {
    return t;
  }
  if (type != napi_int32_array) return t;
  int32_t* words = static_cast<int32_t*>(ptr);
  if (len >= 2) t.run_us = words + 1;
  if (len >= 3) t.done_us = words + 2;
  if (len >= 4) t.cpu_us = words + 3;
  return t;
}

// Stamps *out with the monotonic clock in us modulo 2^31 (the clock of
// process.hrtime, so the pool can take the difference): called first thing
// in OnOK, it lets the pool measure what converting the result to JS and
// resolving the promise cost the event loop. For a worker the same work is
// inside the pool's measured dispatch time; for libuv it was invisible, and
// auto took libuv for fingerprint over 1 s at 8 in flight (40% of calls)
// where workers ran 1.2x more calls a second.
inline void StampCompletion(int32_t* out) {
  if (out == nullptr) return;
  const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::steady_clock::now().time_since_epoch())
                         .count();
  __atomic_store_n(out, static_cast<int32_t>(us & 0x7fffffff), __ATOMIC_RELEASE);
}

// CPU time of the calling thread, us, or -1 where there is no per-thread
// CPU clock (a system call: CLOCK_THREAD_CPUTIME_ID has no vDSO fast path).
inline int64_t ThreadCpuUs() {
#if defined(CLOCK_THREAD_CPUTIME_ID)
  timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0) {
    return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
  }
#endif
  return -1;
}

// Times an async kernel on its libuv thread (Execute) and stores, when it
// goes out of scope, the whole microseconds of wall time in times.run_us and
// of the thread's CPU time in times.cpu_us. The wall time is what the caller
// sees (timing.runMs); auto learns from the CPU time: the wall time counts
// the waits for a core too (with 2 libuv threads and 2 busy workers on 2
// cores, fingerprint over 5 s read 1.22-1.39 ms against 0.89 alone), and
// auto compared it with work measured under another load. The array is
// over a SharedArrayBuffer that the worker keeps referenced, so the stores
// are safe from that thread; the main thread reads them after the promise
// settles.
class RunTimer {
 public:
  explicit RunTimer(const AsyncTimes& times)
      : run_(times.run_us),
        cpu_(times.cpu_us),
        t0_(std::chrono::steady_clock::now()),
        c0_(cpu_ != nullptr ? ThreadCpuUs() : -1) {}
  ~RunTimer() {
    if (cpu_ != nullptr && c0_ >= 0) {
      const int64_t c1 = ThreadCpuUs();
      if (c1 >= c0_) {
        __atomic_store_n(cpu_, static_cast<int32_t>(std::min<int64_t>(c1 - c0_, INT32_MAX)),
                         __ATOMIC_RELEASE);
      }
    }
    if (run_ == nullptr) return;
    const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - t0_)
                           .count();
    __atomic_store_n(run_, static_cast<int32_t>(std::min<int64_t>(us, INT32_MAX)),
                     __ATOMIC_RELEASE);
  }
  RunTimer(const RunTimer&) = delete;
  RunTimer& operator=(const RunTimer&) = delete;

 private:
  int32_t* run_;
  int32_t* cpu_;
  std::chrono::steady_clock::time_point t0_;
  int64_t c0_;
};

}  // namespace hotpath

#endif  // HOTPATH_NAPI_TIMING_H_

// Helpers for the thin N-API shims: argument extraction with real type checks
// (As<T>() does not check unless NODE_ADDON_API_ENABLE_TYPE_CHECK_ON_AS is set,
// and a Uint8Array taken as Uint32Array was a heap overflow under ASan), and
// errors that carry a stable HP_ERR_* code.
#ifndef HOTPATH_NAPI_UTIL_H_
#define HOTPATH_NAPI_UTIL_H_

#include <napi.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

#include "common.h"

namespace hotpath {

// Throws a JS Error whose `code` the TS side maps back to its typed error.
inline Napi::Error CodedError(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("code", Napi::String::New(env, code));
  return err;
}

inline Napi::Error InvalidArg(Napi::Env env, const std::string& message) {
  return CodedError(env, "HP_ERR_INVALID_ARGUMENT", message);
}

// Maps a kernel status that is not kOk to the error the caller sees.
inline Napi::Error StatusError(Napi::Env env, Status status, const char* kernel) {
  switch (status) {
    case Status::kCancelled:
      return CodedError(env, "HP_ERR_ABORTED", std::string(kernel) + ": cancelled");
    case Status::kInvalid: return InvalidArg(env, std::string(kernel) + ": invalid input");
    case Status::kNoMemory:
      return CodedError(env, "HP_ERR_NATIVE", std::string(kernel) + ": out of memory");
    default: return CodedError(env, "HP_ERR_NATIVE", std::string(kernel) + ": failed");
  }
}

// A typed array argument of exactly type T, or a thrown HP_ERR_INVALID_ARGUMENT.
// Returns false (with a pending exception) on mismatch.
template <typename T>
bool GetTypedArray(const Napi::CallbackInfo& info, size_t index, napi_typedarray_type want,
                   const char* name, T** data, size_t* length) {
  Napi::Env env = info.Env();
  if (index >= info.Length() || !info[index].IsTypedArray()) {
    InvalidArg(env, std::string(name) + " must be a typed array").ThrowAsJavaScriptException();
    return false;
  }
  // napi_get_typedarray_info gives the data pointer with the byte offset
  // applied, and works for views over a SharedArrayBuffer (the ArrayBuffer
  // accessors reject a SharedArrayBuffer on Node 20 with napi_invalid_arg).
  napi_typedarray_type type;
  size_t len = 0;
  void* ptr = nullptr;
  napi_status st = napi_get_typedarray_info(env, info[index], &type, &len, &ptr, nullptr, nullptr);
  if (st != napi_ok) {
    InvalidArg(env, std::string(name) + " could not be read").ThrowAsJavaScriptException();
    return false;
  }
  if (type != want) {
    InvalidArg(env, std::string(name) + " has the wrong element type").ThrowAsJavaScriptException();
    return false;
  }
  *length = len;
  *data = static_cast<T*>(ptr);
  if (*data == nullptr && *length != 0) {
    InvalidArg(env, std::string(name) + " is detached").ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

// Optional cancel flag: undefined/null means none; otherwise an Int32Array of
// length >= 1 (normally over a SharedArrayBuffer so another thread can set it).
inline bool GetCancelFlag(const Napi::CallbackInfo& info, size_t index, const int32_t** flag) {
  *flag = nullptr;
  if (index >= info.Length() || info[index].IsUndefined() || info[index].IsNull()) return true;
  int32_t* data = nullptr;
  size_t length = 0;
  if (!GetTypedArray<int32_t>(info, index, napi_int32_array, "cancel", &data, &length)) {
    return false;
  }
  if (length < 1) {
    InvalidArg(info.Env(), "cancel must have at least one element").ThrowAsJavaScriptException();
    return false;
  }
  *flag = data;
  return true;
}

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

// A non-negative integer number argument no larger than max.
inline bool GetCount(const Napi::CallbackInfo& info, size_t index, const char* name, double max,
                     size_t* out) {
  Napi::Env env = info.Env();
  if (index >= info.Length() || !info[index].IsNumber()) {
    InvalidArg(env, std::string(name) + " must be a number").ThrowAsJavaScriptException();
    return false;
  }
  double v = info[index].As<Napi::Number>().DoubleValue();
  if (!(v >= 0 && v <= max) || v != static_cast<double>(static_cast<uint64_t>(v))) {
    InvalidArg(env, std::string(name) + " must be an integer in [0, " + std::to_string(max) + "]")
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = static_cast<size_t>(v);
  return true;
}

// True when the typed array's backing store is a SharedArrayBuffer, which can
// never be detached: an AsyncWorker may then read it in place. Anything else
// must be copied before the work is queued (a transferred ArrayBuffer during
// AsyncWorker work was a use-after-free under ASan). Asked of the engine, not
// of JS: the real backing store is shared exactly when it is not an
// ArrayBuffer (napi_is_arraybuffer is false for a SharedArrayBuffer). Reading
// `ta.buffer` instead would trust a getter that user code can redefine, and
// run JS between the argument checks and their use.
inline bool IsSharedView(napi_env env, napi_value typed_array) {
  napi_value buffer = nullptr;
  if (napi_get_typedarray_info(env, typed_array, nullptr, nullptr, nullptr, &buffer, nullptr) !=
      napi_ok) {
    return false;
  }
  bool is_array_buffer = true;
  if (napi_is_arraybuffer(env, buffer, &is_array_buffer) != napi_ok) return false;
  return !is_array_buffer;
}

}  // namespace hotpath

#endif  // HOTPATH_NAPI_UTIL_H_

// Argument parsing for the thin N-API shims: extraction with real type checks
// (As<T>() does not check unless NODE_ADDON_API_ENABLE_TYPE_CHECK_ON_AS is set,
// and a Uint8Array taken as Uint32Array was a heap overflow under ASan), and
// errors that carry a stable HP_ERR_* code. Timing lives in napi_timing.h.
#ifndef HOTPATH_NAPI_ARGS_H_
#define HOTPATH_NAPI_ARGS_H_

#include <napi.h>

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

#endif  // HOTPATH_NAPI_ARGS_H_

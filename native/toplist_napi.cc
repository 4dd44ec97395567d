// N-API shim for toplist and toplistAsync: checks the arguments again, calls
// the pure C++ kernel, wraps the result.
//
// Errors: argument errors throw synchronously, from toplist and toplistAsync
// alike (HP_ERR_INVALID_ARGUMENT). Once the arguments parse, toplistAsync only
// rejects: a cancel flag not over a SharedArrayBuffer (HP_ERR_INVALID_ARGUMENT),
// out of memory (HP_ERR_NATIVE), cancelled (HP_ERR_ABORTED).
#include <algorithm>

#include "napi_args.h"
#include "napi_kernel.h"
#include "shims.h"
#include "toplist.h"

namespace hotpath {
namespace {

constexpr double kMaxK = 1000000;

struct ToplistArgs {
  const uint32_t* events = nullptr;
  size_t len = 0;
  size_t k = 0;
  const int32_t* cancel = nullptr;
};

// False with a pending HP_ERR_INVALID_ARGUMENT on any mismatch. Runs no JS.
bool ParseToplist(const Napi::CallbackInfo& info, ToplistArgs* a) {
  Napi::Env env = info.Env();
  uint32_t* events = nullptr;
  if (!GetTypedArray<uint32_t>(info, 0, napi_uint32_array, "events", &events, &a->len)) {
    return false;
  }
  a->events = events;
  if (a->len > 0xFFFFFFFFu) {
    InvalidArg(env, "events must hold fewer than 2^32 ids").ThrowAsJavaScriptException();
    return false;
  }
  if (!GetCount(info, 1, "k", kMaxK, &a->k)) return false;
  if (a->k == 0) {
    InvalidArg(env, "k must be an integer in [1, 1000000]").ThrowAsJavaScriptException();
    return false;
  }
  return GetCancelFlag(info, 2, &a->cancel);
}

Napi::Object MakeResult(Napi::Env env, const ToplistResult& r) {
  Napi::Uint32Array ids = Napi::Uint32Array::New(env, r.ids.size());
  Napi::Uint32Array counts = Napi::Uint32Array::New(env, r.counts.size());
  std::copy(r.ids.begin(), r.ids.end(), ids.Data());
  std::copy(r.counts.begin(), r.counts.end(), counts.Data());
  Napi::Object out = Napi::Object::New(env);
  out.Set("ids", ids);
  out.Set("counts", counts);
  return out;
}

// toplist as SyncCall and AsyncCall see it (napi_kernel.h).
struct ToplistShim {
  using Args = ToplistArgs;
  using Result = ToplistResult;
  static constexpr const char* kName = "toplist";
  static constexpr const char* kResource = "hotpath.toplist";
  static constexpr size_t kCancelArg = 2;
  static constexpr const char* kCancelNotShared =
      "cancel must be an Int32Array over a SharedArrayBuffer";
  static constexpr bool kAsyncSetupThrows = false;

  static bool Parse(const Napi::CallbackInfo& info, ToplistArgs* a) {
    return ParseToplist(info, a);
  }
  static Status Run(const ToplistArgs& a, ToplistResult* out) {
    return Toplist(a.events, a.len, a.k, a.cancel, out);
  }
  static Napi::Value ToJs(Napi::Env env, const ToplistResult& r) { return MakeResult(env, r); }

  struct Inputs {
    HeldArray<uint32_t> events;
    void Hold(const Napi::CallbackInfo& info, ToplistArgs* a) {
      events.Hold(info, 0, &a->events, a->len);
    }
  };
};

}  // namespace

Napi::Value ToplistJs(const Napi::CallbackInfo& info) { return SyncCall<ToplistShim>(info); }

Napi::Value ToplistAsyncJs(const Napi::CallbackInfo& info) { return AsyncCall<ToplistShim>(info); }

}  // namespace hotpath

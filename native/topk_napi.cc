// N-API shim for topk, topkAsync, memread and simd: checks every argument
// again (never trust the caller with a pointer), calls the pure C++ kernel,
// and wraps its result. Keeps no JS handle past a call except the references
// an async call holds until it settles.
//
// Errors: argument errors throw synchronously, from topk and topkAsync alike
// (HP_ERR_INVALID_ARGUMENT). Once the arguments parse, topkAsync only rejects:
// a cancel flag not over a SharedArrayBuffer (HP_ERR_INVALID_ARGUMENT),
// out of memory copying inputs (HP_ERR_NATIVE), cancelled (HP_ERR_ABORTED).
#include <algorithm>
#include <vector>

#include "memread.h"
#include "napi_args.h"
#include "napi_kernel.h"
#include "shims.h"
#include "topk.h"

namespace hotpath {
namespace {

constexpr double kMaxK = 1000000;
constexpr double kMaxU32 = 4294967295.0;

// Parses topk's seven arguments into `in` (pointers borrowed from this call's
// typed arrays). False with a pending HP_ERR_INVALID_ARGUMENT on any mismatch.
// Runs no JS (no getters), so nothing can detach a buffer between check and use.
bool ParseTopk(const Napi::CallbackInfo& info, TopkInput* in) {
  Napi::Env env = info.Env();
  float* data = nullptr;
  float* norms = nullptr;
  float* query = nullptr;
  size_t data_len = 0, norms_len = 0, query_len = 0, dims = 0, k = 0;
  if (!GetTypedArray<float>(info, 0, napi_float32_array, "data", &data, &data_len)) return false;
  if (!GetTypedArray<float>(info, 1, napi_float32_array, "norms", &norms, &norms_len)) return false;
  if (!GetCount(info, 2, "dims", kMaxU32, &dims)) return false;
  if (dims == 0) {
    InvalidArg(env, "dims must be at least 1").ThrowAsJavaScriptException();
    return false;
  }
  if (data_len % dims != 0) {
    InvalidArg(env, "data.length must be a multiple of dims").ThrowAsJavaScriptException();
    return false;
  }
  const size_t n = data_len / dims;
  if (n > kMaxU32) {
    InvalidArg(env, "data has more rows than uint32 ids can name").ThrowAsJavaScriptException();
    return false;
  }
  if (norms_len != n) {
    InvalidArg(env, "norms.length must equal data.length / dims").ThrowAsJavaScriptException();
    return false;
  }
  if (!GetTypedArray<float>(info, 3, napi_float32_array, "query", &query, &query_len)) return false;
  if (query_len != dims) {
    InvalidArg(env, "query.length must equal dims").ThrowAsJavaScriptException();
    return false;
  }
  if (!GetCount(info, 4, "k", kMaxK, &k)) return false;
  if (k == 0) {
    InvalidArg(env, "k must be an integer in [1, 1000000]").ThrowAsJavaScriptException();
    return false;
  }
  uint32_t* exclude = nullptr;
  size_t exclude_len = 0;
  if (info.Length() > 5 && !info[5].IsUndefined() && !info[5].IsNull() &&
      !GetTypedArray<uint32_t>(info, 5, napi_uint32_array, "exclude", &exclude, &exclude_len)) {
    return false;
  }
  const int32_t* cancel = nullptr;
  if (!GetCancelFlag(info, 6, &cancel)) return false;
  *in = TopkInput{data, norms, n, dims, query, k, exclude, exclude_len, cancel};
  return true;
}

Napi::Object MakeResult(Napi::Env env, const TopkResult& r) {
  Napi::Uint32Array ids = Napi::Uint32Array::New(env, r.ids.size());
  Napi::Float32Array scores = Napi::Float32Array::New(env, r.scores.size());
  std::copy(r.ids.begin(), r.ids.end(), ids.Data());
  std::copy(r.scores.begin(), r.scores.end(), scores.Data());
  Napi::Object out = Napi::Object::New(env);
  out.Set("ids", ids);
  out.Set("scores", scores);
  return out;
}

// topk as SyncCall and AsyncCall see it (napi_kernel.h).
struct TopkShim {
  using Args = TopkInput;
  using Result = TopkResult;
  static constexpr const char* kName = "topk";
  static constexpr const char* kResource = "hotpath.topk";
  static constexpr size_t kCancelArg = 6;
  static constexpr const char* kCancelNotShared =
      "cancel must be an Int32Array over a SharedArrayBuffer";
  static constexpr bool kAsyncSetupThrows = false;

  static bool Parse(const Napi::CallbackInfo& info, TopkInput* in) { return ParseTopk(info, in); }
  static Status Run(const TopkInput& in, TopkResult* out) { return Topk(in, out); }
  static Napi::Value ToJs(Napi::Env env, const TopkResult& r) { return MakeResult(env, r); }

  // The catalog is read in place when shared (it is large); query and
  // exclude are small and always copied.
  struct Inputs {
    HeldArray<float> data, norms;
    std::vector<float> query;
    std::vector<uint32_t> exclude;
    void Hold(const Napi::CallbackInfo& info, TopkInput* in) {
      data.Hold(info, 0, &in->data, in->n * in->dims);
      norms.Hold(info, 1, &in->norms, in->n);
      query.assign(in->query, in->query + in->dims);
      in->query = query.data();
      exclude.assign(in->exclude, in->exclude + in->exclude_len);
      in->exclude = exclude.data();
    }
  };
};

}  // namespace

Napi::Value TopkJs(const Napi::CallbackInfo& info) { return SyncCall<TopkShim>(info); }

Napi::Value TopkAsyncJs(const Napi::CallbackInfo& info) { return AsyncCall<TopkShim>(info); }

Napi::Value MemreadJs(const Napi::CallbackInfo& info) {
  float* data = nullptr;
  size_t len = 0;
  if (!GetTypedArray<float>(info, 0, napi_float32_array, "data", &data, &len)) {
    return info.Env().Undefined();
  }
  return Napi::Number::New(info.Env(), Memread(data, len));
}

Napi::Value SimdJs(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), SimdPathName(BestSimdPath()));
}

}  // namespace hotpath

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
#include <memory>
#include <new>
#include <vector>

#include "memread.h"
#include "napi_args.h"
#include "napi_timing.h"
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

// One topkAsync call. Built on the main thread; Execute runs on a libuv pool
// thread and touches only plain C++ memory: the copies below, or a
// SharedArrayBuffer's memory (never detachable) kept alive by a reference.
class TopkWorker : public Napi::AsyncWorker {
 public:
  TopkWorker(Napi::Env env, Napi::Promise::Deferred deferred)
      : Napi::AsyncWorker(env, "hotpath.topk"), deferred_(deferred) {}

  // Points in_ at memory that outlives the call. May throw std::bad_alloc.
  void Prepare(const Napi::CallbackInfo& info, const TopkInput& in) {
    in_ = in;
    const size_t data_len = in.n * in.dims;
    if (IsSharedView(info.Env(), info[0])) {
      data_ref_ = Napi::Persistent(info[0].As<Napi::Object>());
    } else {
      data_copy_.assign(in.data, in.data + data_len);
      in_.data = data_copy_.data();
    }
    if (IsSharedView(info.Env(), info[1])) {
      norms_ref_ = Napi::Persistent(info[1].As<Napi::Object>());
    } else {
      norms_copy_.assign(in.norms, in.norms + in.n);
      in_.norms = norms_copy_.data();
    }
    query_.assign(in.query, in.query + in.dims);
    in_.query = query_.data();
    exclude_.assign(in.exclude, in.exclude + in.exclude_len);
    in_.exclude = exclude_.data();
    if (in.cancel != nullptr) {
      cancel_ref_ = Napi::Persistent(info[6].As<Napi::Object>());
      times_ = AsyncTimesOf(info, 6);
    }
  }

  void Execute() override {
    RunTimer timer(times_);
    status_ = Topk(in_, &result_);
  }

  void OnOK() override {
    StampCompletion(times_.done_us);
    Napi::Env env = Env();
    if (status_ != Status::kOk) {
      deferred_.Reject(StatusError(env, status_, "topk").Value());
      return;
    }
    try {
      deferred_.Resolve(MakeResult(env, result_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  TopkInput in_;
  Status status_ = Status::kOk;
  TopkResult result_;
  Napi::ObjectReference data_ref_, norms_ref_, cancel_ref_;
  AsyncTimes times_;
  std::vector<float> data_copy_, norms_copy_, query_;
  std::vector<uint32_t> exclude_;
};

}  // namespace

Napi::Value TopkJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TopkInput in;
  if (!ParseTopk(info, &in)) return env.Undefined();
  TopkResult result;
  const Status st = Topk(in, &result);
  if (st != Status::kOk) {
    StatusError(env, st, "topk").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return MakeResult(env, result);
}

Napi::Value TopkAsyncJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TopkInput in;
  if (!ParseTopk(info, &in)) return env.Undefined();
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  // Another thread sets the flag: a flag over a plain ArrayBuffer could only
  // be set from this thread, which is busy waiting for us, or be detached.
  if (in.cancel != nullptr && !IsSharedView(env, info[6])) {
    deferred.Reject(
        InvalidArg(env, "cancel must be an Int32Array over a SharedArrayBuffer").Value());
    return deferred.Promise();
  }
  std::unique_ptr<TopkWorker> worker(new TopkWorker(env, deferred));
  try {
    worker->Prepare(info, in);
  } catch (const std::bad_alloc&) {
    deferred.Reject(StatusError(env, Status::kNoMemory, "topk").Value());
    return deferred.Promise();
  }
  worker.release()->Queue();  // the worker deletes itself after OnOK/OnError
  return deferred.Promise();
}

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

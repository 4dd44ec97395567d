// Thin N-API shim for the fingerprint kernel (native/fingerprint.h). It trusts
// nothing: exact typed-array types, an integer rate in range, a sane length;
// then it runs the kernel and copies the landmarks into fresh Uint32Arrays.
#include <cstring>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "fingerprint.h"
#include "napi_args.h"
#include "napi_timing.h"
#include "shims.h"

namespace hotpath {

namespace {

struct FingerprintArgs {
  float* samples = nullptr;
  size_t length = 0;
  uint32_t rate = 0;
  const int32_t* cancel = nullptr;
};

// Returns false with a pending HP_ERR_INVALID_ARGUMENT exception.
bool ParseArgs(const Napi::CallbackInfo& info, FingerprintArgs* args) {
  if (!GetTypedArray<float>(info, 0, napi_float32_array, "samples", &args->samples,
                            &args->length)) {
    return false;
  }
  if (args->length > fingerprint::kMaxSamples) {
    InvalidArg(info.Env(), "samples is too long").ThrowAsJavaScriptException();
    return false;
  }
  size_t rate = 0;
  if (!GetCount(info, 1, "sampleRate", fingerprint::kMaxSampleRate, &rate)) return false;
  if (rate < fingerprint::kMinSampleRate) {
    InvalidArg(info.Env(), "sampleRate must be an integer in [1000, 384000]")
        .ThrowAsJavaScriptException();
    return false;
  }
  args->rate = static_cast<uint32_t>(rate);
  return GetCancelFlag(info, 2, &args->cancel);
}

Napi::Object ToJs(Napi::Env env, const FingerprintOutput& out) {
  const size_t n = out.hashes.size();
  Napi::Uint32Array hashes = Napi::Uint32Array::New(env, n);
  Napi::Uint32Array times = Napi::Uint32Array::New(env, n);
  if (n != 0) {
    std::memcpy(hashes.Data(), out.hashes.data(), n * sizeof(uint32_t));
    std::memcpy(times.Data(), out.times.data(), n * sizeof(uint32_t));
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("hashes", hashes);
  result.Set("times", times);
  return result;
}

// Runs on libuv's thread pool. Holds no JS handles it reads off-thread except
// SharedArrayBuffer views, which can never be detached; other samples are copied
// before queueing (a transferred buffer during work was a use-after-free).
class FingerprintWorker : public Napi::AsyncWorker {
 public:
  FingerprintWorker(Napi::Env env, const FingerprintArgs& args, std::vector<float> copy,
                    Napi::Object shared_samples, Napi::Object cancel_obj, AsyncTimes times)
      : Napi::AsyncWorker(env, "hotpath:fingerprint"),
        deferred_(Napi::Promise::Deferred::New(env)),
        args_(args),
        copy_(std::move(copy)),
        times_(times) {
    if (!shared_samples.IsEmpty()) {
      samples_ref_ = Napi::Persistent(shared_samples);
    } else {
      args_.samples = copy_.data();
    }
    if (!cancel_obj.IsEmpty()) cancel_ref_ = Napi::Persistent(cancel_obj);
  }

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    RunTimer timer(times_);
    status_ = Fingerprint(args_.samples, args_.length, args_.rate, args_.cancel, &out_);
  }

  void OnOK() override {
    StampCompletion(times_.done_us);
    Napi::Env env = Env();
    if (status_ != Status::kOk) {
      deferred_.Reject(StatusError(env, status_, "fingerprint").Value());
      return;
    }
    try {
      deferred_.Resolve(ToJs(env, out_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  FingerprintArgs args_;
  std::vector<float> copy_;
  Napi::ObjectReference samples_ref_;
  Napi::ObjectReference cancel_ref_;
  AsyncTimes times_;
  FingerprintOutput out_;
  Status status_ = Status::kOk;
};

}  // namespace

Napi::Value FingerprintJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FingerprintArgs args;
  if (!ParseArgs(info, &args)) return env.Undefined();
  FingerprintOutput out;
  Status st = Fingerprint(args.samples, args.length, args.rate, args.cancel, &out);
  if (st != Status::kOk) {
    StatusError(env, st, "fingerprint").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return ToJs(env, out);
}

Napi::Value FingerprintAsyncJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  FingerprintArgs args;
  if (!ParseArgs(info, &args)) return env.Undefined();
  Napi::Object cancel_obj;
  if (args.cancel != nullptr) {
    // Read in place from another thread while it runs: only a SAB stays put.
    // IsSharedView asks the engine and runs no JS (a `buffer` getter could lie,
    // or detach the samples between the checks above and their use below).
    if (!IsSharedView(env, info[2])) {
      InvalidArg(env, "cancel must be an Int32Array over a SharedArrayBuffer for async calls")
          .ThrowAsJavaScriptException();
      return env.Undefined();
    }
    cancel_obj = info[2].As<Napi::Object>();
  }
  Napi::Object shared_samples;
  std::vector<float> copy;
  try {
    if (IsSharedView(env, info[0])) {
      shared_samples = info[0].As<Napi::Object>();
    } else {
      copy.assign(args.samples, args.samples + args.length);
    }
  } catch (const std::bad_alloc&) {
    CodedError(env, "HP_ERR_NATIVE", "fingerprint: out of memory").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const AsyncTimes times = args.cancel != nullptr ? AsyncTimesOf(info, 2) : AsyncTimes{};
  auto* worker =
      new FingerprintWorker(env, args, std::move(copy), shared_samples, cancel_obj, times);
  Napi::Promise promise = worker->Promise();
  worker->Queue();  // the worker deletes itself after OnOK/OnError
  return promise;
}

}  // namespace hotpath

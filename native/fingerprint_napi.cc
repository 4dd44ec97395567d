// Thin N-API shim for the fingerprint kernel (native/fingerprint.h). It trusts
// nothing: exact typed-array types, an integer rate in range, a sane length;
// then it runs the kernel and copies the landmarks into fresh Uint32Arrays.
#include <cstring>

#include "fingerprint.h"
#include "napi_args.h"
#include "napi_kernel.h"
#include "shims.h"

namespace hotpath {

namespace {

struct FingerprintArgs {
  const float* samples = nullptr;
  size_t length = 0;
  uint32_t rate = 0;
  const int32_t* cancel = nullptr;
};

// Returns false with a pending HP_ERR_INVALID_ARGUMENT exception.
bool ParseArgs(const Napi::CallbackInfo& info, FingerprintArgs* args) {
  float* samples = nullptr;
  if (!GetTypedArray<float>(info, 0, napi_float32_array, "samples", &samples, &args->length)) {
    return false;
  }
  args->samples = samples;
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

// fingerprint as SyncCall and AsyncCall see it (napi_kernel.h).
struct FingerprintShim {
  using Args = FingerprintArgs;
  using Result = FingerprintOutput;
  static constexpr const char* kName = "fingerprint";
  static constexpr const char* kResource = "hotpath:fingerprint";
  static constexpr size_t kCancelArg = 2;
  static constexpr const char* kCancelNotShared =
      "cancel must be an Int32Array over a SharedArrayBuffer for async calls";
  static constexpr bool kAsyncSetupThrows = true;

  static bool Parse(const Napi::CallbackInfo& info, FingerprintArgs* args) {
    return ParseArgs(info, args);
  }
  static Status Run(const FingerprintArgs& a, FingerprintOutput* out) {
    return Fingerprint(a.samples, a.length, a.rate, a.cancel, out);
  }
  static Napi::Value ToJs(Napi::Env env, const FingerprintOutput& out) {
    return hotpath::ToJs(env, out);
  }

  struct Inputs {
    HeldArray<float> samples;
    void Hold(const Napi::CallbackInfo& info, FingerprintArgs* a) {
      samples.Hold(info, 0, &a->samples, a->length);
    }
  };
};

}  // namespace

Napi::Value FingerprintJs(const Napi::CallbackInfo& info) {
  return SyncCall<FingerprintShim>(info);
}

Napi::Value FingerprintAsyncJs(const Napi::CallbackInfo& info) {
  return AsyncCall<FingerprintShim>(info);
}

}  // namespace hotpath

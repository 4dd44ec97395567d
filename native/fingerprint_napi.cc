// placeholder shim
#include "napi_util.h"
#include "shims.h"
namespace hotpath {
Napi::Value FingerprintJs(const Napi::CallbackInfo& info) { CodedError(info.Env(), "HP_ERR_NATIVE", "not implemented").ThrowAsJavaScriptException(); return info.Env().Undefined(); }
Napi::Value FingerprintAsyncJs(const Napi::CallbackInfo& info) { return FingerprintJs(info); }
}  // namespace hotpath

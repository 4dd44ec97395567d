// placeholder shim
#include "napi_util.h"
#include "shims.h"
namespace hotpath {
Napi::Value ToplistJs(const Napi::CallbackInfo& info) { CodedError(info.Env(), "HP_ERR_NATIVE", "not implemented").ThrowAsJavaScriptException(); return info.Env().Undefined(); }
Napi::Value ToplistAsyncJs(const Napi::CallbackInfo& info) { return ToplistJs(info); }
}  // namespace hotpath

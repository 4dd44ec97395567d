// placeholder shim
#include "napi_util.h"
#include "shims.h"
namespace hotpath {
static Napi::Value Todo(const Napi::CallbackInfo& info) {
  CodedError(info.Env(), "HP_ERR_NATIVE", "not implemented").ThrowAsJavaScriptException();
  return info.Env().Undefined();
}
Napi::Value TopkJs(const Napi::CallbackInfo& info) { return Todo(info); }
Napi::Value TopkAsyncJs(const Napi::CallbackInfo& info) { return Todo(info); }
Napi::Value MemreadJs(const Napi::CallbackInfo& info) { return Todo(info); }
Napi::Value SimdJs(const Napi::CallbackInfo& info) { return Todo(info); }
}  // namespace hotpath

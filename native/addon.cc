// Registry only: the addon instance and its exports. Napi::Addon<T> makes the
// module context-aware, so it loads in the main thread and in every worker
// thread (a classic NODE_MODULE addon failed with "Module did not
// self-register" in workers). No mutable statics anywhere in native/.
#include <napi.h>

#include "shims.h"

namespace hotpath {

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    exports.Set("topk", Napi::Function::New(env, TopkJs, "topk"));
    exports.Set("topkAsync", Napi::Function::New(env, TopkAsyncJs, "topkAsync"));
    exports.Set("memread", Napi::Function::New(env, MemreadJs, "memread"));
    exports.Set("simd", Napi::Function::New(env, SimdJs, "simd"));
    exports.Set("toplist", Napi::Function::New(env, ToplistJs, "toplist"));
    exports.Set("toplistAsync", Napi::Function::New(env, ToplistAsyncJs, "toplistAsync"));
    exports.Set("fingerprint", Napi::Function::New(env, FingerprintJs, "fingerprint"));
    exports.Set("fingerprintAsync",
                Napi::Function::New(env, FingerprintAsyncJs, "fingerprintAsync"));
    exports.Set("threadCpuUs", Napi::Function::New(env, ThreadCpuUsJs, "threadCpuUs"));
    exports.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  }
};

}  // namespace hotpath

// The macro pastes the class name into an identifier: it must be unqualified.
using HotpathAddon = hotpath::Addon;
NODE_API_ADDON(HotpathAddon)

// threadCpuUs(): CPU time of the calling thread, in microseconds, or -1 where
// the platform has no per-thread CPU clock. auto (src/pool/auto.ts) measures
// its costs with it: by wall clock, the same few microseconds of work read
// 3-5x high while busy workers shared the cores (fingerprint over 5 s at 8 in
// flight, 2 cores: the event loop's share of a worker task read 0.18-0.30 ms
// against 0.04-0.07 of CPU). About 0.7 us a call here, a system call.
#include "napi_timing.h"
#include "shims.h"

namespace hotpath {

Napi::Value ThreadCpuUsJs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(ThreadCpuUs()));
}

}  // namespace hotpath

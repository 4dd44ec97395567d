// The JS-visible functions of the addon, one shim file per kernel. addon.cc
// registers them; nothing else includes N-API.
#ifndef HOTPATH_SHIMS_H_
#define HOTPATH_SHIMS_H_

#include <napi.h>

namespace hotpath {

// topk(data: Float32Array, norms: Float32Array, dims: number, query: Float32Array,
//      k: number, exclude?: Uint32Array, cancel?: Int32Array)
//   -> { ids: Uint32Array, scores: Float32Array }   (score desc, ties by lower id)
Napi::Value TopkJs(const Napi::CallbackInfo& info);
// Same arguments; runs on libuv's thread pool and returns a Promise.
Napi::Value TopkAsyncJs(const Napi::CallbackInfo& info);
// memread(data: Float32Array) -> number: a plain sequential read (sum) of the
// same bytes topk streams, the memory-bandwidth yardstick of the benchmark.
Napi::Value MemreadJs(const Napi::CallbackInfo& info);
// simd() -> "avx2" | "sse2": which topk path the runtime dispatch picked.
Napi::Value SimdJs(const Napi::CallbackInfo& info);

// toplist(events: Uint32Array, k: number, cancel?: Int32Array)
//   -> { ids: Uint32Array, counts: Uint32Array }    (count desc, ties by lower id)
Napi::Value ToplistJs(const Napi::CallbackInfo& info);
Napi::Value ToplistAsyncJs(const Napi::CallbackInfo& info);

// fingerprint(samples: Float32Array, sampleRate: number, cancel?: Int32Array)
//   -> { hashes: Uint32Array, times: Uint32Array }  (times = anchor frame index)
Napi::Value FingerprintJs(const Napi::CallbackInfo& info);
Napi::Value FingerprintAsyncJs(const Napi::CallbackInfo& info);

// threadCpuUs() -> number: the calling thread's CPU time in us, or -1 where
// there is no per-thread CPU clock.
Napi::Value ThreadCpuUsJs(const Napi::CallbackInfo& info);

}  // namespace hotpath

#endif  // HOTPATH_SHIMS_H_

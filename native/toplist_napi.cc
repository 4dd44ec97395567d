// N-API shim for toplist and toplistAsync: checks the arguments again, calls
// the pure C++ kernel, wraps the result.
//
// Errors: argument errors throw synchronously, from toplist and toplistAsync
// alike (HP_ERR_INVALID_ARGUMENT). Once the arguments parse, toplistAsync only
// rejects: a cancel flag not over a SharedArrayBuffer (HP_ERR_INVALID_ARGUMENT),
// out of memory (HP_ERR_NATIVE), cancelled (HP_ERR_ABORTED).
#include <algorithm>
#include <memory>
#include <new>
#include <vector>

#include "napi_args.h"
#include "napi_timing.h"
#include "shims.h"
#include "toplist.h"

namespace hotpath {
namespace {

constexpr double kMaxK = 1000000;

struct ToplistArgs {
  const uint32_t* events = nullptr;
  size_t len = 0;
  size_t k = 0;
  const int32_t* cancel = nullptr;
};

// False with a pending HP_ERR_INVALID_ARGUMENT on any mismatch. Runs no JS.
bool ParseToplist(const Napi::CallbackInfo& info, ToplistArgs* a) {
  Napi::Env env = info.Env();
  uint32_t* events = nullptr;
  if (!GetTypedArray<uint32_t>(info, 0, napi_uint32_array, "events", &events, &a->len)) {
    return false;
  }
  a->events = events;
  if (a->len > 0xFFFFFFFFu) {
    InvalidArg(env, "events must hold fewer than 2^32 ids").ThrowAsJavaScriptException();
    return false;
  }
  if (!GetCount(info, 1, "k", kMaxK, &a->k)) return false;
  if (a->k == 0) {
    InvalidArg(env, "k must be an integer in [1, 1000000]").ThrowAsJavaScriptException();
    return false;
  }
  return GetCancelFlag(info, 2, &a->cancel);
}

Napi::Object MakeResult(Napi::Env env, const ToplistResult& r) {
  Napi::Uint32Array ids = Napi::Uint32Array::New(env, r.ids.size());
  Napi::Uint32Array counts = Napi::Uint32Array::New(env, r.counts.size());
  std::copy(r.ids.begin(), r.ids.end(), ids.Data());
  std::copy(r.counts.begin(), r.counts.end(), counts.Data());
  Napi::Object out = Napi::Object::New(env);
  out.Set("ids", ids);
  out.Set("counts", counts);
  return out;
}

// One toplistAsync call: events are read in place when over a
// SharedArrayBuffer (never detachable; a reference keeps it alive), else
// copied here on the main thread before the work is queued.
class ToplistWorker : public Napi::AsyncWorker {
 public:
  ToplistWorker(Napi::Env env, Napi::Promise::Deferred deferred)
      : Napi::AsyncWorker(env, "hotpath.toplist"), deferred_(deferred) {}

  // May throw std::bad_alloc.
  void Prepare(const Napi::CallbackInfo& info, const ToplistArgs& a) {
    args_ = a;
    if (IsSharedView(info.Env(), info[0])) {
      events_ref_ = Napi::Persistent(info[0].As<Napi::Object>());
    } else {
      copy_.assign(a.events, a.events + a.len);
      args_.events = copy_.data();
    }
    if (a.cancel != nullptr) {
      cancel_ref_ = Napi::Persistent(info[2].As<Napi::Object>());
      times_ = AsyncTimesOf(info, 2);
    }
  }

  void Execute() override {
    RunTimer timer(times_);
    status_ = Toplist(args_.events, args_.len, args_.k, args_.cancel, &result_);
  }

  void OnOK() override {
    StampCompletion(times_.done_us);
    Napi::Env env = Env();
    if (status_ != Status::kOk) {
      deferred_.Reject(StatusError(env, status_, "toplist").Value());
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
  ToplistArgs args_;
  Status status_ = Status::kOk;
  ToplistResult result_;
  Napi::ObjectReference events_ref_, cancel_ref_;
  AsyncTimes times_;
  std::vector<uint32_t> copy_;
};

}  // namespace

Napi::Value ToplistJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ToplistArgs a;
  if (!ParseToplist(info, &a)) return env.Undefined();
  ToplistResult result;
  const Status st = Toplist(a.events, a.len, a.k, a.cancel, &result);
  if (st != Status::kOk) {
    StatusError(env, st, "toplist").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return MakeResult(env, result);
}

Napi::Value ToplistAsyncJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ToplistArgs a;
  if (!ParseToplist(info, &a)) return env.Undefined();
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  // Only another thread can set the flag while we run: it must be shared.
  if (a.cancel != nullptr && !IsSharedView(env, info[2])) {
    deferred.Reject(
        InvalidArg(env, "cancel must be an Int32Array over a SharedArrayBuffer").Value());
    return deferred.Promise();
  }
  std::unique_ptr<ToplistWorker> worker(new ToplistWorker(env, deferred));
  try {
    worker->Prepare(info, a);
  } catch (const std::bad_alloc&) {
    deferred.Reject(StatusError(env, Status::kNoMemory, "toplist").Value());
    return deferred.Promise();
  }
  worker.release()->Queue();  // the worker deletes itself after OnOK/OnError
  return deferred.Promise();
}

}  // namespace hotpath

// The sync and async JS functions of a kernel, written once: each *_napi.cc
// describes its kernel in a traits struct S and defines its functions as
// SyncCall<S> and AsyncCall<S>. S has:
//
//   using Args = ...;    // parsed arguments, pointers borrowed from the call,
//                        // with `const int32_t* cancel` (nullptr: none)
//   using Result = ...;  // what Run fills
//   static constexpr const char* kName;      // "topk": the error messages' prefix
//   static constexpr const char* kResource;  // the AsyncWorker's resource name
//   static constexpr size_t kCancelArg;      // argument index of the cancel flag
//   static constexpr const char* kCancelNotShared;  // error for an async call
//                        // whose flag is not over a SharedArrayBuffer
//   static constexpr bool kAsyncSetupThrows;  // see SetupFailed
//   static bool Parse(const Napi::CallbackInfo&, Args*);  // false: exception
//                        // pending; runs no JS, so nothing detaches in between
//   static Status Run(const Args&, Result*);  // the pure C++ kernel
//   static Napi::Value ToJs(Napi::Env, const Result&);
//   struct Inputs { void Hold(const Napi::CallbackInfo&, Args*); };
//                        // points an async call's Args at memory that
//                        // outlives the call; may throw std::bad_alloc
#ifndef HOTPATH_NAPI_KERNEL_H_
#define HOTPATH_NAPI_KERNEL_H_

#include <napi.h>

#include <memory>
#include <new>
#include <vector>

#include "common.h"
#include "napi_args.h"
#include "napi_timing.h"

namespace hotpath {

// Parse, run on this thread, return the result or throw the kernel's error.
template <typename S>
Napi::Value SyncCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  typename S::Args args;
  if (!S::Parse(info, &args)) return env.Undefined();
  typename S::Result result;
  const Status st = S::Run(args, &result);
  if (st != Status::kOk) {
    StatusError(env, st, S::kName).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return S::ToJs(env, result);
}

// A typed-array argument an async call reads on libuv's thread: in place when
// over a SharedArrayBuffer (never detachable; the reference keeps it alive),
// else copied here on the main thread before the work is queued (a
// transferred ArrayBuffer during AsyncWorker work was a use-after-free).
template <typename T>
class HeldArray {
 public:
  // Points *data (len elements, argument index) at memory that outlives the
  // call. May throw std::bad_alloc.
  void Hold(const Napi::CallbackInfo& info, size_t index, const T** data, size_t len) {
    if (IsSharedView(info.Env(), info[index])) {
      ref_ = Napi::Persistent(info[index].As<Napi::Object>());
    } else {
      copy_.assign(*data, *data + len);
      *data = copy_.data();
    }
  }

 private:
  Napi::ObjectReference ref_;
  std::vector<T> copy_;
};

// One async call. Built on the main thread; Execute runs on a libuv pool
// thread and touches only plain C++ memory: what S::Inputs holds, or a
// SharedArrayBuffer's memory kept alive by a reference.
template <typename S>
class KernelWorker : public Napi::AsyncWorker {
 public:
  KernelWorker(Napi::Env env, const typename S::Args& args)
      : Napi::AsyncWorker(env, S::kResource),
        deferred_(Napi::Promise::Deferred::New(env)),
        args_(args) {}

  // May throw std::bad_alloc.
  void Hold(const Napi::CallbackInfo& info) {
    inputs_.Hold(info, &args_);
    if (args_.cancel != nullptr) {
      const Napi::Value cancel = info[S::kCancelArg];
      cancel_ref_ = Napi::Persistent(cancel.As<Napi::Object>());
      times_ = AsyncTimesOf(info, S::kCancelArg);
    }
  }

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    RunTimer timer(times_);
    status_ = S::Run(args_, &result_);
  }

  void OnOK() override {
    StampCompletion(times_.done_us);
    Napi::Env env = Env();
    if (status_ != Status::kOk) {
      deferred_.Reject(StatusError(env, status_, S::kName).Value());
      return;
    }
    try {
      deferred_.Resolve(S::ToJs(env, result_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  typename S::Args args_;
  typename S::Inputs inputs_;
  Napi::ObjectReference cancel_ref_;
  AsyncTimes times_;
  Status status_ = Status::kOk;
  typename S::Result result_;
};

// An async call that failed before its work was queued (a cancel flag not
// shared, out of memory holding the inputs). fingerprintAsync has always
// thrown these and topkAsync and toplistAsync rejected: S says which, so each
// keeps the behaviour its callers know.
template <typename S>
Napi::Value SetupFailed(Napi::Env env, const Napi::Error& error) {
  if (S::kAsyncSetupThrows) {
    error.ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(error.Value());
  return deferred.Promise();
}

// Argument errors throw, as from SyncCall; then the kernel runs on libuv's
// thread pool and the returned promise settles with its result or error.
template <typename S>
Napi::Value AsyncCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  typename S::Args args;
  if (!S::Parse(info, &args)) return env.Undefined();
  // Another thread sets the flag: a flag over a plain ArrayBuffer could only
  // be set from this thread, which is busy waiting for us, or be detached.
  if (args.cancel != nullptr && !IsSharedView(env, info[S::kCancelArg])) {
    return SetupFailed<S>(env, InvalidArg(env, S::kCancelNotShared));
  }
  std::unique_ptr<KernelWorker<S>> worker(new KernelWorker<S>(env, args));
  try {
    worker->Hold(info);
  } catch (const std::bad_alloc&) {
    return SetupFailed<S>(env, StatusError(env, Status::kNoMemory, S::kName));
  }
  Napi::Promise promise = worker->Promise();
  worker.release()->Queue();  // the worker deletes itself after OnOK/OnError
  return promise;
}

}  // namespace hotpath

#endif  // HOTPATH_NAPI_KERNEL_H_

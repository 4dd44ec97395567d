// hotpath.h: the little a native kernel needs, beyond node-addon-api, to be
// run by a hotpath pool (defineKernel({ native: { addon, fn, fnAsync } })).
//
// The pool calls `addon[fn](args, cancel)` and `addon[fnAsync](args, cancel)`;
// docs/native-kernels.md has the whole convention. This header covers the
// three parts that are easy to get subtly wrong by hand:
//
//   hotpath::Cancel          the cancel flag, readable from any thread
//   hotpath::Error           an Error with the `code` (and `status`) the pool
//                            turns into a KernelError
//   hotpath::AsyncKernel<R>  an AsyncWorker that settles a Promise, for fnAsync
//
// Needs only node-addon-api's napi.h, C++17 and NAPI_VERSION 8 (nothing newer
// is used). It is written for C++ exceptions enabled, node-addon-api's
// documented default: define NAPI_CPP_EXCEPTIONS and build with -fexceptions
// (the binding.gyp lines are in docs/native-kernels.md). Argument errors are
// then thrown as Napi::Error and node-addon-api hands them to JS; without
// exceptions every helper here would need a second, status-returning form.
// A plain node-addon-api addon that does not include this header works with
// the pool just as well: the convention is the contract, not this file.
#ifndef HOTPATH_H_
#define HOTPATH_H_

#include <napi.h>

#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>

#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#endif

#if !defined(NODE_ADDON_API_CPP_EXCEPTIONS)
#error "hotpath.h needs C++ exceptions: define NAPI_CPP_EXCEPTIONS and compile with -fexceptions"
#endif

namespace hotpath {

// The caller's cancel flag: element 0 of an Int32Array that turns non-zero
// when the call is aborted or its deadline passes. Poll requested() every few
// milliseconds of work and return early once it is true; the pool has then
// already settled the call (HP_ERR_ABORTED or HP_ERR_DEADLINE) and drops
// whatever the kernel returns. A worker whose kernel ignores the flag for the
// pool's cancelGraceMs is replaced, so polling is what keeps the thread.
//
// The pool's array lives in a SharedArrayBuffer, which can never be detached,
// and another thread writes it: hence the atomic load, and a reference that
// keeps the array alive for as long as any copy of this object does. Copies
// share that one reference, so a Cancel can be copied into an AsyncWorker on
// the main thread and read from libuv's thread. Create and destroy copies on
// the main thread (the reference is a JS handle); on libuv's thread use the
// one AsyncKernel::Compute is given.
class Cancel {
 public:
  // No flag: requested() is always false (a direct call with no cancel).
  Cancel() = default;

  // The second argument of a kernel call: undefined for none, else an
  // Int32Array of at least one element. Anything else throws a TypeError:
  // a flag that silently never fires would be worse.
  explicit Cancel(const Napi::Value& value) {
    if (value.IsEmpty() || value.IsUndefined()) return;
    Napi::Env env = value.Env();
    if (!value.IsTypedArray() ||
        value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
      throw Napi::TypeError::New(env, "cancel must be undefined or an Int32Array");
    }
    // TypedArrayOf reads its data pointer with napi_get_typedarray_info, which
    // (unlike the ArrayBuffer accessors on Node 20) accepts a view over a
    // SharedArrayBuffer, and applies the view's byte offset.
    Napi::Int32Array array = value.As<Napi::Int32Array>();
    if (array.ElementLength() < 1 || array.Data() == nullptr) {
      throw Napi::TypeError::New(env, "cancel must have at least one element");
    }
    flag_ = array.Data();
    shared_ = IsOverSharedBuffer(env, array);
    ref_ = std::make_shared<Napi::Reference<Napi::Int32Array>>(Napi::Persistent(array));
  }

  // True once the caller asked the kernel to stop. Cheap (one relaxed load):
  // fine to call every few thousand iterations. Safe from any thread.
  bool requested() const {
    if (flag_ == nullptr) return false;
#if defined(_MSC_VER) && !defined(__clang__)
    return __iso_volatile_load32(reinterpret_cast<const volatile int*>(flag_)) != 0;
#else
    return __atomic_load_n(flag_, __ATOMIC_RELAXED) != 0;
#endif
  }

  // Whether there is a flag at all (false for a direct call without one).
  bool present() const { return flag_ != nullptr; }

  // Whether the flag is over a SharedArrayBuffer. A view over a plain
  // ArrayBuffer could be detached (transferred) while libuv's thread reads
  // it, so AsyncKernel refuses one; a synchronous call may use either.
  bool shared() const { return shared_; }

 private:
  static bool IsOverSharedBuffer(Napi::Env env, const Napi::Int32Array& array) {
    // Asked of the engine rather than read from `array.buffer`, a getter user
    // code could redefine: napi_is_arraybuffer is false for a SharedArrayBuffer.
    napi_value buffer = nullptr;
    if (napi_get_typedarray_info(env, array, nullptr, nullptr, nullptr, &buffer, nullptr) !=
        napi_ok) {
      return false;
    }
    bool is_array_buffer = true;
    if (napi_is_arraybuffer(env, buffer, &is_array_buffer) != napi_ok) return false;
    return !is_array_buffer;
  }

  const int32_t* flag_ = nullptr;
  bool shared_ = false;
  std::shared_ptr<Napi::Reference<Napi::Int32Array>> ref_;
};

// The error a kernel fails with. The pool rebuilds it on the caller's side as
// a KernelError with this code, message and status (the HTTP status a service
// answers with), so a caller can tell "bad input" from "kernel bug". `code`
// is yours to choose, e.g. MYKERNEL_BAD_N, but must not start with HP_ERR_
// (hotpath's own codes); `status` is 400..599, or 0 to leave it out (the
// KernelError then has 400). An Error without a code reaches the caller as
// HP_ERR_NATIVE (500): what a crash in the kernel should look like.
// From a synchronous function: throw hotpath::Error(env, "X_BAD_N", "...", 400);
inline Napi::Error Error(Napi::Env env, const std::string& code, const std::string& message,
                         int status = 0) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  if (status != 0) error.Set("status", Napi::Number::New(env, status));
  return error;
}

// The non-template part of AsyncKernel: the promise, the cancel flag and the
// failure recorded on libuv's thread. Subclass AsyncKernel<Result>, not this.
class AsyncKernelBase : public Napi::AsyncWorker {
 public:
  // Queues the kernel that `make` returns and gives back its promise. `make`
  // runs now, on the main thread, and returns a new kernel (a subclass of
  // AsyncKernel): read the arguments there, as libuv's thread cannot. A
  // Napi::Error it throws (hotpath::Error for a bad argument, Cancel's
  // TypeError) rejects the promise instead of throwing, so the async form
  // fails the way it would have in Compute. Start owns the kernel from here
  // (node-addon-api deletes it once the promise is settled).
  template <typename Make>
  static Napi::Value Start(Napi::Env env, Make&& make) {
    Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
    std::unique_ptr<AsyncKernelBase> kernel;
    try {
      kernel.reset(make());
      // Not shared: a plain ArrayBuffer could be detached while libuv's
      // thread reads the flag (see Cancel::shared).
      if (kernel->cancel_.present() && !kernel->cancel_.shared()) {
        throw Napi::TypeError::New(
            env, "cancel must be an Int32Array over a SharedArrayBuffer for an async call");
      }
    } catch (const Napi::Error& e) {
      deferred.Reject(e.Value());
      return deferred.Promise();
    }
    // Created here rather than in the constructor, so that a constructor that
    // throws leaves no promise behind that nothing will ever settle.
    kernel->deferred_.emplace(deferred);
    kernel.release()->Queue();
    return deferred.Promise();
  }

 protected:
  AsyncKernelBase(Napi::Env env, hotpath::Cancel cancel, const char* resource_name)
      : Napi::AsyncWorker(env, resource_name), cancel_(std::move(cancel)) {}

  // Records the error the promise rejects with (see hotpath::Error). Call it
  // from Compute, on libuv's thread, then return: nothing of JS is touched
  // here; the Error is built on the main thread once Compute has returned.
  void Fail(std::string code, std::string message, int status = 0) {
    failed_ = true;
    code_ = std::move(code);
    message_ = std::move(message);
    status_ = status;
  }

  // An exception escaping Compute (std::bad_alloc, a bug) must not leave the
  // thread pool's thread: it rejects without a code instead, which the
  // caller sees as HP_ERR_NATIVE.
  void FailUnexpected(const char* what) { Fail(std::string(), what); }

  // Rejects with the recorded failure; false when there is none.
  bool RejectIfFailed(Napi::Env env) {
    if (!failed_) return false;
    deferred_->Reject(code_.empty() ? Napi::Error::New(env, message_).Value()
                                    : hotpath::Error(env, code_, message_, status_).Value());
    return true;
  }

  void OnError(const Napi::Error& e) override { deferred_->Reject(e.Value()); }

  hotpath::Cancel cancel_;
  std::optional<Napi::Promise::Deferred> deferred_;

 private:
  bool failed_ = false;
  std::string code_;
  std::string message_;
  int status_ = 0;
};

// One call of an async kernel (fnAsync): arguments read on the main thread
// into members, the work on libuv's thread pool (no event loop blocked, no
// pool worker used), the result converted on the main thread. Override
//
//   Result Compute(const hotpath::Cancel& cancel)
//       libuv's thread: no Napi values, no JS. Poll cancel.requested();
//       call Fail(code, message, status) and return to reject.
//   Napi::Value ToJs(Napi::Env env, Result&& result)
//       main thread: the plain object the promise resolves with.
//
// and return YourKernel::Start(env, [&] { return new YourKernel(...); })
// from the exported function. Result must be movable.
//
// Inside a subclass write hotpath::Cancel in full: a bare `Cancel` names
// Napi::AsyncWorker::Cancel(), which un-queues the work.
template <typename Result>
class AsyncKernel : public AsyncKernelBase {
 protected:
  AsyncKernel(Napi::Env env, hotpath::Cancel cancel, const char* resource_name = "hotpath.kernel")
      : AsyncKernelBase(env, std::move(cancel), resource_name) {}

  virtual Result Compute(const hotpath::Cancel& cancel) = 0;
  virtual Napi::Value ToJs(Napi::Env env, Result&& result) = 0;

 private:
  void Execute() final {
    try {
      result_.emplace(Compute(cancel_));
    } catch (const std::bad_alloc&) {
      FailUnexpected("out of memory");
    } catch (const std::exception& e) {
      FailUnexpected(e.what());
    } catch (...) {
      FailUnexpected("the kernel threw a non-standard exception");
    }
  }

  void OnOK() final {
    Napi::Env env = Env();
    if (RejectIfFailed(env)) return;
    try {
      deferred_->Resolve(ToJs(env, std::move(*result_)));
    } catch (const Napi::Error& e) {
      deferred_->Reject(e.Value());
    }
  }

  std::optional<Result> result_;
};

}  // namespace hotpath

#endif  // HOTPATH_H_

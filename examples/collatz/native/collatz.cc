// collatz: of the starting values 1 <= i < n, the one whose Collatz
// trajectory (x -> x/2 if even, 3x+1 if odd) takes the most steps to reach 1,
// ties going to the lower i. The TypeScript twin in src/collatz.ts computes
// exactly the same; the pool picks whichever is cheaper per call.
//
//   collatz(args, cancel)       -> { best, steps }            (sync)
//   collatzAsync(args, cancel)  -> Promise<{ best, steps }>   (libuv's pool)
#include <hotpath.h>
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <utility>

namespace {

// The largest n accepted, here and in the twin's validate. It keeps every
// trajectory value below 2^53 (the highest, from 80,049,391, is about
// 2.19e15, a quarter of 2^53), so the twin's plain numbers are exact; uint64
// here has room to spare.
constexpr double kMaxN = 1e8;

struct Best {
  uint32_t best = 0;
  uint32_t steps = 0;
};

uint32_t Steps(uint64_t x) {
  uint32_t steps = 0;
  while (x != 1) {
    x = (x & 1) != 0 ? 3 * x + 1 : x >> 1;
    ++steps;
  }
  return steps;
}

// n = 1 has no starting values: { best: 0, steps: 0 }. Polls the flag every
// 65536 starts (a few ms) and returns what it has so far when it is set: the
// pool has then settled the call already and drops this result.
Best Collatz(uint32_t n, const hotpath::Cancel& cancel) {
  Best r;
  for (uint32_t i = 1; i < n; ++i) {
    if ((i & 0xffff) == 0 && cancel.requested()) break;
    const uint32_t steps = Steps(i);
    if (r.best == 0 || steps > r.steps) r = Best{i, steps};
  }
  return r;
}

// Runs on the main thread only: reads a JS object.
uint32_t ParseN(Napi::Env env, const Napi::Value& args) {
  if (args.IsObject()) {
    const Napi::Value n = args.As<Napi::Object>().Get("n");
    if (n.IsNumber()) {
      const double v = n.As<Napi::Number>().DoubleValue();
      if (v >= 1 && v <= kMaxN && v == std::floor(v)) return static_cast<uint32_t>(v);
    }
  }
  throw hotpath::Error(env, "COLLATZ_BAD_N", "n must be an integer in 1..100000000", 400);
}

Napi::Value ToObject(Napi::Env env, const Best& r) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("best", Napi::Number::New(env, r.best));
  out.Set("steps", Napi::Number::New(env, r.steps));
  return out;
}

Napi::Value CollatzSync(const Napi::CallbackInfo& info) {
  const uint32_t n = ParseN(info.Env(), info[0]);
  const hotpath::Cancel cancel(info[1]);
  return ToObject(info.Env(), Collatz(n, cancel));
}

class CollatzKernel : public hotpath::AsyncKernel<Best> {
 public:
  CollatzKernel(Napi::Env env, uint32_t n, hotpath::Cancel cancel)
      : AsyncKernel(env, std::move(cancel), "collatz"), n_(n) {}

 private:
  Best Compute(const hotpath::Cancel& cancel) override { return Collatz(n_, cancel); }
  Napi::Value ToJs(Napi::Env env, Best&& r) override { return ToObject(env, r); }

  uint32_t n_;
};

Napi::Value CollatzAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return CollatzKernel::Start(
      env, [&] { return new CollatzKernel(env, ParseN(env, info[0]), hotpath::Cancel(info[1])); });
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("collatz", Napi::Function::New(env, CollatzSync, "collatz"));
  exports.Set("collatzAsync", Napi::Function::New(env, CollatzAsync, "collatzAsync"));
  return exports;
}

}  // namespace

NODE_API_MODULE(collatz, Init)

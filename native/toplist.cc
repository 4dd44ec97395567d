// toplist kernel: count, then select with a bounded heap.
//
// Counting dominates (1M events over 50k ids: one increment per event), so
// the counter is chosen per call: a dense array indexed by id when the largest
// id is small next to the input (50k ids -> 200 KB of counters, L2-resident,
// no hashing), else an open-addressing hash table. Selection then walks the
// distinct ids once with a "better than the current worst?" test, so heap
// work is ~k log(distinct) pushes, not one per id.
#include "toplist.h"

#include <algorithm>
#include <memory>
#include <new>

#include "heap.h"

namespace hotpath {
namespace {

// Poll the cancel flag every 16k events. With L2-resident counters that is
// ~15 us of counting; with 16M distinct ids every increment misses to DRAM
// and 64k events took ~5 ms, so 16k bounds the cancel delay near 1 ms. One
// relaxed load per slice costs well under 0.01%.
constexpr size_t kPoll = size_t{1} << 14;
// Dense when max id < 4 * len + 65536 (at most 16 bytes of counters per event
// plus 256 KB) and under 2^26 counters (256 MiB); the hash needs ~16 bytes
// per distinct id at its worst load, so dense never costs much more.
constexpr size_t kDenseSlack = 65536;
constexpr size_t kDenseCap = size_t{1} << 26;

struct Item {
  uint32_t count;
  uint32_t id;
};

// a ranks before b: higher count, then lower id.
struct Better {
  bool operator()(const Item& a, const Item& b) const {
    return a.count > b.count || (a.count == b.count && a.id < b.id);
  }
};

// The k best items so far. Ids may come in any order (the hash table's), so
// admission is the whole Better test: a tied count goes to the lower id.
class Selector {
 public:
  explicit Selector(size_t k) : heap_(k) {}
  void Offer(uint32_t id, uint32_t count) { heap_.Offer(Item{count, id}); }
  void Finish(ToplistResult* out) {
    const std::vector<Item> best = heap_.Sorted();
    out->ids.resize(best.size());
    out->counts.resize(best.size());
    for (size_t i = 0; i < best.size(); ++i) {
      out->ids[i] = best[i].id;
      out->counts[i] = best[i].count;
    }
  }

 private:
  BoundedHeap<Item, Better> heap_;
};

// Runs body(begin, end) over [0, len) in kPoll slices, polling between them.
template <typename F>
bool Sliced(size_t len, const int32_t* cancel, F body) {
  for (size_t b = 0; b < len; b += kPoll) {
    if (Cancelled(cancel)) return false;
    body(b, std::min(len, b + kPoll));
  }
  return true;
}

// Zeroes p[0..n) in polled slices. Fresh memory faults in on first write
// (64 MB of counters: ~16k page faults, ~20 ms); a zero-filled vector did that
// in one go and delayed a cancel by 25 ms, and leaving it to the counting loop
// faulted up to one page per event in a slice.
template <typename T>
bool ZeroSliced(T* p, size_t n, const int32_t* cancel) {
  return Sliced(n, cancel, [&](size_t b, size_t e) { std::fill(p + b, p + e, T{}); });
}

Status CountDense(const uint32_t* ev, size_t len, uint32_t max_id, const int32_t* cancel,
                  Selector* sel) {
  const size_t size = size_t{max_id} + 1;
  std::unique_ptr<uint32_t[]> counts(new uint32_t[size]);  // uninitialised
  uint32_t* c = counts.get();
  if (!ZeroSliced(c, size, cancel)) return Status::kCancelled;
  if (!Sliced(len, cancel, [&](size_t b, size_t e) {
        for (size_t i = b; i < e; ++i) ++c[ev[i]];
      })) {
    return Status::kCancelled;
  }
  // Ascending ids: a tie with the worst loses, as Better says.
  if (!Sliced(size, cancel, [&](size_t b, size_t e) {
        for (size_t id = b; id < e; ++id) {
          if (c[id] != 0) sel->Offer(static_cast<uint32_t>(id), c[id]);
        }
      })) {
    return Status::kCancelled;
  }
  return Status::kOk;
}

// Open addressing, power-of-two size, linear probing, grown at 1/2 load so
// the expected probe length stays under 2.5 for a hit. {0, 0} is empty.
class CountTable {
 public:
  explicit CountTable(const int32_t* cancel) : cancel_(cancel) { Allocate(1024); }
  void Add(uint32_t key) {
    if (dead_) return;  // cancelled while growing: the table is being abandoned
    size_t i = Mix(key) & mask_;
    for (;;) {
      Slot& s = slots_[i];
      if (s.count == 0) {
        s = Slot{key, 1};
        if (++used_ * 2 > mask_ + 1) Grow();
        return;
      }
      if (s.key == key) {
        ++s.count;
        return;
      }
      i = (i + 1) & mask_;
    }
  }
  // Visits every counted id; false when cancelled first.
  template <typename F>
  bool ForEach(F f) const {
    return Sliced(mask_ + 1, cancel_, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) {
        if (slots_[i].count != 0) f(slots_[i].key, slots_[i].count);
      }
    });
  }

 private:
  struct Slot {
    uint32_t key;
    uint32_t count;  // 0: empty (a stored key has count >= 1)
  };
  // lowbias32 (Wellons): full avalanche, so ids that share low bits (strided
  // ids, multiples of 1024) still spread over the table.
  static uint32_t Mix(uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
  }
  void Allocate(size_t size) {
    slots_.reset(new Slot[size]);  // uninitialised
    mask_ = size - 1;
    dead_ = !ZeroSliced(slots_.get(), size, cancel_);
  }
  void Grow() {
    std::unique_ptr<Slot[]> old(std::move(slots_));
    const size_t old_size = mask_ + 1;
    Allocate(old_size * 2);
    if (dead_) return;
    for (size_t o = 0; o < old_size; ++o) {
      // Rehashing 2^22 slots took 86 ms (a DRAM miss per move): poll as the
      // counting loop does. On a cancel the table is abandoned: the rest of
      // the caller's slice returns at once and its next poll stops.
      if ((o & (kPoll - 1)) == 0 && Cancelled(cancel_)) {
        dead_ = true;
        return;
      }
      const Slot& s = old[o];
      if (s.count == 0) continue;
      size_t i = Mix(s.key) & mask_;
      while (slots_[i].count != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }
  std::unique_ptr<Slot[]> slots_;
  size_t mask_ = 0;
  size_t used_ = 0;
  bool dead_ = false;
  const int32_t* cancel_;
};

Status CountHash(const uint32_t* ev, size_t len, const int32_t* cancel, Selector* sel) {
  CountTable table(cancel);
  if (!Sliced(len, cancel, [&](size_t b, size_t e) {
        for (size_t i = b; i < e; ++i) table.Add(ev[i]);
      })) {
    return Status::kCancelled;
  }
  if (!table.ForEach([&](uint32_t id, uint32_t count) { sel->Offer(id, count); })) {
    return Status::kCancelled;
  }
  return Status::kOk;
}

}  // namespace

Status Toplist(const uint32_t* events, size_t len, size_t k, const int32_t* cancel,
               ToplistResult* out) {
  return ToplistWithMode(events, len, k, cancel, CountMode::kAuto, out);
}

Status ToplistWithMode(const uint32_t* events, size_t len, size_t k, const int32_t* cancel,
                       CountMode mode, ToplistResult* out) {
  if (k == 0 || len > 0xFFFFFFFFu || (events == nullptr && len != 0)) return Status::kInvalid;
  try {
    Selector sel(k);
    if (len == 0) {
      sel.Finish(out);
      return Status::kOk;
    }
    uint32_t max_id = 0;
    if (mode != CountMode::kHash) {
      // ~0.1 ms per 1M events (vectorised max), repaid many times by dense counting.
      if (!Sliced(len, cancel, [&](size_t b, size_t e) {
            uint32_t m = max_id;
            for (size_t i = b; i < e; ++i) m = std::max(m, events[i]);
            max_id = m;
          })) {
        return Status::kCancelled;
      }
    }
    const bool dense =
        mode == CountMode::kDense ||
        (mode == CountMode::kAuto && max_id < kDenseCap && size_t{max_id} < 4 * len + kDenseSlack);
    const Status st = dense ? CountDense(events, len, max_id, cancel, &sel)
                            : CountHash(events, len, cancel, &sel);
    if (st != Status::kOk) return st;
    sel.Finish(out);
    return Status::kOk;
  } catch (const std::bad_alloc&) {
    return Status::kNoMemory;
  }
}

}  // namespace hotpath

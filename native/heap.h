// The bounded heap behind topk and toplist: the k best items offered so far.
// Pure C++; knows nothing of Node.
#ifndef HOTPATH_HEAP_H_
#define HOTPATH_HEAP_H_

#include <algorithm>
#include <cstddef>
#include <vector>

namespace hotpath {

// Better is a strict total order, Better()(a, b) when a ranks before b (each
// kernel breaks ties by lower id, so no two items it offers are equivalent).
// Used as the heap's "less", it keeps the worst kept item on top, the one a
// better newcomer replaces. The order alone decides the result: the heap's
// layout never shows, as Sorted() sorts by Better.
template <typename Item, typename Better>
class BoundedHeap {
 public:
  explicit BoundedHeap(size_t k) : k_(k) {}

  void Reserve(size_t n) { heap_.reserve(n); }
  bool full() const { return heap_.size() >= k_; }
  // The worst kept item; only when something is kept.
  const Item& worst() const { return heap_.front(); }

  // Keeps item when fewer than k are kept or it ranks before the worst.
  void Offer(const Item& item) {
    if (!full() || Better()(item, heap_.front())) Admit(item);
  }

  // Keeps item without comparing: the caller has made the admission test
  // (topk's scans compare scores with a cached worst key in the hot loop).
  // When full, the worst kept item makes room.
  void Admit(const Item& item) {
    if (full()) {
      std::pop_heap(heap_.begin(), heap_.end(), Better());
      heap_.back() = item;
    } else {
      heap_.push_back(item);
    }
    std::push_heap(heap_.begin(), heap_.end(), Better());
  }

  // The kept items, best first. Leaves the heap empty.
  std::vector<Item> Sorted() {
    std::sort(heap_.begin(), heap_.end(), Better());
    std::vector<Item> out;
    out.swap(heap_);
    return out;
  }

 private:
  size_t k_;
  std::vector<Item> heap_;
};

}  // namespace hotpath

#endif  // HOTPATH_HEAP_H_

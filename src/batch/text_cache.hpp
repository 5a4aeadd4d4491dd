// An open-addressing map from texts (views into the batch's input, which outlives it) to small
// values: the batch's per-column caches of what a cell's text comes to. Internal to src/batch/.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "batch/text_hash.hpp"

namespace frontdoor::batch {

template <class V>
class TextCache {
 public:
  // Beyond this many texts the cache stops growing (a column of unique texts gains nothing by it).
  static constexpr std::size_t kLimit = std::size_t{1} << 16;

  const V* find(const TextKey& key) const {
    if (slots_.empty()) return nullptr;
    const bool short_key = key.is_short();
    for (std::size_t i = key.hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.hash != key.hash || s.key.size() != key.s.size()) continue;
      if (short_key ? (s.w0 == key.w0 && s.w1 == key.w1) : s.key == key.s) return &s.value;
    }
  }
  bool full() const { return size_ >= kLimit; }
  std::size_t size() const { return size_; }
  void insert(const TextKey& key, V value) {
    if (full()) return;
    if (2 * (size_ + 1) > slots_.size()) grow();
    place({key.hash, key.w0, key.w1, key.s, value, true});
  }

 private:
  struct Slot {
    std::uint64_t hash = 0, w0 = 0, w1 = 0;
    std::string_view key;
    V value{};
    bool used = false;
  };
  void place(const Slot& slot) {
    for (std::size_t i = slot.hash & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (!s.used) {
        s = slot;
        ++size_;
        return;
      }
    }
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    size_ = 0;
    for (auto& s : old)
      if (s.used) place(s);
  }
  std::vector<Slot> slots_;
  std::size_t mask_ = 0, size_ = 0;
};

}  // namespace frontdoor::batch

// A thread's children, each known by two independent hashes of its text (128 bits), numbered in
// the order they first appear: an open-addressing table, so that grouping the rows by child needs
// neither a sort nor string comparisons (two children would have to collide in both hashes).
// Internal to src/batch/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace frontdoor::batch {

class GroupTable {
 public:
  explicit GroupTable(std::size_t expected) {
    std::size_t cap = 64;
    while (cap < expected) cap *= 2;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
  }
  void prefetch(std::uint64_t h1) const { __builtin_prefetch(&slots_[h1 & mask_]); }
  // The child's group, or `next` (which the caller then adds) when the child is new.
  std::uint32_t find_or_add(std::uint64_t h1, std::uint64_t h2, std::uint32_t next) {
    if (10 * (size_ + 1) > 6 * slots_.size()) grow();
    for (std::size_t i = h1 & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.group == kEmpty) {
        s = {h1, h2, next};
        ++size_;
        return next;
      }
      if (s.h1 == h1 && s.h2 == h2) return s.group;
    }
  }

 private:
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    std::uint64_t h1 = 0, h2 = 0;
    std::uint32_t group = kEmpty;
  };
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (auto& s : old)
      if (s.group != kEmpty)
        for (std::size_t i = s.h1 & mask_;; i = (i + 1) & mask_)
          if (slots_[i].group == kEmpty) {
            slots_[i] = s;
            break;
          }
  }
  std::vector<Slot> slots_;
  std::size_t mask_ = 0, size_ = 0;
};

// Where a row stands in the order its thread decides in.
enum class Step : std::uint8_t { continues, first_of_child, alone };

// The rows one thread decides (those whose owner is `thread`), in the order it decides them: each
// child's rows together in (received, input) order, and the children (and the rows without one) in
// the order they first appear, so that this order follows the input's closely. `slot[row]` is set
// to the row's place in that order for each of the thread's rows.
struct RowKeys {
  std::span<const std::uint8_t> owner, has_child;
  std::span<const std::uint64_t> hash, hash2;
  std::span<const std::int64_t> received;
};
struct ThreadOrder {
  std::vector<std::uint32_t> rows;
  std::vector<Step> steps;
};
void order_rows(const RowKeys& keys, unsigned thread, std::size_t expected, ThreadOrder& out, std::span<std::uint32_t> slot);

}  // namespace frontdoor::batch

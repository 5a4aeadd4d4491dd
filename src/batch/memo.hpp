// A thread's decisions by what they were decided from, so that rows with the same inputs are
// decided once. Internal to src/batch/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "frontdoor/contact.hpp"

namespace frontdoor::detail {
struct Program;
}

namespace frontdoor::batch {

// A row's decision is a function of what decide_counted reads (src/decide/decide_core.hpp): the
// known names the conditions read and their values (a string field's text, not its index), the
// concerns with their levels, and the history counters. Rows that agree on all of these are decided
// once per thread and looked up after: a year's contacts come to a few tens of thousands of distinct
// inputs. The deadline depends on `received` too, and is worked out for every row.
class MemoPlan {
 public:
  static constexpr std::size_t kMaxKey = 512;

  explicit MemoPlan(const detail::Program& p);
  // The row's key in `key` (of kMaxKey bytes); false when it would not fit (a long text): decided
  // without the memo.
  bool key(const Contact& c, const std::int64_t* counted, char* key, std::size_t& size) const;

 private:
  std::vector<std::uint16_t> slots_;  // every name slot a condition reads, once each
  std::vector<std::uint8_t> text_;    // per slot: a string field
  std::size_t counters_ = 0;
};

// What a row's result takes from its decision, all but the deadline: codes, and the combo and reason
// interned by the deciding thread.
struct Decided {
  std::int32_t combo = -1, reason = -1;
  std::int16_t level = -1, outcome = -1, routing = -1, category = -1;
  std::uint8_t referral = 0;
  bool operator==(const Decided&) const = default;
};

// One thread's decisions by key (see MemoPlan): its keys' bytes are kept, so two keys that differ
// anywhere are two entries.
class Memo {
 public:
  static constexpr std::size_t kMaxEntries = std::size_t{1} << 18;  // beyond this, rows are decided without it

  const Decided* find(std::string_view key, std::uint64_t h) const {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.entry < 0) return nullptr;
      if (s.hash == h && s.len == key.size() && std::memcmp(keys_.data() + s.at, key.data(), key.size()) == 0)
        return &entries_[static_cast<std::size_t>(s.entry)];
    }
  }
  void add(std::string_view key, std::uint64_t h, const Decided& e);
  std::size_t size() const { return entries_.size(); }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t at = 0, len = 0;
    std::int32_t entry = -1;
  };
  void grow();
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::string keys_;  // every key, one after another
  std::vector<Decided> entries_;
};

// Whether a thread's memo pays: hashing and storing every row's key costs about as much as deciding
// it, so when rows rarely repeat (contacts that each say something of their own) the memo is
// switched off after a trial of kTrial rows that found fewer than one in kWorthIt decided before.
// The decisions are the same either way; only the time differs.
class MemoUse {
 public:
  static constexpr std::size_t kTrial = 4096, kWorthIt = 4;

  bool on() const { return on_; }
  void count(bool hit) {
    hits_ += hit;
    if (++tried_ == kTrial) on_ = hits_ * kWorthIt >= tried_;
  }

 private:
  std::size_t tried_ = 0, hits_ = 0;
  bool on_ = true;
};

}  // namespace frontdoor::batch

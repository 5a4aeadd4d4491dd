// Interns decisions by what a part of the output depends on, so each distinct combination is put
// into words once: one Interner per thread, merged after (merge_interned). Internal to src/batch/.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "batch/text_hash.hpp"
#include "frontdoor/decision.hpp"

namespace frontdoor::batch {

class Interner {
 public:
  std::vector<std::string> keys;  // by id
  std::vector<Decision> reps;     // by id: the first decision interned under that key

  // `same(id)`: the decision is the same as reps[id] in what matters; `key()`: that as text, made
  // only for a new one (the threads' keys are merged by it).
  template <class Same, class Key>
  std::int32_t add(std::uint64_t h, const Decision& d, Same&& same, Key&& key) {
    if (2 * (keys.size() + 1) > slots_.size()) grow();
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      auto& [hash, id] = slots_[i];
      if (id < 0) {
        hash = h;
        id = static_cast<std::int32_t>(keys.size());
        keys.push_back(key());
        reps.push_back(d);
        return id;
      }
      if (hash == h && same(static_cast<std::size_t>(id))) return id;
    }
  }
  std::int32_t add(const std::string& key, const Decision& d) {
    return add(
        text_hash(key), d, [&](std::size_t id) { return keys[id] == key; }, [&] { return key; });
  }

 private:
  void grow() {
    auto old = std::move(slots_);
    slots_.assign(old.empty() ? 256 : old.size() * 2, {0, -1});
    mask_ = slots_.size() - 1;
    for (auto& [hash, id] : old)
      if (id >= 0)
        for (std::size_t i = hash & mask_;; i = (i + 1) & mask_)
          if (slots_[i].second < 0) {
            slots_[i] = {hash, id};
            break;
          }
  }
  std::vector<std::pair<std::uint64_t, std::int32_t>> slots_;  // (hash, id); id -1: empty
  std::size_t mask_ = 0;
};

// Keys alone, their bytes kept one after another (no string or Decision per key): for keys that say
// all that matters of what they stand for (batch/reason_key.hpp). A slot holds where its key's bytes
// are and how long they are, so a lookup touches the slot and the bytes, nothing in between: with a
// key per row and most keys new, those two cache misses are most of the cost.
class KeyInterner {
 public:
  std::int32_t add(std::string_view key) { return add(key, text_hash(key)); }
  // h: text_hash(key), which prefetch(h) may have been given first.
  std::int32_t add(std::string_view key, std::uint64_t h) {
    if (2 * (size() + 1) > slots_.size()) grow();
    const auto check = static_cast<std::uint32_t>(h >> 32);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& slot = slots_[i];
      if (slot.id < 0) {
        slot = {check, static_cast<std::int32_t>(size()), static_cast<std::uint32_t>(std::min<std::size_t>(bytes_.size(), kFar)),
                static_cast<std::uint32_t>(std::min<std::size_t>(key.size(), kFar))};
        bytes_.append(key);
        ends_.push_back(bytes_.size());
        return slot.id;
      }
      if (slot.check == check && is(slot, key)) return slot.id;
    }
  }
  // Brings the slot a key of hash h starts its search at into the cache.
  void prefetch(std::uint64_t h) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[h & mask_]);
  }
  std::size_t size() const { return ends_.size(); }
  std::string_view key(std::size_t id) const {
    const std::size_t from = id ? ends_[id - 1] : 0;
    return std::string_view(bytes_).substr(from, ends_[id] - from);
  }

 private:
  // A key that starts or ends beyond 4 GB of bytes is found through ends_ instead.
  static constexpr std::uint32_t kFar = UINT32_MAX;
  struct Slot {
    std::uint32_t check = 0;  // the hash's high half (its low bits place the slot)
    std::int32_t id = -1;     // -1: empty
    std::uint32_t at = 0, length = 0;
  };
  bool is(const Slot& slot, std::string_view key) const {
    if (slot.at == kFar || slot.length == kFar) return this->key(static_cast<std::size_t>(slot.id)) == key;
    return slot.length == key.size() && std::memcmp(bytes_.data() + slot.at, key.data(), key.size()) == 0;
  }
  void grow() {
    auto old = std::move(slots_);
    slots_.assign(old.empty() ? 256 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& slot : old)
      if (slot.id >= 0)
        for (std::size_t i = text_hash(key(static_cast<std::size_t>(slot.id))) & mask_;; i = (i + 1) & mask_)
          if (slots_[i].id < 0) {
            slots_[i] = slot;
            break;
          }
  }
  std::string bytes_;
  std::vector<std::size_t> ends_;  // key id ends at bytes_[ends_[id]]
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
};

// One numbering across the threads' key interners, by key, in thread then id order: `keys` gets
// each distinct key once (views of the parts, which must outlive them), and remap[t][id] is thread
// t's id's number there.
inline std::vector<std::vector<std::int32_t>> merge_keys(const std::vector<KeyInterner>& parts, std::vector<std::string_view>& keys) {
  std::size_t total = 0;
  for (const KeyInterner& part : parts) total += part.size();
  std::unordered_map<std::string_view, std::int32_t> ids;
  ids.reserve(total);
  std::vector<std::vector<std::int32_t>> remap(parts.size());
  for (std::size_t t = 0; t < parts.size(); ++t)
    for (std::size_t k = 0; k < parts[t].size(); ++k) {
      auto [it, added] = ids.try_emplace(parts[t].key(k), static_cast<std::int32_t>(keys.size()));
      if (added) keys.push_back(parts[t].key(k));
      remap[t].push_back(it->second);
    }
  return remap;
}

// One numbering across the threads' interners, by key, in thread then id order: the
// representatives are moved into `reps`, and remap[t][id] is thread t's id's number there.
inline std::vector<std::vector<std::int32_t>> merge_interned(std::vector<Interner>& parts, std::vector<Decision>& reps) {
  std::size_t total = 0;
  for (const Interner& part : parts) total += part.keys.size();
  std::unordered_map<std::string_view, std::int32_t> ids;  // views of the parts' keys, which outlive it
  ids.reserve(total);
  reps.reserve(reps.size() + total);
  std::vector<std::vector<std::int32_t>> remap(parts.size());
  for (std::size_t t = 0; t < parts.size(); ++t)
    for (std::size_t k = 0; k < parts[t].keys.size(); ++k) {
      auto [it, added] = ids.try_emplace(parts[t].keys[k], static_cast<std::int32_t>(reps.size()));
      if (added) reps.push_back(std::move(parts[t].reps[k]));
      remap[t].push_back(it->second);
    }
  return remap;
}

// v's low 16 bits onto a key, little-endian.
inline void put16(std::string& k, std::uint32_t v) {
  k.push_back(static_cast<char>(v & 0xFF));
  k.push_back(static_cast<char>((v >> 8) & 0xFF));
}

}  // namespace frontdoor::batch

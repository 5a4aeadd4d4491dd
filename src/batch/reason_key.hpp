// A decided row's reasons as a key: everything its reasons (and its level, outcome, actions, flags,
// rules and routing) are worded from, so that rows with equal keys are worded alike, and the
// Decision a key stands for can be made back from it alone (reason_of_key) once per distinct key,
// at the merge, rather than copied for each one a thread meets. Internal to src/batch/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "batch/interner.hpp"
#include "frontdoor/decision.hpp"

namespace frontdoor::batch {

// Each list is written with its length first, so that no two decisions make the same key.
inline void reason_key(const Decision& d, std::string& key) {
  key.clear();
  put16(key, d.outcome);
  put16(key, static_cast<std::uint32_t>(d.rules.size()));
  for (auto x : d.rules) put16(key, x);
  put16(key, d.level);
  put16(key, d.base_level);
  put16(key, d.routing);
  key.push_back(static_cast<char>(d.deadline_from.kind));  // which deadline was earliest varies by row
  put16(key, d.deadline_from.index);
  put16(key, static_cast<std::uint32_t>(d.base_concerns.size()));
  for (auto k : d.base_concerns) put16(key, k);
  put16(key, static_cast<std::uint32_t>(d.unknowns.size()));
  for (auto& u : d.unknowns) {
    key.push_back(static_cast<char>(u.where));
    key.push_back(static_cast<char>(u.why));
    put16(key, u.entry);
    put16(key, u.name);
  }
}

// The decision a key was made from, in all that reason_key keeps (not its contact or times).
inline Decision reason_of_key(std::string_view key) {
  std::size_t at = 0;
  auto byte = [&] { return static_cast<std::uint8_t>(key[at++]); };
  auto get16 = [&] {
    const std::uint16_t lo = byte();
    return static_cast<Index>(lo | (byte() << 8));
  };
  Decision d;
  d.outcome = get16();
  d.rules.resize(get16());
  for (auto& x : d.rules) x = get16();
  d.level = get16();
  d.base_level = get16();
  d.routing = get16();
  d.deadline_from.kind = static_cast<DeadlineSource::Kind>(byte());
  d.deadline_from.index = get16();
  d.base_concerns.resize(get16());
  for (auto& k : d.base_concerns) k = get16();
  d.unknowns.resize(get16());
  for (auto& u : d.unknowns) {
    u.where = static_cast<UnknownCondition::Where>(byte());
    u.why = static_cast<UnknownCondition::Why>(byte());
    u.entry = get16();
    u.name = get16();
  }
  return d;
}

}  // namespace frontdoor::batch

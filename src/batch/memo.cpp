#include "batch/memo.hpp"

#include "compile/program.hpp"

namespace frontdoor::batch {
namespace {

// Each value takes one byte when it is small (most are: booleans, enum values, counts): 0 unknown,
// 1 + v for 0 <= v < kSmall, else a marker and the value's bytes.
constexpr std::int64_t kSmall = 250;
constexpr char kWide = static_cast<char>(251), kText = static_cast<char>(252);

char* put(char* at, std::int64_t v) {
  if (v >= 0 && v < kSmall) {
    *at = static_cast<char>(v + 1);
    return at + 1;
  }
  *at = kWide;
  std::memcpy(at + 1, &v, 8);
  return at + 9;
}

// Every name slot a condition, a guard or the screen reads.
std::vector<std::uint8_t> slots_read(const detail::Program& p) {
  std::vector<std::uint8_t> read(p.slot_names.size(), 0);
  auto note = [&](std::uint32_t slot) {
    if (slot < read.size()) read[slot] = 1;
  };
  for (const detail::Instr& in : p.code) {
    if (in.op == detail::Op::push_name)
      note(in.a);
    else if ((in.op == detail::Op::cmp_const || in.op == detail::Op::in_const) && detail::operand_of(in.a) == detail::Operand::name)
      note(detail::slot_of(in.a));
  }
  for (const detail::Guard& g : p.guards)
    if (g.reads == detail::Guard::Reads::name) note(g.slot);
  for (auto slot : p.screen.names) note(slot);
  return read;
}

}  // namespace

MemoPlan::MemoPlan(const detail::Program& p) : counters_(p.doc.counters.size()) {
  const std::vector<std::uint8_t> read = slots_read(p);
  std::vector<std::uint8_t> is_text(p.slot_names.size(), 0);
  for (const auto& n : p.env.names)
    if (!n.counter && !n.level && n.type.k == detail::Type::K::string && n.slot < is_text.size()) is_text[n.slot] = 1;
  for (std::size_t k = 0; k < read.size(); ++k)
    if (read[k]) slots_.push_back(static_cast<std::uint16_t>(k)), text_.push_back(is_text[k]);
}

bool MemoPlan::key(const Contact& c, const std::int64_t* counted, char* key, std::size_t& size) const {
  char* at = key;
  char* const end = key + kMaxKey;
  for (std::size_t j = 0; j < slots_.size(); ++j) {
    const std::uint16_t slot = slots_[j];
    if (!c.known[slot]) {
      *at++ = 0;
    } else if (text_[j]) {
      const std::string& s = c.strings[static_cast<std::size_t>(c.values[slot])];
      if (s.size() + 16 > static_cast<std::size_t>(end - at)) return false;
      const auto n = static_cast<std::uint32_t>(s.size());
      *at = kText;
      std::memcpy(at + 1, &n, 4);
      std::memcpy(at + 5, s.data(), s.size());
      at += 5 + s.size();
    } else {
      at = put(at, c.values[slot]);
    }
    if (end - at < 16) return false;
  }
  if (c.concerns.size() > 255 || static_cast<std::size_t>(end - at) < 1 + 3 * c.concerns.size() + 9 * counters_) return false;
  *at++ = static_cast<char>(c.concerns.size());
  for (auto k : c.concerns) {
    std::memcpy(at, &k, 2);
    at[2] = static_cast<char>(c.concern_levels[k]);
    at += 3;
  }
  for (std::size_t k = 0; k < counters_; ++k) at = put(at, counted[k]);
  size = static_cast<std::size_t>(at - key);
  return true;
}

void Memo::add(std::string_view key, std::uint64_t h, const Decided& e) {
  if (entries_.size() >= kMaxEntries) return;
  if (2 * (entries_.size() + 1) > slots_.size()) grow();
  for (std::size_t i = h & mask_;; i = (i + 1) & mask_)
    if (slots_[i].entry < 0) {
      slots_[i] = {h, static_cast<std::uint32_t>(keys_.size()), static_cast<std::uint32_t>(key.size()),
                   static_cast<std::int32_t>(entries_.size())};
      keys_.append(key);
      entries_.push_back(e);
      return;
    }
}

void Memo::grow() {
  auto old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
  mask_ = slots_.size() - 1;
  for (const Slot& s : old)
    if (s.entry >= 0)
      for (std::size_t i = s.hash & mask_;; i = (i + 1) & mask_)
        if (slots_[i].entry < 0) {
          slots_[i] = s;
          break;
        }
}

}  // namespace frontdoor::batch

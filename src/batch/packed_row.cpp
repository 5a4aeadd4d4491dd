#include "batch/packed_row.hpp"

#include <algorithm>

#include "compile/program.hpp"

namespace frontdoor::batch {

void PackedRows::unpack(std::size_t r, Contact& c, const detail::Program& p, const std::vector<std::vector<std::string>>& strings) const {
  const std::byte* at = row(r);
  const Header& h = *reinterpret_cast<const Header*>(at);
  const std::size_t slots = layout_.slots;
  c.id.clear();
  c.child.clear();
  c.received = h.received;
  c.values.resize(slots);
  c.known.resize(slots);
  const auto* values = reinterpret_cast<const std::int16_t*>(at + sizeof(Header));
  const auto* known = reinterpret_cast<const std::uint8_t*>(at + layout_.known_at);
  for (std::size_t k = 0; k < slots; ++k) c.values[k] = values[k];
  // Eight known bits at a time: the byte copied into each byte of a word, byte i keeping bit i,
  // and each byte's 0 or 2^i turned into 0 or 1 by adding 0x7F (no carry out of a byte).
  for (std::size_t k = 0; k < slots; k += 8) {
    std::uint64_t spread =
        (((known[k >> 3] * 0x0101010101010101ull) & 0x8040201008040201ull) + 0x7F7F7F7F7F7F7F7Full) >> 7 & 0x0101010101010101ull;
    std::memcpy(c.known.data() + k, &spread, std::min<std::size_t>(8, slots - k));
  }
  c.concern_levels.assign(p.doc.concerns.size(), 0);
  c.concerns.clear();
  c.domains = 0;
  c.concern_bits = 0;
  const auto* cs = reinterpret_cast<const std::uint8_t*>(at + layout_.concerns_at);
  for (std::size_t i = 0; i < h.concerns; ++i) {
    auto k = static_cast<std::uint16_t>(cs[3 * i] | (cs[3 * i + 1] << 8));
    c.concern_levels[k] = cs[3 * i + 2];
    c.concerns.push_back(k);
    c.domains |= p.concern_domain_bit[k];
    if (k < 64) c.concern_bits |= 1ull << k;
  }
  c.strings.clear();
  for (std::uint32_t k = 0; k < h.string_count; ++k) c.strings.push_back(strings[h.string_thread][h.string_start + k]);
}

}  // namespace frontdoor::batch

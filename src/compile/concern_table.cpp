// The concerns as the compiled program reads them: their ids for the type checker, and per concern
// a mask of its domains and one of its tags, so that domain_count() and `sharing: domain` history
// test bits of a mask on the hot path and never compare names; so do tagged() and tag_count().
#include "compile/program.hpp"

namespace frontdoor::detail {

namespace {

std::uint64_t mask_of(const std::vector<Index>& bits) {
  std::uint64_t m = 0;
  for (auto b : bits)
    if (b < 64) m |= 1ull << b;  // the loader allows at most 64 domains and 64 tags
  return m;
}

}  // namespace

void build_concern_table(Program& p) {
  const ThresholdDocument& doc = p.doc;
  p.env.domains = doc.domains;
  p.env.tags = doc.tags;
  for (std::size_t i = 0; i < doc.concerns.size(); ++i) {
    const Concern& c = doc.concerns[i];
    p.env.concerns.push_back(c.id);
    p.concern_by_name.emplace(c.id, static_cast<std::uint16_t>(i));
    p.concern_domain_bit.push_back(mask_of(c.domains));
    p.concern_tag_bits.push_back(mask_of(c.tags));
  }
}

}  // namespace frontdoor::detail

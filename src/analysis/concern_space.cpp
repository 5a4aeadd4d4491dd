#include "analysis/concern_space.hpp"

#include <map>
#include <utility>

namespace frontdoor::detail {

ConcernSpace ConcernSpace::of(const Program& p) {
  const auto& concerns = p.doc.concerns;
  std::vector<std::uint8_t> is_named(concerns.size(), 0);
  for (auto& in : p.code)
    if (in.op == Op::concern || in.op == Op::concern_at_least) is_named[in.a] = 1;

  ConcernSpace s;
  s.named_position.assign(concerns.size(), kNoIndex);
  s.group_of.assign(concerns.size(), kNoIndex);
  std::map<std::pair<Index, std::vector<Index>>, Index> group_by_key;
  for (std::size_t k = 0; k < concerns.size(); ++k) {
    if (is_named[k]) {
      s.named_position[k] = static_cast<Index>(s.named.size());
      s.named.push_back(static_cast<Index>(k));
      continue;
    }
    std::vector<Index> levels;
    for (auto& d : concerns[k].descriptors) levels.push_back(d.level);
    auto [it, fresh] = group_by_key.try_emplace({concerns[k].domain, levels}, static_cast<Index>(s.groups.size()));
    if (fresh) s.groups.push_back({concerns[k].domain, std::move(levels), {}});
    s.groups[it->second].members.push_back(static_cast<Index>(k));
    s.group_of[k] = it->second;
  }
  return s;
}

}  // namespace frontdoor::detail

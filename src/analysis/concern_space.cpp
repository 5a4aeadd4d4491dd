#include "analysis/concern_space.hpp"

#include <map>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace frontdoor::detail {
namespace {

std::vector<std::uint8_t> named_by_conditions(const Program& p) {
  std::vector<std::uint8_t> is_named(p.doc.concerns.size(), 0);
  for (auto& in : p.code)
    if (in.op == Op::concern || in.op == Op::concern_at_least) is_named[in.a] = 1;
  return is_named;
}

std::vector<Index> levels_of(const Concern& c) {
  std::vector<Index> levels;
  for (auto& d : c.descriptors) levels.push_back(d.level);
  return levels;
}

// What one document makes of a concern, in words both documents share: its domains, tags and levels
// by id.
std::vector<std::vector<std::string>> shape_of(const ThresholdDocument& doc, Index k) {
  if (k == kNoIndex) return {{"(absent)"}};
  std::vector<std::string> levels, domains, tags;
  for (auto& d : doc.concerns[k].descriptors) levels.push_back(doc.levels[d.level].id);
  for (Index d : doc.concerns[k].domains) domains.push_back(doc.domains[d]);
  for (Index t : doc.concerns[k].tags) tags.push_back(doc.tags[t]);
  return {domains, tags, levels};
}

std::unordered_map<std::string, Index> index_by_id(const ThresholdDocument& doc) {
  std::unordered_map<std::string, Index> out;
  for (std::size_t k = 0; k < doc.concerns.size(); ++k) out.emplace(doc.concerns[k].id, static_cast<Index>(k));
  return out;
}

void add_named(ConcernSpace& s, Index k, const std::string& id) {
  if (k != kNoIndex) s.named_position[k] = static_cast<Index>(s.named.size());
  s.named.push_back(k);
  s.named_ids.push_back(id);
}

void add_to_group(ConcernSpace& s, std::size_t g, const Program& p, Index k) {
  if (s.groups.size() <= g) s.groups.resize(g + 1);
  if (k == kNoIndex) return;
  ConcernGroup& group = s.groups[g];
  if (group.members.empty()) group = {p.doc.concerns[k].domains, p.doc.concerns[k].tags, levels_of(p.doc.concerns[k]), {}};
  group.members.push_back(k);
  s.group_of[k] = static_cast<Index>(g);
}

}  // namespace

ConcernSpace ConcernSpace::of(const Program& p) {
  const auto& concerns = p.doc.concerns;
  std::vector<std::uint8_t> is_named = named_by_conditions(p);
  ConcernSpace s;
  s.named_position.assign(concerns.size(), kNoIndex);
  s.group_of.assign(concerns.size(), kNoIndex);
  std::map<std::vector<std::vector<Index>>, Index> group_by_key;
  for (std::size_t k = 0; k < concerns.size(); ++k) {
    if (is_named[k]) {
      add_named(s, static_cast<Index>(k), concerns[k].id);
      continue;
    }
    auto [it, fresh] =
        group_by_key.try_emplace({concerns[k].domains, concerns[k].tags, levels_of(concerns[k])}, static_cast<Index>(s.groups.size()));
    add_to_group(s, it->second, p, static_cast<Index>(k));
  }
  return s;
}

std::pair<ConcernSpace, ConcernSpace> ConcernSpace::joint(const Program& a, const Program& b) {
  auto named_a = named_by_conditions(a), named_b = named_by_conditions(b);
  auto in_a = index_by_id(a.doc), in_b = index_by_id(b.doc);
  // Every concern id once: A's in order, then those only B has.
  std::vector<std::pair<Index, Index>> all;
  for (std::size_t k = 0; k < a.doc.concerns.size(); ++k) {
    auto it = in_b.find(a.doc.concerns[k].id);
    all.emplace_back(static_cast<Index>(k), it == in_b.end() ? kNoIndex : it->second);
  }
  for (std::size_t k = 0; k < b.doc.concerns.size(); ++k)
    if (!in_a.count(b.doc.concerns[k].id)) all.emplace_back(kNoIndex, static_cast<Index>(k));

  ConcernSpace sa, sb;
  sa.named_position.assign(a.doc.concerns.size(), kNoIndex);
  sa.group_of.assign(a.doc.concerns.size(), kNoIndex);
  sb.named_position.assign(b.doc.concerns.size(), kNoIndex);
  sb.group_of.assign(b.doc.concerns.size(), kNoIndex);
  using Shape = std::vector<std::vector<std::string>>;
  std::map<std::pair<Shape, Shape>, std::size_t> group_by_key;
  for (auto [ka, kb] : all) {
    const std::string& id = ka != kNoIndex ? a.doc.concerns[ka].id : b.doc.concerns[kb].id;
    if ((ka != kNoIndex && named_a[ka]) || (kb != kNoIndex && named_b[kb])) {
      add_named(sa, ka, id);
      add_named(sb, kb, id);
      continue;
    }
    auto [it, fresh] = group_by_key.try_emplace({shape_of(a.doc, ka), shape_of(b.doc, kb)}, group_by_key.size());
    add_to_group(sa, it->second, a, ka);
    add_to_group(sb, it->second, b, kb);
  }
  // A group foreign to one document still needs its levels there, to name its variables alike.
  for (std::size_t g = 0; g < sa.groups.size(); ++g) {
    if (sb.groups.size() <= g) sb.groups.resize(g + 1);
    if (sa.groups[g].foreign()) sa.groups[g].levels = sb.groups[g].levels;
    if (sb.groups[g].foreign()) sb.groups[g].levels = sa.groups[g].levels;
  }
  return {std::move(sa), std::move(sb)};
}

}  // namespace frontdoor::detail

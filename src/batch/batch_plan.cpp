#include "batch/batch_plan.hpp"

#include <algorithm>
#include <unordered_set>
#include <variant>

namespace frontdoor::batch {
namespace {

// A column the document does not know keeps Role::other: the rows that give it a cell (even an
// empty one) go to the engine, which words the error; rows without it are the fast path's.
ColumnPlan plan_of(const std::string& name, const Program& p) {
  static const std::pair<const char*, Role> kBuiltIn[] = {
      {"id", Role::id},         {"child", Role::child},       {"received", Role::received}, {"dob", Role::dob},
      {"decided", Role::decided}, {"recorded_outcome", Role::recorded}, {"concerns", Role::concerns}, {"history", Role::history}};
  ColumnPlan pl;
  for (auto& [builtin, role] : kBuiltIn)
    if (name == builtin) return pl.role = role, pl;
  const ThresholdDocument& doc = p.doc;
  for (std::size_t f = 0; f < doc.fields.size(); ++f)
    if (doc.fields[f].id == name) {
      pl.role = Role::field;
      pl.field = f;
      pl.slot = p.field_slot[f];
      pl.type = doc.fields[f].type;
    }
  return pl;
}

// A field's default as the batch sets it, or nothing when the engine would not set it either
// (defaults are checked at load).
std::optional<BatchPlan::Default> default_of(const Field& fd, std::uint16_t slot) {
  BatchPlan::Default d{slot, 0, false, {}};
  const Scalar& v = fd.default_value;
  switch (fd.type) {
    case FieldType::boolean:
      if (auto* b = std::get_if<bool>(&v)) d.value = *b;
      else if (auto* i = std::get_if<std::int64_t>(&v)) d.value = *i;
      else return std::nullopt;
      return d;
    case FieldType::integer:
      if (auto* i = std::get_if<std::int64_t>(&v)) d.value = *i;
      else return std::nullopt;
      return d;
    case FieldType::string:
      if (auto* s = std::get_if<std::string>(&v)) d.text = true, d.string = *s;
      else return std::nullopt;
      return d;
    case FieldType::enumeration: {
      auto* s = std::get_if<std::string>(&v);
      if (!s) return std::nullopt;
      auto it = std::find(fd.values.begin(), fd.values.end(), *s);
      if (it == fd.values.end()) return std::nullopt;
      d.value = it - fd.values.begin();
      return d;
    }
  }
  return std::nullopt;
}

}  // namespace

BatchPlan::BatchPlan(const RuleSet& rs, const std::vector<const columns::Column*>& columns) : rules(rs), p(rs.program()) {
  const ThresholdDocument& doc = p.doc;
  std::unordered_set<std::string> seen;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    const std::string& name = columns[k]->name;
    if (!seen.insert(name).second) usable = false;
    plans.push_back(plan_of(name, p));
    switch (plans.back().role) {
      case Role::id: id_col = k; break;
      case Role::child: child_col = k; break;
      case Role::received: received_col = k; break;
      case Role::decided: decided_col = k; break;
      default: break;
    }
  }
  for (std::size_t f = 0; f < doc.fields.size(); ++f) {
    if (std::holds_alternative<std::monostate>(doc.fields[f].default_value)) continue;
    if (auto d = default_of(doc.fields[f], p.field_slot[f])) defaults.push_back(std::move(*d));
  }
  has_descriptor.assign(doc.concerns.size(), std::vector<std::uint8_t>(doc.levels.size(), 0));
  for (std::size_t k = 0; k < doc.concerns.size(); ++k)
    for (auto& d : doc.concerns[k].descriptors)
      if (d.level < doc.levels.size()) has_descriptor[k][d.level] = 1;
}

}  // namespace frontdoor::batch

#include "compile/row_plan.hpp"

#include <algorithm>
#include <variant>

#include "compile/program.hpp"

namespace frontdoor::detail {
namespace {

// A field's default as a row takes it, or nothing when it has none (defaults were checked at load).
std::optional<FieldDefault> default_of(const Field& fd, std::uint16_t field, std::uint16_t slot) {
  FieldDefault d{field, slot, 0, false, {}};
  const Scalar& v = fd.default_value;
  switch (fd.type) {
    case FieldType::boolean:
      if (auto* b = std::get_if<bool>(&v))
        d.value = *b;
      else if (auto* i = std::get_if<std::int64_t>(&v))
        d.value = *i;
      else
        return std::nullopt;
      return d;
    case FieldType::integer:
      if (auto* i = std::get_if<std::int64_t>(&v))
        d.value = *i;
      else
        return std::nullopt;
      return d;
    case FieldType::string:
      if (auto* s = std::get_if<std::string>(&v))
        d.text = true, d.string = *s;
      else
        return std::nullopt;
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

RowPlan plan_rows(const Program& p) {
  RowPlan plan;
  static const std::pair<const char*, Role> kBuiltIn[] = {{"id", Role::id},
                                                          {"child", Role::child},
                                                          {"received", Role::received},
                                                          {"dob", Role::dob},
                                                          {"decided", Role::decided},
                                                          {kRecordedOutcome.data(), Role::recorded},
                                                          {kOverrideReason.data(), Role::reason},
                                                          {"concerns", Role::concerns},
                                                          {"history", Role::history}};
  for (auto& [name, role] : kBuiltIn) plan.names.emplace(name, NamePlan{role, 0, 0, FieldType::boolean});
  plan.suggestions = {"id", "child", "received", "dob"};
  const ThresholdDocument& doc = p.doc;
  for (std::size_t f = 0; f < doc.fields.size(); ++f) {
    const Field& fd = doc.fields[f];
    const auto index = static_cast<std::uint16_t>(f);
    plan.names.emplace(fd.id, NamePlan{Role::field, index, p.field_slot[f], fd.type});
    plan.suggestions.push_back(fd.id);
    if (auto d = default_of(fd, index, p.field_slot[f])) plan.defaults.push_back(std::move(*d));
  }
  plan.has_descriptor.assign(doc.concerns.size(), std::vector<std::uint8_t>(doc.levels.size(), 0));
  for (std::size_t k = 0; k < doc.concerns.size(); ++k)
    for (auto& d : doc.concerns[k].descriptors)
      if (d.level < doc.levels.size()) plan.has_descriptor[k][d.level] = 1;
  return plan;
}

}  // namespace frontdoor::detail

// The row plan: every name a contact row may carry, worked out once when the document compiles:
// its role (a built-in, or one of the document's fields), and for a field its slot, type and
// default. RuleSet::resolve and the batch both read rows through it (src/resolve/), so neither
// works out a name's meaning on its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "frontdoor/document.hpp"

namespace frontdoor::detail {

// What a name in a row is. `decided`, `recorded_outcome` and `override_reason` are carried for
// figures and overrides (when the front door decided, what it recorded and why) and never decided on.
enum class Role : std::uint8_t { id, child, received, dob, decided, recorded, reason, concerns, history, field, unknown };

struct NamePlan {
  Role role = Role::unknown;
  std::uint16_t field = 0;  // Role::field: index into doc.fields
  std::uint16_t slot = 0;   // Role::field: value slot
  FieldType type = FieldType::boolean;
};

// A field's default as a resolved value: `value` (an enum's index, a bool, an int), or for a
// string field its text.
struct FieldDefault {
  std::uint16_t field = 0;
  std::uint16_t slot = 0;
  std::int64_t value = 0;
  bool text = false;
  std::string string;
};

struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

struct RowPlan {
  std::unordered_map<std::string, NamePlan, NameHash, std::equal_to<>> names;
  std::vector<FieldDefault> defaults;                     // in document order
  std::vector<std::vector<std::uint8_t>> has_descriptor;  // [concern][level]
  std::vector<std::string_view> suggestions;              // the names a "did you mean" offers

  NamePlan of(std::string_view name) const {
    auto it = names.find(name);
    return it == names.end() ? NamePlan{} : it->second;
  }
};

struct Program;
// Built by compile_program once the value slots exist.
RowPlan plan_rows(const Program&);

}  // namespace frontdoor::detail

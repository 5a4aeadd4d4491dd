// What the batch needs of the document and the columns, worked out once per batch: each column's
// role and slot, the fields' defaults, which concern has a descriptor at which level. Internal to
// src/batch/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compile/program.hpp"
#include "frontdoor/columns.hpp"

namespace frontdoor::batch {

using detail::Program;

enum class Role : std::uint8_t { id, child, received, dob, decided, recorded, concerns, history, field, other };

struct ColumnPlan {
  Role role = Role::other;
  std::size_t field = 0;  // index into doc.fields
  std::uint16_t slot = 0;
  FieldType type = FieldType::boolean;
};

struct BatchPlan {
  const RuleSet& rules;
  const Program& p;
  std::vector<ColumnPlan> plans;  // per column
  bool usable = true;  // false: a column given twice, which the engine must word an error about
  struct Default {
    std::uint16_t slot;
    std::int64_t value;
    bool text;
    std::string string;
  };
  std::vector<Default> defaults;                          // the fields' defaults a row may take
  std::vector<std::vector<std::uint8_t>> has_descriptor;  // [concern][level]
  std::optional<std::size_t> id_col, child_col, received_col, decided_col;

  BatchPlan(const RuleSet& rs, const std::vector<const columns::Column*>& columns);
};

}  // namespace frontdoor::batch

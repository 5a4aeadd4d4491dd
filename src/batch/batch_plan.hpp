// What the batch needs of the columns, worked out once per batch: each column's role and slot,
// looked up in the document's compiled row plan (compile/row_plan.hpp), which RuleSet::resolve
// reads too. Internal to src/batch/.
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
using detail::Role;
using ColumnPlan = detail::NamePlan;

struct BatchPlan {
  const RuleSet& rules;
  const Program& p;
  const detail::RowPlan& rows;    // p.rows
  std::vector<ColumnPlan> plans;  // per column
  bool usable = true;             // false: a column given twice, which the engine must word an error about
  std::optional<std::size_t> id_col, child_col, received_col, decided_col, recorded_col, reason_col;

  BatchPlan(const RuleSet& rs, const std::vector<const columns::Column*>& columns);
};

}  // namespace frontdoor::batch

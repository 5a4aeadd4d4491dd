#include "batch/batch_plan.hpp"

#include <unordered_set>

namespace frontdoor::batch {

// A column the document does not know has Role::unknown: the rows that give it a cell (even an
// empty one) go to the engine, which words the error; rows without it are the fast path's.
BatchPlan::BatchPlan(const RuleSet& rs, const std::vector<const columns::Column*>& columns) : rules(rs), p(rs.program()), rows(p.rows) {
  std::unordered_set<std::string> seen;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    const std::string& name = columns[k]->name;
    if (!seen.insert(name).second) usable = false;
    plans.push_back(rows.of(name));
    switch (plans.back().role) {
      case Role::id: id_col = k; break;
      case Role::child: child_col = k; break;
      case Role::received: received_col = k; break;
      case Role::decided: decided_col = k; break;
      case Role::recorded: recorded_col = k; break;
      case Role::reason: reason_col = k; break;
      default: break;
    }
  }
}

}  // namespace frontdoor::batch

// A decision's reasons: which ones, in which order, and each one's words. DecisionView::reasons
// lists them as Reason values; the batch writer (report/decision_fragments.hpp) renders each one
// once per document and reuses it. Both walk visit_reasons, so they give the same reasons in the
// same order by construction, not because a test compares them.
#pragma once

#include <algorithm>
#include <cstddef>

#include "frontdoor/rule_set.hpp"

namespace frontdoor::detail {

// The concerns whose descriptor set the base level; then the rules, and the rules and routing
// entries that could not be decided, in the order they were evaluated (so the reasons read as the
// decision was made); then the routing entry that applied, or else the level's own route.
// The visitor has concern(concern, descriptor), rule(r), unknown(const UnknownCondition&),
// routing(r) and level(l).
template <class Visitor>
void visit_reasons(const ThresholdDocument& doc, const Decision& d, Visitor&& v) {
  for (auto k : d.base_concerns) {
    const Concern& c = doc.concerns[k];
    for (std::size_t i = 0; i < c.descriptors.size(); ++i)
      if (c.descriptors[i].level == d.base_level) v.concern(k, i);
  }
  std::size_t u = 0;
  for (Index r = 0; r < doc.rules.size(); ++r) {
    if (u < d.unknowns.size() && d.unknowns[u].where == UnknownCondition::Where::rule && d.unknowns[u].entry == r)
      v.unknown(d.unknowns[u++]);
    else if (std::find(d.rules.begin(), d.rules.end(), r) != d.rules.end())
      v.rule(r);
  }
  for (; u < d.unknowns.size(); ++u) v.unknown(d.unknowns[u]);  // routing entries before the one that applied
  if (d.routing != kNoIndex)
    v.routing(d.routing);
  else
    v.level(d.level);
}

// Each kind of reason in words, with where the document says it.
Reason concern_reason(const RuleSet&, Index concern, std::size_t descriptor);
Reason rule_reason(const RuleSet&, Index rule);
Reason unknown_reason(const RuleSet&, const UnknownCondition&);
Reason routing_reason(const RuleSet&, Index routing);
Reason level_reason(const RuleSet&, Index level);

}  // namespace frontdoor::detail

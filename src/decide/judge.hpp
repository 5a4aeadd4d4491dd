// Professional judgement (SPEC 7.8): what the front door recorded against what the document decided.
// Apart from decide_core so that the batch's writers can work out each row's override without the
// evaluator. Internal.
#pragma once

#include "frontdoor/decision.hpp"
#include "frontdoor/document.hpp"

namespace frontdoor::detail {

// SPEC 7.8: the recorded outcome against the decided one. Never read by decide_counted (the batch's
// memo does not key on it): each row's is worked out after its decision.
inline RecordedOutcome judge(const ThresholdDocument& doc, Index decided, Index recorded, Index reason) noexcept {
  RecordedOutcome r{recorded, reason, OverrideDirection::none};
  if (recorded == kNoIndex || recorded >= doc.outcomes.size() || decided >= doc.outcomes.size() || recorded == decided) return r;
  auto ordered = [](Category c) { return c != Category::open_case && c != Category::other; };
  const Category from = doc.outcomes[decided].category, to = doc.outcomes[recorded].category;
  if (from == to || !ordered(from) || !ordered(to))
    r.direction = OverrideDirection::across;
  else
    r.direction = to > from ? OverrideDirection::up : OverrideDirection::down;
  return r;
}

}  // namespace frontdoor::detail

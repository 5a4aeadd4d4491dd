// Each kind of reason in the document's own words (report/reasons.hpp).
#include "report/reasons.hpp"

namespace frontdoor::detail {

Reason concern_reason(const RuleSet& rules, Index concern, std::size_t descriptor) {
  const Concern& c = rules.document().concerns[concern];
  const Descriptor& desc = c.descriptors[descriptor];
  return {ReasonKind::concern, c.id, desc.text, rules.source().position(desc.at)};
}

Reason rule_reason(const RuleSet& rules, Index rule) {
  const Rule& r = rules.document().rules[rule];
  return {ReasonKind::rule, r.id, r.because.empty() ? r.id : r.because, rules.source().position(r.at)};
}

Reason unknown_reason(const RuleSet& rules, const UnknownCondition& u) {
  const ThresholdDocument& doc = rules.document();
  const bool rule = u.where == UnknownCondition::Where::rule;
  const std::string& id = rule ? doc.rules[u.entry].id : doc.routing[u.entry].id;
  const SourceOffset at = rule ? doc.rules[u.entry].at : doc.routing[u.entry].at;
  const std::string what = rule ? "rule" : "routing entry";
  std::string text = u.why == UnknownCondition::Why::overflow
                         ? what + " '" + id + "' could not be decided: its arithmetic overflowed"
                         : what + " '" + id + "' could not be decided: '" + std::string(rules.name(u.name)) + "' is not known";
  return {ReasonKind::unknown, id, std::move(text), rules.source().position(at)};
}

Reason routing_reason(const RuleSet& rules, Index routing) {
  const Routing& r = rules.document().routing[routing];
  return {ReasonKind::routing, r.id, r.because.empty() ? r.id : r.because, rules.source().position(r.at)};
}

Reason level_reason(const RuleSet& rules, Index level) {
  const Level& l = rules.document().levels[level];
  return {ReasonKind::level, l.id, l.name.empty() ? l.id : l.name, rules.source().position(l.at)};
}

}  // namespace frontdoor::detail

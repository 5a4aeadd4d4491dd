// Decisions put into words from parts rendered once per document (report/decision_fragments.hpp).
#include "report/decision_fragments.hpp"

#include "report/decision_fields.hpp"
#include "report/reasons.hpp"
#include "report/write.hpp"

namespace frontdoor::detail {

namespace {

std::string json_of(const Reason& r) {
  JsonWriter w;
  write_reason(w, r);
  return std::move(w).str();
}

}  // namespace

DecisionParts::DecisionParts(const RuleSet& rules) : rules_(rules) {
  const ThresholdDocument& doc = rules.document();
  concern_.resize(doc.concerns.size());
  for (Index k = 0; k < doc.concerns.size(); ++k)
    for (std::size_t i = 0; i < doc.concerns[k].descriptors.size(); ++i) concern_[k].push_back(json_of(concern_reason(rules, k, i)));
  for (Index r = 0; r < doc.rules.size(); ++r) rule_.push_back(json_of(rule_reason(rules, r)));
  for (Index r = 0; r < doc.routing.size(); ++r) routing_.push_back(json_of(routing_reason(rules, r)));
  for (Index l = 0; l < doc.levels.size(); ++l) level_.push_back(json_of(level_reason(rules, l)));
  JsonWriter w;
  write_document_reference(w, rules);
  document_ = std::move(w).str();
}

void DecisionParts::reasons(JsonWriter& w, const Decision& d) const {
  struct Rendered {
    const DecisionParts& p;
    JsonWriter& w;
    void concern(Index k, std::size_t i) { w.raw(p.concern_[k][i]); }
    void rule(Index r) { w.raw(p.rule_[r]); }
    // Rare, and its words name the value that was missing: put into words each time.
    void unknown(const UnknownCondition& u) { write_reason(w, unknown_reason(p.rules_, u)); }
    void routing(Index r) { w.raw(p.routing_[r]); }
    void level(Index l) { w.raw(p.level_[l]); }
  };
  w.open('[');
  visit_reasons(rules_.document(), d, Rendered{*this, w});
  w.close(']');
}

DecisionTemplate DecisionParts::cut(const Decision& d) const {
  JsonWriter w;
  Marks at;
  w.open('{');
  write_fields(w, rules_, d, at, *this);
  w.close('}');
  const std::string& s = w.str();
  return {s.substr(0, at.contact), s.substr(at.after_contact, at.deadline - at.after_contact), s.substr(at.after_deadline)};
}

}  // namespace frontdoor::detail

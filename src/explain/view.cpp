// Stage 6, explain: a Decision in the document's own words (as JSON: src/report/decision_json.cpp).
#include <algorithm>

#include "compile/program.hpp"
#include "frontdoor/rule_set.hpp"
#include "report/reasons.hpp"
#include "time/civil.hpp"

namespace frontdoor {

std::string_view to_string(Category c) noexcept {
  switch (c) {
    case Category::nfa: return "nfa";
    case Category::early_help: return "early_help";
    case Category::assessment: return "assessment";
    case Category::s47: return "s47";
    case Category::open_case: return "open_case";
    case Category::other: return "other";
  }
  return "other";
}

std::string_view to_string(ReasonKind k) noexcept {
  switch (k) {
    case ReasonKind::concern: return "concern";
    case ReasonKind::rule: return "rule";
    case ReasonKind::routing: return "routing";
    case ReasonKind::level: return "level";
    case ReasonKind::unknown: return "unknown";
  }
  return "unknown";
}

std::string_view to_string(OverrideDirection d) noexcept {
  switch (d) {
    case OverrideDirection::none: return "none";
    case OverrideDirection::up: return "up";
    case OverrideDirection::down: return "down";
    case OverrideDirection::across: return "across";
  }
  return "none";
}

std::string_view to_string(StepKind k) noexcept { return k == StepKind::routing ? "routing" : "rule"; }

std::string_view to_string(ConditionResult r) noexcept {
  switch (r) {
    case ConditionResult::is_true: return "true";
    case ConditionResult::is_false: return "false";
    case ConditionResult::unknown: return "unknown";
    case ConditionResult::overflow: return "overflow";
  }
  return "unknown";
}

namespace {
const ThresholdDocument& doc_of(const RuleSet& r) { return r.document(); }
}  // namespace

std::string_view DecisionView::level() const { return ok() ? std::string_view(doc_of(*rules_).levels[d_->level].id) : ""; }
std::string_view DecisionView::outcome() const { return ok() ? std::string_view(doc_of(*rules_).outcomes[d_->outcome].id) : ""; }
std::string_view DecisionView::category() const { return ok() ? to_string(doc_of(*rules_).outcomes[d_->outcome].category) : ""; }
bool DecisionView::referral() const { return ok() && doc_of(*rules_).outcomes[d_->outcome].referral; }

std::vector<std::string_view> DecisionView::actions() const {
  std::vector<std::string_view> out;
  if (!ok()) return out;
  const auto& doc = doc_of(*rules_);
  std::vector<Index> seen;
  const Category category = doc.outcomes[d_->outcome].category;
  auto add = [&](Index a) {
    if (std::find(seen.begin(), seen.end(), a) != seen.end()) return;
    seen.push_back(a);
    // SPEC 7.4: an action that belongs to some outcomes only, whoever added it.
    if (doc.actions[a].only_with.empty() || doc.actions[a].only_with.contains(d_->outcome, category)) out.push_back(doc.actions[a].id);
  };
  for (auto a : doc.always) add(a);
  for (auto a : doc.outcomes[d_->outcome].actions) add(a);
  for (auto r : d_->rules)
    for (auto a : doc.rules[r].actions) add(a);
  return out;
}

std::vector<std::string_view> DecisionView::flags() const {
  std::vector<std::string_view> out;
  if (!ok()) return out;
  const auto& doc = doc_of(*rules_);
  for (auto r : d_->rules)
    for (auto f : doc.rules[r].flags)
      if (std::find(out.begin(), out.end(), doc.flags[f]) == out.end()) out.push_back(doc.flags[f]);
  return out;
}

std::vector<std::string_view> DecisionView::rules() const {
  std::vector<std::string_view> out;
  for (auto r : d_->rules) out.push_back(doc_of(*rules_).rules[r].id);
  return out;
}

std::string_view DecisionView::routing() const {
  return ok() && d_->routing != kNoIndex ? std::string_view(doc_of(*rules_).routing[d_->routing].id) : "";
}

std::string to_string(const Span& s) {
  const char* unit = "";
  switch (s.unit) {
    case Span::Unit::working_hours: unit = "working hour"; break;
    case Span::Unit::working_days: unit = "working day"; break;
    case Span::Unit::hours: unit = "hour"; break;
    case Span::Unit::days: unit = "day"; break;
    default: return {};
  }
  return std::to_string(s.amount) + " " + unit + (s.amount == 1 ? "" : "s");
}

std::string DecisionView::deadline() const {
  bool has = ok() && d_->deadline_from.kind != DeadlineSource::Kind::none;
  return has ? detail::format_timestamp(d_->deadline) : std::string();
}

std::string_view DecisionView::recorded_outcome() const {
  const Index o = d_->recorded.outcome;
  return ok() && o < doc_of(*rules_).outcomes.size() ? std::string_view(doc_of(*rules_).outcomes[o].id) : "";
}
std::string_view DecisionView::override_reason() const {
  const Index r = d_->recorded.reason;
  return ok() && r < doc_of(*rules_).override_reasons.size() ? std::string_view(doc_of(*rules_).override_reasons[r].id) : "";
}
std::string_view DecisionView::override_reason_text() const {
  const Index r = d_->recorded.reason;
  return ok() && r < doc_of(*rules_).override_reasons.size() ? std::string_view(doc_of(*rules_).override_reasons[r].text) : "";
}

std::string_view DecisionView::deadline_from() const {
  if (!ok()) return "";
  const auto& doc = doc_of(*rules_);
  const Index i = d_->deadline_from.index;
  switch (d_->deadline_from.kind) {
    case DeadlineSource::Kind::none: return "";
    case DeadlineSource::Kind::outcome: return doc.outcomes[i].id;
    case DeadlineSource::Kind::rule: return doc.rules[i].id;
    case DeadlineSource::Kind::routing: return doc.routing[i].id;
  }
  return "";
}

const Span& DecisionView::deadline_span() const {
  static const Span none;
  if (!ok()) return none;
  const auto& doc = doc_of(*rules_);
  const Index i = d_->deadline_from.index;
  switch (d_->deadline_from.kind) {
    case DeadlineSource::Kind::none: return none;
    case DeadlineSource::Kind::outcome: return doc.outcomes[i].decide_within;
    case DeadlineSource::Kind::rule: return doc.rules[i].decide_within;
    case DeadlineSource::Kind::routing: return doc.routing[i].decide_within;
  }
  return none;
}

std::vector<Reason> DecisionView::reasons() const {
  std::vector<Reason> out;
  if (!ok()) return out;
  struct Words {
    const RuleSet& rules;
    std::vector<Reason>& out;
    void concern(Index k, std::size_t i) { out.push_back(detail::concern_reason(rules, k, i)); }
    void rule(Index r) { out.push_back(detail::rule_reason(rules, r)); }
    void unknown(const UnknownCondition& u) { out.push_back(detail::unknown_reason(rules, u)); }
    void routing(Index r) { out.push_back(detail::routing_reason(rules, r)); }
    void level(Index l) { out.push_back(detail::level_reason(rules, l)); }
  };
  detail::visit_reasons(doc_of(*rules_), *d_, Words{*rules_, out});
  return out;
}

}  // namespace frontdoor

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

// item(json) for each reason in order: a pre-rendered one, or (rare, and its words name the value
// that was missing) an unknown condition's, put into words each time.
template <class Item>
void DecisionParts::visit(const Decision& d, Item&& item) const {
  struct Rendered {
    const DecisionParts& p;
    Item& item;
    void concern(Index k, std::size_t i) { item(p.concern_[k][i]); }
    void rule(Index r) { item(p.rule_[r]); }
    void unknown(const UnknownCondition& u) { item(json_of(unknown_reason(p.rules_, u))); }  // an rvalue: Kept keeps it
    void routing(Index r) { item(p.routing_[r]); }
    void level(Index l) { item(p.level_[l]); }
  };
  visit_reasons(rules_.document(), d, Rendered{*this, item});
}

void DecisionParts::reasons(JsonWriter& w, const Decision& d) const {
  w.open('[');
  visit(d, [&](const std::string& json) { w.raw(json); });
  w.close(']');
}

void DecisionParts::reason_items(const Decision& d, std::vector<std::string_view>& out, std::deque<std::string>& owned) const {
  struct Kept {
    std::vector<std::string_view>& out;
    std::deque<std::string>& owned;
    void operator()(const std::string& json) { out.push_back(json); }
    void operator()(std::string&& json) { out.push_back(owned.emplace_back(std::move(json))); }
  };
  visit(d, Kept{out, owned});
}

DecisionFrame DecisionParts::frame(const Decision& d) const {
  JsonWriter w;
  Marks at;
  w.open('{');
  write_fields(w, rules_, d, at, *this);
  w.close('}');
  const std::string& s = w.str();
  auto part = [&](std::size_t from, std::size_t to) { return s.substr(from, to - from); };
  return {part(0, at.contact), part(at.after_contact, at.deadline), part(at.after_deadline, at.override_at),
          part(at.after_override, at.reasons), s.substr(at.after_reasons)};
}

}  // namespace frontdoor::detail

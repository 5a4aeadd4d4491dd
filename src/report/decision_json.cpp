// Decisions and explanations as JSON: SPEC section 4's object, and `explain --format json`'s.
#include "frontdoor/report.hpp"
#include "report/decision_fields.hpp"
#include "report/write.hpp"

namespace frontdoor {

namespace detail {

namespace {

// A single decision's costly parts, put into words as they are written.
struct Words {
  const RuleSet& rules;
  void reasons(JsonWriter& w, const Decision& d) const {
    w.open('[');
    for (auto& r : rules.view(d).reasons()) write_reason(w, r);
    w.close(']');
  }
  void document(JsonWriter& w) const { write_document_reference(w, rules); }
};

}  // namespace

// SPEC 7.8's "override": null unless the recorded outcome differs from the decided one.
void write_override(JsonWriter& w, const ThresholdDocument& doc, const RecordedOutcome& r) {
  if (!r.overrides() || r.outcome >= doc.outcomes.size()) {
    w.null();
    return;
  }
  const Outcome& o = doc.outcomes[r.outcome];
  w.open('{');
  w.key("outcome").string(o.id);
  w.key("category").string(to_string(o.category));
  w.key("direction").string(to_string(r.direction));
  w.key("reason");
  if (r.reason < doc.override_reasons.size())
    w.string(doc.override_reasons[r.reason].id);
  else
    w.null();
  w.close('}');
}

void append_override(std::string& out, const RuleSet& rules, const RecordedOutcome& r) {
  if (!r.overrides()) {
    out += "null";
    return;
  }
  JsonWriter w;
  write_override(w, rules.document(), r);
  out += w.str();
}

void write_document_reference(JsonWriter& w, const RuleSet& rules) {
  const ThresholdDocument& doc = rules.document();
  w.open('{');
  w.key("id").string(doc.id);
  w.key("version").string(doc.version);
  w.key("sha256").string(rules.sha256());
  w.close('}');
}

void write_decision_fields(JsonWriter& w, const RuleSet& rules, const Decision& d) {
  Marks unused;
  write_fields(w, rules, d, unused, Words{rules});
}

}  // namespace detail

std::string DecisionView::to_json() const {
  detail::JsonWriter w;
  w.open('{');
  detail::write_decision_fields(w, *rules_, *d_);
  w.close('}');
  return std::move(w).str();
}

std::string to_json(const RuleSet& rules, const Explanation& ex, JsonLayout layout) {
  detail::JsonWriter w(detail::layout_of(layout == JsonLayout::indented));
  w.open('{');
  detail::write_decision_fields(w, rules, ex.decision);
  w.key("trace").open('[');
  for (const TraceStep& s : ex.steps) {
    w.open('{');
    w.key("kind").string(to_string(s.kind));
    w.key("id").string(s.id);
    w.key("result").string(to_string(s.result));
    w.key("when").string(s.when);
    w.key("at").string(to_string(s.at));
    w.key("level_before").string(s.level_before);
    w.key("values").open('{');
    for (auto& [name, value] : s.values) w.key(name).string(value);
    w.close('}');
    w.close('}');
  }
  w.close(']');
  w.close('}');
  return std::move(w).str();
}

}  // namespace frontdoor

// Decisions and explanations as JSON: SPEC section 4's object, and `explain --format json`'s.
#include "frontdoor/report.hpp"
#include "report/write.hpp"

namespace frontdoor {

namespace detail {

namespace {

void write_reasons(JsonWriter& w, const DecisionView& v) {
  w.open('[');
  for (auto& r : v.reasons()) {
    w.open('{');
    w.key("id").string(r.id);
    w.key("kind").string(to_string(r.kind));
    w.key("text").string(r.text);
    w.key("at").string(to_string(r.at));
    w.close('}');
  }
  w.close(']');
}

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

// Where the per-row values went: before and after the contact's id, and the deadline's.
struct Marks {
  std::size_t contact = 0, after_contact = 0, deadline = 0, after_deadline = 0, override_at = 0, after_override = 0;
};

void write_fields(JsonWriter& w, const RuleSet& rules, const Decision& d, Marks& at) {
  const DecisionView v = rules.view(d);
  const ThresholdDocument& doc = rules.document();
  const bool decided = d.ok();
  w.key("contact");
  at.contact = w.str().size();
  w.string(d.contact);
  at.after_contact = w.str().size();
  auto maybe = [&](const char* k, std::string_view s) {
    w.key(k);
    decided ? w.string(s) : w.null();
  };
  auto list = [&](const char* k, const std::vector<std::string_view>& items) {
    w.key(k);
    if (!decided) {
      w.null();
      return;
    }
    w.open('[');
    for (auto s : items) w.string(s);
    w.close(']');
  };
  maybe("level", v.level());
  maybe("outcome", v.outcome());
  maybe("category", v.category());
  w.key("referral");
  decided ? w.boolean(v.referral()) : w.null();
  list("actions", v.actions());
  w.key("deadline");
  at.deadline = w.str().size();
  if (std::string dl = v.deadline(); !dl.empty())
    w.string(dl);
  else
    w.null();
  at.after_deadline = w.str().size();
  w.key("deadline_from");  // decided by the outcome, rules and routing, as the rest of the template is
  if (std::string_view from = v.deadline_from(); !from.empty())
    w.string(from);
  else
    w.null();
  list("flags", v.flags());
  list("rules", v.rules());
  w.key("routing");
  if (decided && d.routing != kNoIndex)
    w.string(v.routing());
  else
    w.null();
  w.key("override");  // the row's own, as contact and deadline are
  at.override_at = w.str().size();
  if (decided)
    write_override(w, doc, d.recorded);
  else
    w.null();
  at.after_override = w.str().size();
  w.key("reasons");
  if (decided)
    write_reasons(w, v);
  else
    w.null();
  w.key("document").open('{');
  w.key("id").string(doc.id);
  w.key("version").string(doc.version);
  w.key("sha256").string(rules.sha256());
  w.close('}');
  w.key("error");
  decided ? w.null() : w.string(d.error);
}

void write_decision_fields(JsonWriter& w, const RuleSet& rules, const Decision& d) {
  Marks unused;
  write_fields(w, rules, d, unused);
}

DecisionTemplate decision_template(const RuleSet& rules, const Decision& d) {
  JsonWriter w;
  Marks at;
  w.open('{');
  write_fields(w, rules, d, at);
  w.close('}');
  const std::string& s = w.str();
  return {s.substr(0, at.contact), s.substr(at.after_contact, at.deadline - at.after_contact),
          s.substr(at.after_deadline, at.override_at - at.after_deadline), s.substr(at.after_override)};
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

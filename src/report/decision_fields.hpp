// The keys of a decision's SPEC section 4 object, in their order: the one place they are written,
// for a single decision (DecisionView::to_json, explanations) and for a batch's pre-rendered
// templates (report/decision_fragments.hpp). A new key goes here, once; what differs between the
// two is only how the costly parts (the reasons, the document's reference) are put into words:
// `Parts` has reasons(JsonWriter&, const Decision&) and document(JsonWriter&).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "frontdoor/rule_set.hpp"
#include "util/json.hpp"

namespace frontdoor::detail {

// Where the per-row values went: before and after the contact's id, the deadline, the override and
// the reasons.
struct Marks {
  std::size_t contact = 0, after_contact = 0, deadline = 0, after_deadline = 0, override_at = 0, after_override = 0, reasons = 0,
              after_reasons = 0;
};

// SPEC 7.8's "override" (report/decision_json.cpp).
void write_override(JsonWriter&, const ThresholdDocument&, const RecordedOutcome&);

template <class Parts>
void write_fields(JsonWriter& w, const RuleSet& rules, const Decision& d, Marks& at, Parts&& parts) {
  const DecisionView v = rules.view(d);
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
  w.key("deadline_from");  // decided by the outcome, rules and routing, as a batch's frame is
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
  w.key("override");  // the row's own, as its id and deadline are
  at.override_at = w.str().size();
  if (decided)
    write_override(w, rules.document(), d.recorded);
  else
    w.null();
  at.after_override = w.str().size();
  w.key("reasons");
  at.reasons = w.str().size();
  if (decided)
    parts.reasons(w, d);
  else
    w.null();
  at.after_reasons = w.str().size();
  w.key("document");
  parts.document(w);
  w.key("error");
  decided ? w.null() : w.string(d.error);
}

// A reason as its JSON object.
inline void write_reason(JsonWriter& w, const Reason& r) {
  w.open('{');
  w.key("id").string(r.id);
  w.key("kind").string(to_string(r.kind));
  w.key("text").string(r.text);
  w.key("at").string(to_string(r.at));
  w.close('}');
}

}  // namespace frontdoor::detail

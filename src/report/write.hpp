// The report layer's writers, for the library's own use: each writes into a JsonWriter the caller
// has opened, so one object can be made of several (an explanation is a decision and a trace).
#pragma once

#include "frontdoor/rule_set.hpp"
#include "util/json.hpp"

namespace frontdoor::detail {

// The keys of a decision's SPEC section 4 object, into an object the caller opened.
void write_decision_fields(JsonWriter&, const RuleSet&, const Decision&);

// A decision's object in parts around the values that differ from row to row of a batch, the
// contact's id, the deadline and the override: a row is open + <id> + head + <deadline> + middle +
// <override> + tail, byte for byte what
// DecisionView::to_json writes, since the parts are cut where write_decision_fields wrote them. A
// batch words each distinct decision once this way.
struct DecisionTemplate {
  std::string open, head, middle, tail;
};
DecisionTemplate decision_template(const RuleSet&, const Decision&);
// A row's "override" value (SPEC 7.8), as write_decision_fields writes it.
void append_override(std::string& out, const RuleSet&, const RecordedOutcome&);

inline JsonWriter::Layout layout_of(bool indented) { return indented ? JsonWriter::Layout::indented : JsonWriter::Layout::compact; }

}  // namespace frontdoor::detail

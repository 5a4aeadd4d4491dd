// The report layer's writers, for the library's own use: each writes into a JsonWriter the caller
// has opened, so one object can be made of several (an explanation is a decision and a trace).
#pragma once

#include "frontdoor/rule_set.hpp"
#include "util/json.hpp"

namespace frontdoor::detail {

// The keys of a decision's SPEC section 4 object, into an object the caller opened.
void write_decision_fields(JsonWriter&, const RuleSet&, const Decision&);

// A decision's reference to its document, {id, version, sha256}.
void write_document_reference(JsonWriter&, const RuleSet&);
// A row's "override" value (SPEC 7.8), as write_fields writes it.
void write_override(JsonWriter&, const ThresholdDocument&, const RecordedOutcome&);
void append_override(std::string& out, const RuleSet&, const RecordedOutcome&);

inline JsonWriter::Layout layout_of(bool indented) { return indented ? JsonWriter::Layout::indented : JsonWriter::Layout::compact; }

}  // namespace frontdoor::detail

// A batch's decisions put into words from parts rendered once per document: each reason's JSON
// object (its text escaped and its source position looked up once) and the document's reference.
// A decision is then cut into a template, byte for byte what DecisionView::to_json writes, since
// both go through write_fields (report/decision_fields.hpp) and visit_reasons (report/reasons.hpp).
#pragma once

#include <string>
#include <vector>

#include "frontdoor/rule_set.hpp"
#include "util/json.hpp"

namespace frontdoor::detail {

// A decision's object in parts around the two values that differ from row to row of a batch, the
// contact's id and the deadline: a row is open + <id> + head + <deadline> + tail.
struct DecisionTemplate {
  std::string open, head, tail;
};

class DecisionParts {
 public:
  explicit DecisionParts(const RuleSet&);

  DecisionTemplate cut(const Decision&) const;

  // write_fields' Parts.
  void reasons(JsonWriter&, const Decision&) const;
  void document(JsonWriter& w) const { w.raw(document_); }

 private:
  const RuleSet& rules_;
  std::vector<std::vector<std::string>> concern_;  // [concern][descriptor]
  std::vector<std::string> rule_, routing_, level_;
  std::string document_;
};

}  // namespace frontdoor::detail

// A batch's decisions put into words from parts rendered once per document: each reason's JSON
// object (its text escaped and its source position looked up once) and the document's reference.
// A row is then written as a frame (what its level, outcome, rules, routing and deadline's source
// give, the same for many rows) around its own id, deadline, override and reasons, byte for byte what
// DecisionView::to_json writes: both go through write_fields (report/decision_fields.hpp), and the
// reasons through visit_reasons (report/reasons.hpp).
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "frontdoor/rule_set.hpp"
#include "util/json.hpp"

namespace frontdoor::detail {

// A decision's object in parts around what differs from row to row: a row is
// open + <id> + head + <deadline> + middle + <override> + before_reasons + <reasons> + tail.
struct DecisionFrame {
  std::string open, head, middle, before_reasons, tail;
};

class DecisionParts {
 public:
  explicit DecisionParts(const RuleSet&);

  // The frame of every decision with d's level, outcome, rules, routing and deadline's source (d
  // decided).
  DecisionFrame frame(const Decision& d) const;
  // d's reasons, each as its JSON object, onto `out` in order: views of the parts, or of `owned`
  // (the rare reason put into words for d alone). A reasons array is "[" + the items joined by ","
  // + "]", as write_fields writes it.
  void reason_items(const Decision& d, std::vector<std::string_view>& out, std::deque<std::string>& owned) const;

  // write_fields' Parts.
  void reasons(JsonWriter&, const Decision&) const;
  void document(JsonWriter& w) const { w.raw(document_); }

 private:
  template <class Item>
  void visit(const Decision& d, Item&& item) const;

  const RuleSet& rules_;
  std::vector<std::vector<std::string>> concern_;  // [concern][descriptor]
  std::vector<std::string> rule_, routing_, level_;
  std::string document_;
};

}  // namespace frontdoor::detail

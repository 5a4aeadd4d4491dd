// What SPEC 7.3 and 7.5 add to compiling: the names `base_level` and the rules `rule("id")` may
// name, and the worked examples' expectations about deadlines.
#include <algorithm>

#include "compile/program.hpp"
#include "time/civil.hpp"

namespace frontdoor::detail {

void check_deadline_expectations(const Program& p, Diagnostics& d) {
  // deadline_from names an outcome, a rule or a routing entry (rule and routing ids share one
  // namespace; an outcome may share its id with either, and then either reading is accepted).
  std::vector<std::string_view> ids;
  for (auto& o : p.doc.outcomes) ids.push_back(o.id);
  for (auto& r : p.doc.rules) ids.push_back(r.id);
  for (auto& r : p.doc.routing) ids.push_back(r.id);
  for (auto& t : p.doc.tests) {
    const Expectation& e = t.expect;
    if (e.deadline && !parse_timestamp(*e.deadline))
      d.error("FD113", t.at, "test '" + t.name + "': expect.deadline must be a timestamp such as 2026-05-04T14:00:00Z, or null");
    if (e.deadline_from && std::find(ids.begin(), ids.end(), *e.deadline_from) == ids.end())
      d.error("FD121", t.at,
              "test '" + t.name + "' expects deadline_from '" + *e.deadline_from +
                  "', which is no outcome, rule or routing entry of the document" + unknown_id_hint(*e.deadline_from, ids));
  }
}

void add_decision_names(Program& p) {
  Environment& env = p.env;
  for (auto& r : p.doc.rules) env.rules.push_back(r.id);
  auto sets = [](const auto& entry) { return entry.decide_within.given(); };
  p.deadlines_vary =
      std::any_of(p.doc.rules.begin(), p.doc.rules.end(), sets) || std::any_of(p.doc.routing.begin(), p.doc.routing.end(), sets);
  // After every field and counter: a document's own field or counter called base_level (valid
  // before the name was built in) keeps the name, since a name resolves to its first entry.
  Type level;
  level.k = Type::K::level;
  env.names.push_back({"base_level", level, 0, false, true, true});
}

}  // namespace frontdoor::detail

// The document's own tests (SPEC 2.2 "Tests"): each worked example is decided and compared with what
// it expects; every mismatch is one FD301 diagnostic at the test, saying expected and actual.
#include <algorithm>
#include <set>

#include "frontdoor/rule_set.hpp"
#include "util/diagnostics.hpp"

namespace frontdoor {
namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s + "]";
}

std::vector<std::string> strings(const std::vector<std::string_view>& v) { return {v.begin(), v.end()}; }

std::string same_set(const char* what, const std::vector<std::string>& want, const std::vector<std::string>& got) {
  std::set<std::string> a(want.begin(), want.end()), b(got.begin(), got.end());
  if (a == b) return {};
  return std::string(what) + ": expected " + join(want) + ", got " + join(got);
}

std::vector<std::string> mismatches(const RuleSet& rs, const WorkedExample& t, const Decision& d) {
  std::vector<std::string> out;
  const Expectation& e = t.expect;
  auto v = rs.view(d);
  if (e.error) {
    if (d.ok())
      out.push_back("expected the contact to be rejected with an error containing '" + *e.error + "', but it was decided (" +
                    std::string(v.outcome()) + ")");
    else if (d.error.find(*e.error) == std::string::npos)
      out.push_back("error: expected it to contain '" + *e.error + "', got '" + d.error + "'");
    return out;
  }
  if (!d.ok()) {
    out.push_back("the contact was rejected: " + d.error);
    return out;
  }
  auto check = [&](const char* what, const std::optional<std::string>& want, std::string_view got) {
    if (want && *want != got) out.push_back(std::string(what) + ": expected " + *want + ", got " + std::string(got));
  };
  check("level", e.level, v.level());
  check("outcome", e.outcome, v.outcome());
  check("category", e.category, v.category());
  check("deadline", e.deadline, v.deadline());
  if (e.has_deadline_null && !v.deadline().empty()) out.push_back("deadline: expected null, got " + v.deadline());
  if (e.has_deadline_from) {
    std::string got = v.deadline_from().empty() ? "null" : std::string(v.deadline_from());
    std::string want = e.deadline_from ? *e.deadline_from : "null";
    if (got != want) out.push_back("deadline_from: expected " + want + ", got " + got);
  }
  if (e.has_routing) {
    std::string got = d.routing == kNoIndex ? "null" : std::string(v.routing());
    std::string want = e.routing ? *e.routing : "null";
    if (got != want) out.push_back("routing: expected " + want + ", got " + got);
  }
  auto actions = strings(v.actions());
  if (e.actions)
    if (auto m = same_set("actions", *e.actions, actions); !m.empty()) out.push_back(m);
  if (e.flags)
    if (auto m = same_set("flags", *e.flags, strings(v.flags())); !m.empty()) out.push_back(m);
  if (e.rules)
    if (auto m = same_set("rules", *e.rules, strings(v.rules())); !m.empty()) out.push_back(m);
  if (e.actions_include)
    for (auto& a : *e.actions_include)
      if (std::find(actions.begin(), actions.end(), a) == actions.end())
        out.push_back("actions_include: expected " + a + " among " + join(actions));
  return out;
}

}  // namespace

std::vector<Diagnostic> run_worked_examples(const RuleSet& rs) {
  std::vector<Diagnostic> out;
  detail::Diagnostics diags(rs.source(), out);
  for (const WorkedExample& t : rs.document().tests) {
    Decision d = rs.decide(t.contact, t.history);
    auto problems = mismatches(rs, t, d);
    if (problems.empty()) continue;
    std::string msg = "test '" + t.name + "' fails: ";
    for (std::size_t i = 0; i < problems.size(); ++i) msg += (i ? "; " : "") + problems[i];
    diags.error("FD301", t.at, msg);
  }
  return out;
}

}  // namespace frontdoor

#include <doctest/doctest.h>

#include "documents.hpp"

using namespace fdtest;
using frontdoor::ContactRecord;

namespace {
// Does a rule with this `when` hold for the contact? (Rules add a flag we can look for.)
struct Probe {
  std::shared_ptr<const frontdoor::RuleSet> rs;
  explicit Probe(const std::string& when)
      : rs(compile_ok(document("rules:\n  - id: probe\n    when: '" + when + "'\n    flags: [probed]\n"))) {}
  frontdoor::Decision decide(const ContactRecord& c) const { return rs->decide(c); }
  bool holds(const ContactRecord& c) const {
    auto d = decide(c);
    REQUIRE_MESSAGE(d.ok(), d.error);
    return !d.rules.empty();
  }
  bool unknown(const ContactRecord& c) const { return !decide(c).unknowns.empty(); }
};
ContactRecord with(std::initializer_list<std::pair<const char*, frontdoor::Scalar>> fields,
                   std::initializer_list<std::pair<const char*, const char*>> concerns = {}) {
  ContactRecord c = contact();
  for (auto& [k, v] : fields) c.set(k, v);
  for (auto& [k, l] : concerns) c.concerns.push_back({k, l});
  return c;
}
}  // namespace

TEST_CASE("arithmetic, comparison and precedence follow CEL") {
  ContactRecord c = with({{"score", std::int64_t{7}}});
  CHECK(Probe("score * 2 + 1 == 15").holds(c));
  CHECK(Probe("1 + score * 2 == 15").holds(c));
  CHECK(Probe("(1 + score) * 2 == 16").holds(c));
  CHECK(Probe("-score < 0 && !(score > 7) || false").holds(c));
  CHECK(Probe("score >= 7 ? true : false").holds(c));
  CHECK(Probe("score in [1, 7, 9]").holds(c));
  CHECK_FALSE(Probe("score in []").holds(c));
  CHECK(Probe("[score, 2] == [7, 2]").holds(c));
  CHECK(Probe("[1, 2] != [1, 2, 3]").holds(c));
  CHECK(Probe("\"abc\" < \"abd\"").holds(c));
}

TEST_CASE("unknown values: false && x is false, true || x is true, otherwise unknown") {
  ContactRecord c = contact();  // score has no default: unknown
  CHECK_FALSE(Probe("false && score > 1").holds(c));
  CHECK_FALSE(Probe("false && score > 1").unknown(c));
  CHECK_FALSE(Probe("score > 1 && false").unknown(c));  // commutative, as in CEL
  CHECK(Probe("score > 1 || true").holds(c));
  CHECK(Probe("true || score > 1").holds(c));
  CHECK(Probe("score > 1 || !consent").holds(c));
  CHECK(Probe("score > 1").unknown(c));
  CHECK(Probe("!(score > 1)").unknown(c));
  CHECK(Probe("score in [1, 2]").unknown(c));
  CHECK(Probe("score > 1 ? true : true").unknown(c));
  auto d = Probe("score > 1").decide(c);
  REQUIRE(d.unknowns.size() == 1);
}

TEST_CASE("integer overflow is an error: the when does not hold") {
  ContactRecord c = with({{"score", std::int64_t{50}}});
  Probe p("score * 9223372036854775807 > 0");
  CHECK_FALSE(p.holds(c));
  auto d = p.decide(c);
  REQUIRE(d.unknowns.size() == 1);
  CHECK(d.unknowns[0].why == frontdoor::UnknownCondition::Why::overflow);
  CHECK(Probe("-9223372036854775808 < 0").holds(c));
  CHECK_FALSE(Probe("-(-9223372036854775808) < 0").holds(c));
}

TEST_CASE("levels compare by order; enums by value") {
  ContactRecord c = with({{"open_case", std::string("cin")}, {"source", std::string("6")}}, {{"neglect", "complex"}});
  CHECK(Probe("level >= \"complex\"").holds(c));
  CHECK_FALSE(Probe("level > \"complex\"").holds(c));
  CHECK(Probe("level in [\"complex\", \"acute\"]").holds(c));
  CHECK(Probe("open_case == \"cin\"").holds(c));
  CHECK(Probe("open_case in [\"cin\", \"cp_plan\"]").holds(c));
  CHECK(Probe("source == \"6\"").holds(c));
  CHECK(Probe("open_case == (source == \"6\" ? \"cin\" : \"none\")").holds(c));
}

TEST_CASE("concern functions read the contact's own descriptors") {
  ContactRecord c = with({}, {{"neglect", "complex"}, {"housing", "early_help"}, {"domestic_abuse", "early_help"}});
  CHECK(Probe("concern(\"neglect\")").holds(c));
  CHECK_FALSE(Probe("concern(\"injury\")").holds(c));
  CHECK(Probe("concern_at_least(\"neglect\", \"complex\")").holds(c));
  CHECK_FALSE(Probe("concern_at_least(\"neglect\", \"acute\")").holds(c));
  CHECK(Probe("count_at_least(\"early_help\") == 3").holds(c));
  CHECK(Probe("count_at_least(\"complex\") == 1").holds(c));
  CHECK(Probe("domain_count(\"family\") == 2").holds(c));
}

TEST_CASE("expression errors are load errors at the expression's line and column") {
  auto rule = [](const std::string& when) { return document("rules:\n  - id: r\n    when: '" + when + "'\n    flags: [f]\n"); };
  auto text = rule("consent && scroe > 3");
  auto ds = errors_of(text);
  std::uint32_t line = line_of(text, "when:");
  CHECK(has(ds, "FD202", line, "did you mean 'score'"));
  // The column points at the name inside the expression: "    when: '" is 11 characters.
  for (auto& d : ds)
    if (d.code == "FD202") CHECK(d.at.column == 12 + std::string("consent && ").size());
  CHECK(has(errors_of(rule("consent + 1 > 0")), "FD204", line));
  CHECK(has(errors_of(rule("level >= \"compelx\"")), "FD206", line, "did you mean 'complex'"));
  CHECK(has(errors_of(rule("source == \"99\"")), "FD207", line));
  CHECK(has(errors_of(rule("open_case < \"cin\"")), "FD204", line, "no order"));
  CHECK(has(errors_of(rule("concern(\"neglet\")")), "FD206", line, "did you mean 'neglect'"));
  CHECK(has(errors_of(rule("concerns(\"neglect\")")), "FD203", line, "did you mean 'concern'"));
  CHECK(has(errors_of(rule("concern(\"neglect\", \"acute\")")), "FD205", line));
  CHECK(has(errors_of(rule("score + 1")), "FD209", line));
  CHECK(has(errors_of(rule("score > ")), "FD201", line));
  CHECK(has(errors_of(rule("score / 2 > 1")), "FD201", line));
  CHECK(has(errors_of(rule("score > 99999999999999999999")), "FD210", line));
  CHECK(has(errors_of(rule("neglect")), "FD202", line, "concern(\"neglect\")"));
  CHECK(has(errors_of(rule("score in [1, \"a\"]")), "FD204", line));
  CHECK(has(errors_of(rule(std::string(100, '(') + "true" + std::string(100, ')'))), "FD208", line));
}

// Indicators (SPEC 7.1) and tags (7.2): a document written as councils publish theirs, level ->
// domain -> indicators, read into concerns with one level; contacts naming concerns the short ways.
#include <doctest/doctest.h>

#include <string>

#include "documents.hpp"

using namespace fdtest;

namespace {

// testshire's concerns, plus indicators by level and domain, as a council lists them.
std::string indicators(const std::string& rules = "") {
  return document(R"(indicators:
  universal:
    development:
      - healthy: "Healthy and growing as expected"
  early_help:
    parenting:
      - poor_routines: "Inconsistent routines at home"
      - {id: low_attendance, text: "Attendance below 90%", tags: [education], also_in: [development]}
    family:
      - debt: ["Debt affects the child's care", "Rent arrears"]
  acute:
    development:
      - {id: non_mobile_injury, text: "Injury to a baby not yet mobile", tags: [harm]}
)" + rules);
}

frontdoor::ContactRecord concerns_given(const std::string& concerns_json) {
  return frontdoor::record_from_json(R"({"id": "c1", "received": "2026-05-05T10:00:00Z", "concerns": )" + concerns_json + "}");
}

std::string level_of(const frontdoor::RuleSet& rs, const frontdoor::Decision& d) {
  INFO(d.error);
  REQUIRE(d.ok());
  return rs.document().levels[d.level].id;
}

}  // namespace

TEST_CASE("indicators are concerns with one level, in one namespace with concerns") {
  auto rs = compile_ok(indicators());
  const auto& doc = rs->document();
  REQUIRE(doc.concerns.size() == 9);  // 4 concerns, then 5 indicators in document order
  const auto& attendance = doc.concerns[6];
  CHECK(attendance.id == "low_attendance");
  CHECK(attendance.indicator);
  REQUIRE(attendance.descriptors.size() == 1);
  CHECK(doc.levels[attendance.descriptors[0].level].id == "early_help");
  REQUIRE(attendance.domains.size() == 2);
  CHECK(doc.domains[attendance.domains[0]] == "parenting");
  CHECK(doc.domains[attendance.domains[1]] == "development");
  CHECK(doc.tags[attendance.tags.at(0)] == "education");
  CHECK(doc.concerns[7].descriptors[0].text == "Debt affects the child's care; Rent arrears");
  CHECK_FALSE(doc.concerns[0].indicator);
}

TEST_CASE("indicator mistakes are load errors at their line") {
  auto dup = indicators() + "  complex:\n    family:\n      - housing: \"Homeless again\"\n";
  CHECK(has(errors_of(dup), "FD120", line_of(dup, "- housing:"), "duplicate concern or indicator id 'housing'"));
  auto twice = indicators() + "  complex:\n    family:\n      - debt: \"More debt\"\n";
  CHECK(has(errors_of(twice), "FD120", line_of(twice, "- debt: \"More"), "first at test.yaml:"));
  auto shape = indicators() + "  complex:\n    family:\n      - {a: x, b: y}\n";
  CHECK(has(errors_of(shape), "FD129", line_of(shape, "- {a: x"), "'id: text'"));
  auto level = indicators() + "  compelx:\n    family:\n      - evicted: \"Evicted\"\n";
  CHECK(has(errors_of(level), "FD121", line_of(level, "compelx:"), "did you mean 'complex'"));
  auto key = indicators() + "  complex:\n    family:\n      - {id: evicted, text: x, tagz: [harm]}\n";
  CHECK(has(errors_of(key), "FD110", line_of(key, "tagz"), "did you mean 'tags'"));
}

TEST_CASE("an unknown tag is a load error with a did you mean") {
  auto text = indicators("rules:\n  - id: r\n    when: tagged(\"harn\")\n    raise_to: complex\n");
  CHECK(has(errors_of(text), "FD206", line_of(text, "tagged(\"harn\")"), "unknown tag 'harn' (did you mean 'harm'?)"));
  auto bare = indicators("rules:\n  - id: r\n    when: harm\n    raise_to: complex\n");
  CHECK(has(errors_of(bare), "FD202", line_of(bare, "when: harm"), "is a tag: write tagged(\"harm\")"));
}

TEST_CASE("tagged() and tag_count() count each concern carrying the tag once, at any level") {
  auto rs = compile_ok(indicators(R"(rules:
  - {id: school, when: 'tagged("education")', raise_to: complex}
  - {id: two_education, when: 'tag_count("education") >= 2', raise_to: acute}
)"));
  CHECK(level_of(*rs, rs->decide(concerns_given(R"({"poor_routines": true})"))) == "early_help");
  auto d = rs->decide(concerns_given(R"({"low_attendance": true})"));
  CHECK(level_of(*rs, d) == "complex");
  CHECK(d.rules.size() == 1);
}

TEST_CASE("a concern in several domains counts once in domain_count of each, and shares each in history") {
  auto rs = compile_ok(indicators(R"(rules:
  - {id: development_twice, when: 'domain_count("development") >= 2', raise_to: complex}
  - {id: repeat, when: similar_3m >= 1, raise_to: acute}
)"));
  CHECK(level_of(*rs, rs->decide(concerns_given(R"(["low_attendance", "healthy"])"))) == "complex");
  CHECK(level_of(*rs, rs->decide(concerns_given(R"(["low_attendance"])"))) == "early_help");
  // low_attendance sits in development too, so an earlier injury shares a domain with it.
  std::vector<frontdoor::HistoryRecord> past = {{"2026-04-01T10:00:00Z", {{"injury", "acute"}}, {}, {}}};
  CHECK(level_of(*rs, rs->decide(concerns_given(R"(["low_attendance"])"), past)) == "acute");
  CHECK(level_of(*rs, rs->decide(concerns_given(R"(["poor_routines"])"), past)) == "early_help");
}

TEST_CASE("short forms: true, false, a list of ids, a bare id in the CSV form") {
  auto rs = compile_ok(indicators());
  CHECK(level_of(*rs, rs->decide(concerns_given(R"({"debt": true, "non_mobile_injury": false})"))) == "early_help");
  CHECK(level_of(*rs, rs->decide(concerns_given(R"(["debt", "non_mobile_injury"])"))) == "acute");
  CHECK(level_of(*rs, rs->decide(concerns_given(R"("debt;neglect=complex")"))) == "complex");
  CHECK(level_of(*rs, rs->decide(concerns_given(R"({"injury": true})"))) == "acute");  // a concern with one level
  CHECK(rs->decide(concerns_given(R"({"debt": false})")).ok());                        // no concerns at all
}

TEST_CASE("a concern with several levels named without one is rejected, listing its levels") {
  auto rs = compile_ok(indicators());
  for (const char* form : {R"({"neglect": true})", R"(["neglect"])", R"("neglect")"}) {
    INFO(form);
    auto d = rs->decide(concerns_given(form));
    CHECK(d.error_code == frontdoor::RejectionCode::level_not_given);
    CHECK(d.error_field == "concerns.neglect");
    CHECK(d.error == "concerns.neglect: this concern has several levels, so the contact must say which: one of early_help, complex, acute");
  }
  CHECK(frontdoor::to_string(frontdoor::RejectionCode::level_not_given) == "level_not_given");
  auto bad = rs->decide(concerns_given(R"({"debt": 1})"));
  CHECK(bad.error_code == frontdoor::RejectionCode::wrong_type);
}

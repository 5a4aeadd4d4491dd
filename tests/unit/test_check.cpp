// frontdoor::check: the one check sequence, with a prover injected (a stand-in here: the unit tests
// link no solver, which is the point of injecting it).
#include <doctest/doctest.h>

#include "documents.hpp"
#include "frontdoor/check.hpp"
#include "frontdoor/report.hpp"

using namespace fdtest;

namespace {

const char* kTests = R"(tests:
  - name: "Severe neglect is s47"
    contact: {received: "2026-06-01T10:00:00Z", concerns: {neglect: acute}}
    expect: {outcome: s47}
  - name: "Some neglect is wrongly expected to be advice"
    contact: {received: "2026-06-01T10:00:00Z", concerns: {neglect: early_help}}
    expect: {outcome: advice}
)";

// A prover that reports one warning and two timings, and remembers the options it was given.
struct StandIn {
  unsigned* seen_timeout;
  int* calls;
  frontdoor::AnalysisReport operator()(const frontdoor::RuleSet& rules, const frontdoor::AnalysisOptions& o) const {
    ++*calls;
    *seen_timeout = o.timeout_ms;
    frontdoor::AnalysisReport r;
    frontdoor::Diagnostic d;
    d.code = "FD303";
    d.severity = frontdoor::Severity::warning;
    d.message = "action 'review' is never used";
    d.path = rules.source().path();
    r.findings.push_back({d, {R"({"id":"c"})"}});
    r.timings = {{"can rule a hold?", 1.5, frontdoor::ProofAnswer::no}, {"can rule b hold?", 2.0, frontdoor::ProofAnswer::unknown}};
    r.rules_exercised = 1, r.rules_total = 2, r.routing_exercised = 0, r.routing_total = 0;
    return r;
  }
};

}  // namespace

TEST_CASE("check without a prover: load, compile, worked examples, and no proofs") {
  auto r = frontdoor::check(document(kTests), "t.yaml");
  CHECK(r.rule_set != nullptr);
  CHECK(r.examples == 2);
  CHECK(r.examples_failed == 1);
  CHECK_FALSE(r.proved);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].diagnostic.code == "FD301");
  CHECK(r.has_errors());
  CHECK(frontdoor::summary(r) == "t.yaml: 4 levels, 4 concerns, 0 rules, 0 routing entries; 1 of 2 worked examples pass");
}

TEST_CASE("check hands the prover its options whole, and strict turns its warnings into errors") {
  unsigned timeout = 0;
  int calls = 0;
  frontdoor::CheckOptions o;
  o.analysis.timeout_ms = 1234;
  o.prover = StandIn{&timeout, &calls};
  auto plain = frontdoor::check(document(), "t.yaml", o);
  CHECK(calls == 1);
  CHECK(timeout == 1234);
  CHECK(plain.proved);
  REQUIRE(plain.findings.size() == 1);
  CHECK(plain.findings[0].diagnostic.severity == frontdoor::Severity::warning);
  CHECK(plain.findings[0].contacts.size() == 1);
  CHECK_FALSE(plain.has_errors());
  CHECK(plain.coverage.rules_total == 2);
  CHECK(frontdoor::summary(plain) ==
        "t.yaml: 4 levels, 4 concerns, 0 rules, 0 routing entries; 0 of 0 worked examples pass; worked examples exercise 1/2 rules "
        "and 0/0 routing entries; 2 solver queries in 3 ms (1 not settled in time)");
  CHECK(frontdoor::timings_text(plain) == "  no  1.5 ms  can rule a hold?\n  unknown  2 ms  can rule b hold?\n");
  o.strict = true;
  auto strict = frontdoor::check(document(), "t.yaml", o);
  REQUIRE(strict.findings.size() == 1);
  CHECK(strict.findings[0].diagnostic.severity == frontdoor::Severity::error);
  CHECK(strict.has_errors());
}

TEST_CASE("a document with errors: its diagnostics, no worked examples, no proofs") {
  unsigned timeout = 0;
  int calls = 0;
  frontdoor::CheckOptions o;
  o.prover = StandIn{&timeout, &calls};
  auto r = frontdoor::check(document("rules:\n  - {id: r, when: 'level >= \"compelx\"', raise_to: acute}\n"), "t.yaml", o);
  CHECK(r.rule_set == nullptr);
  CHECK(calls == 0);
  CHECK(r.examples == 0);
  CHECK(r.has_errors());
  CHECK(r.findings.at(0).diagnostic.code == "FD206");
  CHECK(r.source != nullptr);
  CHECK(frontdoor::summary(r).empty());
}

TEST_CASE("check_file: an Error when the file cannot be read, the report otherwise") {
  auto missing = frontdoor::check_file("/nonexistent/doc.yaml");
  CHECK_FALSE(missing.ok());
  auto shipped = frontdoor::check_file(std::string(FRONTDOOR_SOURCE_DIR) + "/rules/exampleshire.yaml");
  REQUIRE(shipped.ok());
  CHECK(shipped->examples == 83);
  CHECK_FALSE(shipped->has_errors());
}

// The check sequence (frontdoor/check.hpp): one call with options, used by every front end. It
// prints nothing; front ends show the report with frontdoor/report.hpp.
#include "frontdoor/check.hpp"

#include <algorithm>

namespace frontdoor {

namespace {

void run_examples(const RuleSet& rules, CheckReport& r) {
  std::vector<Diagnostic> failures = run_worked_examples(rules);
  r.examples = rules.document().tests.size();
  r.examples_failed = failures.size();
  for (auto& d : failures) r.findings.push_back({std::move(d), {}});
}

void run_proofs(const RuleSet& rules, const CheckOptions& o, CheckReport& r) {
  AnalysisReport a = o.prover(rules, o.analysis);
  r.proved = true;
  r.findings.insert(r.findings.end(), std::make_move_iterator(a.findings.begin()), std::make_move_iterator(a.findings.end()));
  r.coverage = {a.rules_exercised, a.rules_total, a.routing_exercised, a.routing_total};
  r.timings = std::move(a.timings);
}

CheckReport check_compiled(Compilation c, std::string path, const CheckOptions& o) {
  CheckReport r;
  r.path = std::move(path);
  r.source = c.source;
  r.rule_set = c.rule_set;
  for (auto& d : c.diagnostics) r.findings.push_back({std::move(d), {}});
  if (c.ok()) {
    run_examples(*c.rule_set, r);
    if (o.prover) run_proofs(*c.rule_set, o, r);
  }
  if (o.strict)
    for (auto& f : r.findings)
      if (f.diagnostic.severity == Severity::warning) f.diagnostic.severity = Severity::error;
  return r;
}

}  // namespace

bool CheckReport::has_errors() const noexcept {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.diagnostic.severity == Severity::error; });
}

CheckReport check(std::string_view text, std::string path, const CheckOptions& o) {
  Compilation c = compile(text, path, o.compile);
  return check_compiled(std::move(c), std::move(path), o);
}

Result<CheckReport> check_file(const std::filesystem::path& file, const CheckOptions& o) {
  Result<Compilation> c = compile_file(file, o.compile);
  if (!c) return c.error();
  return check_compiled(std::move(c.value()), file.string(), o);
}

}  // namespace frontdoor

// A host of frontdoor::analysis: prove the shipped document (what `frontdoor check` proves) and
// expect it clean (as `frontdoor check` finds it): no warnings or errors, every rule counted, the
// proofs timed.
#include <frontdoor/analysis.hpp>
#include <frontdoor/frontdoor.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  auto c = frontdoor::compile_file(argv[1]);
  if (!c || !c->ok()) return 1;
  frontdoor::AnalysisReport report = frontdoor::analyse(*c->rule_set);
  for (const auto& f : report.findings) {
    std::cout << frontdoor::format(f.diagnostic) << "\n";
    if (f.diagnostic.severity != frontdoor::Severity::note) return 1;
  }
  std::cout << report.rules_total << " rules, " << report.timings.size() << " proofs\n";
  const bool counted = report.rules_total == c->rule_set->document().rules.size() && report.rules_total > 0;
  return counted && !report.timings.empty() ? 0 : 1;
}

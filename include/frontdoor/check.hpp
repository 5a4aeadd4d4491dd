// check: the one check sequence every front end runs (`frontdoor check`, Python's fd.check, hosts):
// load and type-check the document, run its worked examples, then, given a prover, the proofs over
// every possible contact (SPEC section 5), with `strict` and the proofs' time budget as options.
//
// The core library links no solver. The proofs come from `frontdoor::analyse`, in the
// frontdoor::analysis target (Z3): a host that wants them links that target and sets
// `CheckOptions::prover = frontdoor::analyse`; without a prover `check` stops after the worked
// examples. docs/api.md says why it is injected rather than linked.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "frontdoor/analysis.hpp"  // the proofs' options and results (types only; no solver)
#include "frontdoor/result.hpp"
#include "frontdoor/rule_set.hpp"

namespace frontdoor {

using Prover = std::function<AnalysisReport(const RuleSet&, const AnalysisOptions&)>;

struct CheckOptions {
  bool strict = false;       // warnings count as errors: their severity becomes error
  AnalysisOptions analysis;  // handed to the prover whole (its time budget and limits)
  CompileOptions compile;
  Prover prover;  // empty: no proofs
};

// How much of the document the worked examples exercise (the prover works it out).
struct Coverage {
  std::size_t rules_exercised = 0, rules_total = 0;
  std::size_t routing_exercised = 0, routing_total = 0;
};

struct CheckReport {
  std::string path;
  std::shared_ptr<const SourceText> source;  // the findings point into it
  std::shared_ptr<const RuleSet> rule_set;   // null when the document has errors
  // Load and type findings, then failing worked examples, then the proofs' findings.
  std::vector<Finding> findings;
  std::size_t examples = 0;  // worked examples run (none when the document has errors)
  std::size_t examples_failed = 0;
  bool proved = false;  // the prover ran: coverage and timings are filled in
  Coverage coverage;
  std::vector<ProofTiming> timings;

  bool has_errors() const noexcept;  // any finding of severity error (after `strict`)
};

// Check a document's text (`path` names it in positions).
CheckReport check(std::string_view text, std::string path, const CheckOptions& = {});
// Read and check a file; an Error only when it cannot be read.
Result<CheckReport> check_file(const std::filesystem::path&, const CheckOptions& = {});

}  // namespace frontdoor

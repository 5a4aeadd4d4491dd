// Proofs over every possible contact (SPEC section 5), in their own target, frontdoor::analysis,
// so that hosts that only decide link no solver. Each finding about contacts carries a concrete
// counterexample as contact JSON that `frontdoor decide` accepts, replayed through the engine before
// it is reported.
#pragma once

#include <string>
#include <vector>

#include "frontdoor/diagnostic.hpp"
#include "frontdoor/rule_set.hpp"

namespace frontdoor {

struct AnalysisOptions {
  unsigned timeout_ms = 10000;  // per solver query; a query that runs out is reported, not hung on
  // For all solver queries together: once it is spent, the remaining proofs are not attempted and
  // one FD315 warning says how many (a document with thousands of rules must not hang `check`).
  unsigned budget_ms = 10000;
  // Documents that compile to more instructions than this get no proofs (one FD315 warning): Z3's
  // set-up and tear-down alone grow with the document and ignore timeouts. The default document
  // compiles to about 120.
  std::size_t max_instructions = 10000;
  bool worked_examples = true; // run the document's tests and report coverage
};

struct ProofTiming {
  std::string proof;  // e.g. "dead rule repeat_contacts", "monotonicity"
  double milliseconds = 0;
  std::string result;  // proven | refuted | incomplete
};

struct Finding {
  Diagnostic diagnostic;
  std::vector<std::string> contacts;  // counterexample contacts as JSON (two for monotonicity)
};

struct AnalysisReport {
  std::vector<Finding> findings;
  std::vector<ProofTiming> timings;
  std::size_t rules_exercised = 0, rules_total = 0;
  std::size_t routing_exercised = 0, routing_total = 0;
};

AnalysisReport analyse(const RuleSet&, const AnalysisOptions& = {});

}  // namespace frontdoor

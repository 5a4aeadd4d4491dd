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
  // Wall-clock bound on all the proofs together, encoding included. A question that runs over its
  // share (half of what is left, or all of it for the last question) is cancelled and reported as
  // incomplete (FD315); once the time is spent, the questions left are not asked and one FD315 says
  // how many. `analyse` returns within a few tens of ms of the bound, whatever the document.
  unsigned timeout_ms = 10000;
  unsigned budget_ms = 10000;  // an older name for the same bound: the smaller of the two applies
  // Documents that compile to more instructions than this get no proofs (one FD315 warning): Z3's
  // set-up and tear-down alone grow with the document and ignore timeouts. The default document
  // compiles to about 120.
  std::size_t max_instructions = 10000;
  bool worked_examples = true;  // run the document's tests and report coverage
};

// The answer to one question asked of the solver ("can rule X hold?"): yes (a contact exists, and
// the finding shows it), no (proven for every contact), or unknown (cancelled, or not asked).
enum class ProofAnswer : unsigned char { yes, no, unknown };
inline constexpr const char* to_string(ProofAnswer a) noexcept {
  return a == ProofAnswer::yes ? "yes" : a == ProofAnswer::no ? "no" : "unknown";
}

struct ProofTiming {
  std::string proof;  // the question, e.g. "can rule repeat_contacts hold?"
  double milliseconds = 0;
  ProofAnswer result = ProofAnswer::unknown;
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

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

// --- symbolic diff (SPEC section 9): where two documents decide differently, over every contact -----

struct DocumentDiffOptions {
  unsigned timeout_ms = 10000;   // wall-clock bound on the whole comparison
  std::size_t max_regions = 64;  // regions listed before the rest is reported as incomplete
};

// What decides a contact under one document.
struct DecidedBy {
  std::string level, outcome;
  // How long the decision allows: the shortest working and clock time among the deadlines that take
  // part ("4 working hours", "1 working day or 2 hours, whichever is earlier"); empty when none.
  std::string deadline;
  std::string deadline_at;  // the example's deadline as decisions give it (UTC); empty when none
  std::vector<std::string> actions;
  std::vector<std::string> rules;  // the rules that held, in order
  std::string routing;             // the routing entry that applied; empty: the level's own route
};

// What differs, in the order they are looked for: a region of one aspect has every earlier aspect equal.
enum class DiffAspect : unsigned char { outcome, level, deadline, actions };
inline constexpr const char* to_string(DiffAspect a) noexcept {
  return a == DiffAspect::outcome ? "outcome" : a == DiffAspect::level ? "level" : a == DiffAspect::deadline ? "deadline" : "actions";
}

// One region of contacts the two documents decide differently: every contact that one side's decider
// and the other's both take (a routing entry, or a level's own route), with the smallest example.
struct DiffRegion {
  DiffAspect aspect = DiffAspect::outcome;
  std::string condition;  // the region in words
  std::string action;     // actions: the action one side adds and the other does not
  DecidedBy a, b;         // how the example was decided under each document
  std::string example_a,
      example_b;           // the example as contact JSON each document accepts (equal unless one has a concern or field the other lacks)
  bool confirmed = false;  // the engine, deciding the example under both documents, shows the difference
};

struct DocumentDiff {
  std::string error;               // not empty: the documents cannot be compared (why)
  std::vector<std::string> notes;  // what only one document has (treated as absent in the other)
  std::vector<DiffRegion> regions;
  // no: no other contact is decided differently (proven); unknown: incomplete (time or region limit).
  ProofAnswer other_differences = ProofAnswer::unknown;
  double milliseconds = 0;
};

DocumentDiff diff_documents(const RuleSet& a, const RuleSet& b, const DocumentDiffOptions& = {});
std::string to_json(const DocumentDiff&);
// One region per line with its example and how each side decided it; `summary`: the lines alone.
std::string to_text(const DocumentDiff&, bool summary = false);

}  // namespace frontdoor

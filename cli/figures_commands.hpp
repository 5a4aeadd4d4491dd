// `frontdoor stats` and `frontdoor diff`: front-door figures and the what-if of two documents, computed
// by the library (include/frontdoor/figures.hpp) that the Python package uses too.
#pragma once

#include <cstddef>
#include <string>

namespace frontdoor::cli {

struct StatsOptions {
  std::string document, contacts, format = "text";  // text | json
  std::size_t examples = 20;                        // disagreeing contacts listed by the audit
  std::string history = "decided";                  // --history decided | recorded (SPEC 7.8)
};
int run_stats(const StatsOptions&);

struct DiffCommandOptions {
  std::string document_a, document_b, contacts, format = "text";  // text | json; no contacts: the symbolic diff
  std::size_t examples = 5;                                       // contact ids per move
  unsigned timeout_ms = 10000;                                    // symbolic diff: bound on the proofs
  bool summary = false;                                           // symbolic diff: one line per region
  bool fail_on_change = false;                                    // symbolic diff: exit 1 when the documents differ
  std::string history = "decided";                                // with contacts: --history decided | recorded
};
int run_diff(const DiffCommandOptions&);

}  // namespace frontdoor::cli

#pragma once

#include <string>
#include <vector>

namespace frontdoor::cli {

struct CheckCommandOptions {
  std::vector<std::string> documents;
  std::string format = "text";  // text | json | sarif
  bool strict = false;
  unsigned timeout_ms = 10000;  // per proof
  unsigned budget_ms = 10000;   // all proofs together
  bool timings = false;
};
int run_check(const CheckCommandOptions&);

struct DecideOptions {
  std::string document, contacts, output, format;  // format: jsonl | csv (default from output's extension)
  std::string audit;                               // --audit FILE: one audit record per decision (cli/audit_commands.hpp)
  unsigned threads = 0;                            // --threads: 0 is one per core
  std::string history = "decided";                 // --history decided | recorded (SPEC 7.8)
};
int run_decide(const DecideOptions&);

struct ExplainOptions {
  std::string document, contact, format = "text";
  std::string audience = "practitioner";  // --for practitioner | referrer (cli/audit_commands.hpp)
};
int run_explain(const ExplainOptions&);

}  // namespace frontdoor::cli

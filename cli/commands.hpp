#pragma once

#include <string>
#include <vector>

namespace frontdoor::cli {

struct CheckOptions {
  std::vector<std::string> documents;
  std::string format = "text";  // text | json | sarif
  bool strict = false;
  unsigned timeout_ms = 10000;  // per proof
  unsigned budget_ms = 12000;   // all proofs together
  bool timings = false;
};
int run_check(const CheckOptions&);

struct DecideOptions {
  std::string document, contacts, output, format;  // format: jsonl | csv (default from output's extension)
};
int run_decide(const DecideOptions&);

struct ExplainOptions {
  std::string document, contact, format = "text";
};
int run_explain(const ExplainOptions&);

}  // namespace frontdoor::cli

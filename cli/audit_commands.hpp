// `frontdoor decide --audit`, `frontdoor replay`, `frontdoor convert` and
// `frontdoor explain --for referrer`: embedding in case systems (docs/embedding.md,
// docs/interchange.md), on top of include/frontdoor/interchange.hpp.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "commands.hpp"
#include "frontdoor/frontdoor.hpp"

namespace frontdoor::cli {

// `decide --audit FILE`: one audit record per decision. False (with a message on stderr) when the
// file cannot be written.
// `history`: which outcome each row's history items carry (decide --history).
bool write_audit_file(const std::string& path, const RuleSet&, const std::vector<ContactRecord>&, const std::vector<Decision>&,
                      HistoryFrom history);

struct ReplayOptions {
  std::string document, audit, format = "text";  // text | json
  std::size_t examples = 50;                     // changed records listed in text
};
int run_replay(const ReplayOptions&);

struct ConvertOptions {
  std::string from, to, show_mapping;  // exactly one
  std::string input, output, decisions;
};
int run_convert(const ConvertOptions&);

// `explain --for referrer`.
int run_explain_for_referrer(const ExplainOptions&);

}  // namespace frontdoor::cli

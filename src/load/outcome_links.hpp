// The parts of a document that link sections to outcomes and deadlines (SPEC 7.4-7.6): an action's
// `only_with`, a rule's or routing entry's `decide_within`, a history counter's `outcome`,
// `category` and `level_at_least`. Read after every section is declared, so any key order works.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "frontdoor/document.hpp"
#include "frontdoor/rule_set.hpp"
#include "load/yaml_tree.hpp"

namespace frontdoor::detail {

// "24 working hours", "1 working day", "4 hours", "2 days"; nullopt when it is none of these.
std::optional<Span> parse_span(std::string_view text);
inline constexpr std::string_view kSpanWords =
    "decide_within must be 'N working hours', 'N working days', 'N hours' or 'N days' (N from 0 to 10000)";

// Fills the links of `doc` from `root` (the whole document), which load_document has read the rest
// of: every problem is a diagnostic at its node.
void load_outcome_links(const SourceText&, const CompileOptions&, const YamlNode& root, ThresholdDocument&, std::vector<Diagnostic>&);

}  // namespace frontdoor::detail

// Stage 1, load: the continuum, `concerns:` and `indicators:` (SPEC 2, 7.1, 7.2), into
// ThresholdDocument::concerns, domains and tags, with diagnostics (FD1xx) at their nodes.
#pragma once

#include <vector>

#include "frontdoor/document.hpp"
#include "frontdoor/rule_set.hpp"
#include "load/yaml_tree.hpp"

namespace frontdoor::detail {

// Either node may be null (the section is absent). Levels must be loaded first.
void load_concerns(const SourceText& source, const CompileOptions& options, const YamlNode* concerns, const YamlNode* indicators,
                   ThresholdDocument& doc, std::vector<Diagnostic>& out);

}  // namespace frontdoor::detail

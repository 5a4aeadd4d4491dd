#pragma once

#include <vector>

#include "frontdoor/document.hpp"
#include "load/node_reader.hpp"

namespace frontdoor::detail {

// Reads the document's `tests:` list into doc.tests.
void load_worked_examples(const SourceText& source, const CompileOptions& options, const YamlNode& tests, ThresholdDocument& doc,
                          std::vector<Diagnostic>& out);

}  // namespace frontdoor::detail

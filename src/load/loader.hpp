// Stage 1, load: document text -> ThresholdDocument, with every problem as a diagnostic (FD1xx).
#pragma once

#include <vector>

#include "frontdoor/document.hpp"
#include "frontdoor/rule_set.hpp"

namespace frontdoor::detail {

// Fills `doc` as far as it can; the document is usable only when no error was reported.
void load_document(const SourceText& source, const CompileOptions& options, ThresholdDocument& doc, std::vector<Diagnostic>& out);

// The built-in contact fields every document has (SPEC section 3).
inline constexpr const char* kSourceCodes[] = {"1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E",
                                               "3F", "4",  "5A", "5B", "5C", "5D", "6",  "7",  "8",  "9",  "10"};
inline constexpr const char* kChannels[] = {"conversation", "written", "notification", "online", "in_person"};

}  // namespace frontdoor::detail

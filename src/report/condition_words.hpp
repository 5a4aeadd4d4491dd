// A rule's or routing entry's `when`, said in words for people who do not read expressions
// ("the child's age in months is under 6 and the contact has Unexplained injury"), for the
// published page of `frontdoor render`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "frontdoor/document.hpp"

namespace frontdoor::detail {

// Nothing when the expression does not parse or uses something there are no words for yet: the
// page then shows the expression alone, never a guess.
std::optional<std::string> condition_words(std::string_view when, const ThresholdDocument&);

// An id as words: "domestic_abuse" -> "Domestic abuse".
std::string humanise(std::string_view id);

}  // namespace frontdoor::detail

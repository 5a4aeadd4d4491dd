// The threshold document as councils publish it: one self-contained, printable HTML page (the
// continuum grid of domains by levels, the outcomes and their deadlines, the rules and routing in
// words). What `frontdoor render` writes; no script, no resource from anywhere else.
#pragma once

#include <string>

#include "frontdoor/rule_set.hpp"

namespace frontdoor {

// Every text from the document is HTML-escaped; the page carries its own CSS in a <style> element
// (screen and print) and links nothing, so it can be emailed, archived or printed as it is.
std::string continuum_html(const RuleSet&);

}  // namespace frontdoor

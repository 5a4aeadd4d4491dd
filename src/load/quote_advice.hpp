// An unquoted `when` that YAML reads as something else (`when: !consent` is a YAML tag, `when: [a]`
// a list, `when: a: b` a mapping) makes the YAML reader or the loader complain about tags, anchors,
// aliases, lists or syntax, which says nothing to an author who wrote an expression. Such problems on
// a line where `when:` is followed by an unquoted value are replaced by one error, at the value,
// that says to quote it.
#pragma once

#include <vector>

#include "frontdoor/diagnostic.hpp"

namespace frontdoor::detail {

// Rewrites `out[from..]` in place.
void advise_quoting_when(const SourceText& source, std::vector<Diagnostic>& out, std::size_t from);

}  // namespace frontdoor::detail

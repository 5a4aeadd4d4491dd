// What check must know of the continuum's newer shapes (SPEC 7.1) until the proofs encode them:
// indicators at the lowest level, and concerns in several domains.
#pragma once

#include <optional>
#include <vector>

#include "compile/program.hpp"
#include "frontdoor/check.hpp"

namespace frontdoor::detail {

// A warning (FD315) when the proofs cannot yet be trusted with this program (domain_count() over a
// concern in several domains), else nothing. The proofs encode each concern in its first domain
// only, so their answers about such a document could be wrong; check says so and proves nothing.
std::optional<Finding> unproved_constructs(const Program&);

// An indicator at the lowest level describes a need that is met: nothing need refer to it, so the
// "unused concern" warning (FD303) is not about it.
void drop_met_needs(const ThresholdDocument&, std::vector<Finding>&);

}  // namespace frontdoor::detail

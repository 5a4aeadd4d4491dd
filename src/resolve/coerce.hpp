// How a value a row gives becomes what a field takes: one set of rules for every front end (a
// record's Scalar, a frame's or a JSON line's cell), so that the batch and RuleSet::resolve can
// never read the same value two ways. Each returns false for a value the field does not take; the
// caller words the error (naming the field, never the value). Internal (src/resolve/).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "frontdoor/contact.hpp"

namespace frontdoor::coerce {

// true/false or 1/0, in any case.
bool bool_of_text(std::string_view text, std::int64_t& out);
// Decimal digits with an optional sign ('+' or '-'), nothing else.
bool int_of_text(std::string_view text, std::int64_t& out);
// 0 or 1 exactly.
bool bool_of_real(double d, std::int64_t& out);
// A whole number that a double holds exactly (|d| <= 2^53).
bool int_of_real(double d, std::int64_t& out);
// The digits of a whole number below 10^15 (so that an id or a child read as a number is the text
// it was written as).
bool text_of_real(double d, std::string& out);

// A Scalar as a field of each type reads it.
bool bool_of(const Scalar& v, std::int64_t& out);
bool int_of(const Scalar& v, std::int64_t& out);
bool text_of(const Scalar& v, std::string& out);
// null, or NaN (how a frame writes a missing number): an unknown value.
bool is_absent(const Scalar& v);

}  // namespace frontdoor::coerce

// Every rejection a contact can get, worded in one place: each names the field at fault, and
// repeats an id the contact gave only when it looks like an id (a typo the "did you mean" needs),
// never free text, which may be personal data. Internal (src/resolve/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frontdoor/contact.hpp"
#include "frontdoor/rejection.hpp"

namespace frontdoor::detail {
struct Program;
}

namespace frontdoor::words {

Rejection given_twice(std::string_view name);
Rejection no_id();
Rejection no_received();
Rejection bad_received();
Rejection bad_history_received();
Rejection child_not_text();
Rejection bad_dob();
Rejection dob_after_received();
Rejection unknown_field(std::string_view name, const std::vector<std::string_view>& suggestions);
Rejection concern_twice(const std::string& concern);
Rejection unknown_outcome(const std::string& outcome);
Rejection unknown_history_level(const std::string& level);  // a history item's own level
// A contact's recorded_outcome (or override_reason) that is not text or not one of the document's:
// the words name the field and never the value, which a worker typed.
Rejection bad_judgement(bool recorded_outcome, RejectionCode code);
// The concern's and level's indices, or why the entry names neither.
std::optional<Rejection> find_concern(const detail::Program&, const ConcernEntry&, std::uint16_t& concern, std::uint16_t& level);
Rejection no_descriptor(const detail::Program&, std::uint16_t concern, const ConcernEntry&);
// A row's own history longer than kMaxHistoryItems, or (in a batch) a child with more earlier rows
// than that inside the history windows.
Rejection too_long_history(std::size_t items);
Rejection too_much_history();

// What a reader could not make sense of (ContactRecord::problem and its kind).
Rejection not_a_single_value(std::string_view name);
Rejection concerns_not_a_mapping();
Rejection history_not_a_list();
Rejection history_not_json();
Rejection bad_concern_cell();

}  // namespace frontdoor::words

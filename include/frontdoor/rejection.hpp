// Why a contact was not decided, typed: a host can tell "unknown concern" from "bad timestamp"
// without reading the words. Every rejection names the field at fault (as it appears at the start
// of its message) and never repeats a value that may be personal data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace frontdoor {

enum class RejectionCode : std::uint8_t {
  none,                     // not rejected
  unreadable,               // the row as a whole could not be read (not JSON, wrong number of cells, too long)
  missing_field,            // a field every contact needs (id, received) is missing or empty
  duplicate_field,          // a field given more than once
  unknown_field,            // a name the document does not declare
  wrong_type,               // a value of the wrong kind (text for a whole number, a list for a value, ...)
  out_of_range,             // a whole number outside the field's min..max
  bad_enum_value,           // not one of the values the document allows for the field
  bad_timestamp,            // not an ISO 8601 timestamp with an offset
  bad_date,                 // not a date YYYY-MM-DD
  dob_after_received,       // the date of birth is after the contact was received
  unknown_concern,          // a concern id the document does not have
  unknown_level,            // a level id the document does not have
  level_not_in_concern,     // the concern has no descriptor at that level
  duplicate_concern,        // a concern given more than once
  unknown_outcome,          // a history item's outcome, or a recorded_outcome, the document does not have
  too_much_history,         // more earlier contacts than kMaxHistoryItems
  level_not_given,          // a concern with several levels named without one (`neglect: true`, `neglect` in a list)
  unknown_override_reason,  // an override_reason the document does not declare
};

// The code as a word: "unknown_concern", ... ("none" for none).
std::string_view to_string(RejectionCode) noexcept;

struct Rejection {
  RejectionCode code = RejectionCode::none;
  std::string field;    // e.g. "received", "concerns.neglect", "history[2].received"; empty: the whole row
  std::string message;  // "<field>: <what is wrong>", the text Decision::error carries

  // A rejection whose message is "<field>: <what>" (or just `what` for the whole row).
  static Rejection at(RejectionCode code, std::string field, std::string_view what) {
    std::string message = field.empty() ? std::string(what) : field + ": " + std::string(what);
    return {code, std::move(field), std::move(message)};
  }
  // The same rejection inside a larger value: "history[2]" + "received: ..." is
  // "history[2].received: ...".
  Rejection within(const std::string& prefix) && {
    field = field.empty() ? prefix : prefix + "." + field;
    message = prefix + "." + message;
    return std::move(*this);
  }
};

}  // namespace frontdoor

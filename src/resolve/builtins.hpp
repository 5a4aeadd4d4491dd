// The built-in names of a contact (SPEC section 3) read once, over a value source (field_value.hpp:
// a record's ScalarValue or a batch's CellValue): id, child, received, dob and the ages it gives,
// and concerns. The declared fields (unborn, source, channel and the document's own) are read by
// resolve::field_value; history is read by resolve::history_of (history.hpp). RuleSet::resolve
// and the batch's fast path both call these, so that a row means the same whichever path reads it;
// the batch keeps its caches around them (a concern cell's set by its text, a parsed timestamp),
// never a second reading. Each returns a RejectionCode; builtin_rejection words it. Internal.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "frontdoor/columns.hpp"
#include "frontdoor/contact.hpp"
#include "frontdoor/rejection.hpp"
#include "time/civil.hpp"

namespace frontdoor::detail {
struct Program;
class Calendar;
}  // namespace frontdoor::detail

namespace frontdoor::resolve {

// The built-ins a rejection of builtin_rejection can be about.
enum class Builtin : std::uint8_t { id, child, received, dob, recorded_outcome, override_reason };

// `id`: text (or a whole number, written as its digits); required, and not empty.
template <class Value>
RejectionCode id_value(const Value& v, std::string& out) {
  if (v.absent() || !v.as_text(out) || out.empty()) return RejectionCode::missing_field;
  return RejectionCode::none;
}

// `child`: text (or a whole number); may be absent (out is then empty: no history by child).
template <class Value>
RejectionCode child_value(const Value& v, std::string& out) {
  out.clear();
  if (v.absent()) return RejectionCode::none;
  return v.as_text(out) ? RejectionCode::none : RejectionCode::wrong_type;
}

// `received`: an ISO 8601 timestamp with an offset (or an instant); required. The memo keeps the
// last date read, which a column of timestamps in time order mostly repeats.
template <class Value>
RejectionCode received_value(const Value& v, std::int64_t& ms, detail::DateMemo& memo) {
  if (v.absent()) return RejectionCode::missing_field;
  return v.as_instant(ms, memo) ? RejectionCode::none : RejectionCode::bad_timestamp;
}

// `dob`: a date YYYY-MM-DD; may be absent (out is then empty).
template <class Value>
RejectionCode dob_value(const Value& v, std::optional<detail::CivilDate>& out) {
  out.reset();
  if (v.absent()) return RejectionCode::none;
  detail::CivilDate d{};
  if (!v.as_date(d)) return RejectionCode::bad_date;
  out = d;
  return RejectionCode::none;
}

// The index of a recorded outcome's or an override reason's id in the document (0xFFFF: none).
std::uint16_t judgement_index(const detail::Program&, Builtin which, std::string_view id);

// `recorded_outcome` and `override_reason` (SPEC 7.8): an id of the document's outcomes, of its
// override_reasons; may be absent (out is then 0xFFFF). Carried with the contact, never decided on.
template <class Value>
RejectionCode judgement_value(const detail::Program& p, Builtin which, const Value& v, std::string& text, std::uint16_t& out) {
  out = 0xFFFF;
  if (v.absent()) return RejectionCode::none;
  if (!v.as_text(text)) return RejectionCode::wrong_type;
  out = judgement_index(p, which, text);
  if (out != 0xFFFF) return RejectionCode::none;
  return which == Builtin::recorded_outcome ? RejectionCode::unknown_outcome : RejectionCode::unknown_override_reason;
}

// The calendar date of a local day, remembered: rows in input order mostly share the previous
// row's.
struct DayMemo {
  std::int32_t day = INT32_MIN;
  detail::CivilDate date{};
  const detail::CivilDate& of(std::int32_t d) {
    if (d != day) day = d, date = detail::civil_from_days(d);
    return date;
  }
};

// Completed months from `dob` to the local date `received` falls on; dob_after_received when the
// child was born after it (an unborn child is 0 months old, and the caller does not ask).
RejectionCode age_in_months(const detail::Program&, std::int64_t received, const detail::CivilDate& dob, std::int64_t& months,
                            DayMemo& memo);

// A contact's concerns as (concern, level) indices in document order, each concern once; or why
// not (an unknown concern or level, a level the concern has no descriptor at, a concern twice).
using ConcernItems = std::vector<std::pair<std::uint16_t, std::uint8_t>>;
std::optional<Rejection> concern_items(const detail::Program&, std::span<const ConcernEntry>, ConcernItems& out);

// A row's own `history` as a batch cell holds it: the JSON text of a list of earlier contacts
// (read strictly by detail::parse_history), or absent (null, or no such key: the child's earlier
// rows are its history). Anything else is the reader's typed problem, or "must be a list".
enum class HistoryCell : std::uint8_t { none, given, rejected };
HistoryCell history_cell(const columns::Cell&, const columns::Column& source, std::vector<HistoryRecord>& out, Rejection& problem);
// Without reading it: whether the cell gives a history (text), none, or is rejected for sure.
HistoryCell history_cell_kind(const columns::Cell&);

// The words for a built-in's RejectionCode: they name the field, never its value.
Rejection builtin_rejection(Builtin, RejectionCode);

}  // namespace frontdoor::resolve

#include "resolve/words.hpp"

#include <algorithm>

#include "compile/program.hpp"
#include "frontdoor/rule_set.hpp"
#include "resolve/field_value.hpp"
#include "util/diagnostics.hpp"

namespace frontdoor {

std::string_view to_string(RejectionCode code) noexcept {
  switch (code) {
    case RejectionCode::none: return "none";
    case RejectionCode::unreadable: return "unreadable";
    case RejectionCode::missing_field: return "missing_field";
    case RejectionCode::duplicate_field: return "duplicate_field";
    case RejectionCode::unknown_field: return "unknown_field";
    case RejectionCode::wrong_type: return "wrong_type";
    case RejectionCode::out_of_range: return "out_of_range";
    case RejectionCode::bad_enum_value: return "bad_enum_value";
    case RejectionCode::bad_timestamp: return "bad_timestamp";
    case RejectionCode::bad_date: return "bad_date";
    case RejectionCode::dob_after_received: return "dob_after_received";
    case RejectionCode::unknown_concern: return "unknown_concern";
    case RejectionCode::unknown_level: return "unknown_level";
    case RejectionCode::level_not_in_concern: return "level_not_in_concern";
    case RejectionCode::duplicate_concern: return "duplicate_concern";
    case RejectionCode::unknown_outcome: return "unknown_outcome";
    case RejectionCode::too_much_history: return "too_much_history";
    case RejectionCode::level_not_given: return "level_not_given";
    case RejectionCode::unknown_override_reason: return "unknown_override_reason";
  }
  return "unreadable";
}

namespace resolve {

Rejection field_rejection(const Field& f, RejectionCode code) {
  switch (code) {
    case RejectionCode::out_of_range:
      return Rejection::at(code, f.id,
                           "must be between " + (f.min ? std::to_string(*f.min) : std::string("-inf")) + " and " +
                               (f.max ? std::to_string(*f.max) : std::string("inf")));
    case RejectionCode::bad_enum_value: return Rejection::at(code, f.id, "not one of the values the document allows for " + f.id);
    default: break;
  }
  const char* type_word = "?";
  switch (f.type) {
    case FieldType::boolean: type_word = "true or false"; break;
    case FieldType::integer: type_word = "a whole number"; break;
    case FieldType::string: type_word = "text"; break;
    case FieldType::enumeration: type_word = "one of its values"; break;
  }
  return Rejection::at(RejectionCode::wrong_type, f.id, std::string("must be ") + type_word);
}

}  // namespace resolve

namespace words {
namespace {

// An id the contact gave that the document does not have, as a message may repeat it: only when it
// looks like an id (a typo of the document's vocabulary, which the "did you mean" needs).
std::string shown_id(const std::string& s) {
  bool id_like = !s.empty() && s.size() <= 64 &&
                 std::all_of(s.begin(), s.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; });
  return id_like ? "'" + s + "'" : std::string("(not shown: not an id)");
}

// A field's name as a message shows it: in full when it could be a name (ids are at most 64
// characters), else its start, so that a megabyte of key makes no megabyte of error.
std::string shown_name(std::string_view s) { return s.size() <= 64 ? std::string(s) : std::string(s.substr(0, 64)) + "..."; }

}  // namespace

Rejection given_twice(std::string_view name) {
  return Rejection::at(RejectionCode::duplicate_field, shown_name(name), "given more than once");
}
Rejection no_id() { return Rejection::at(RejectionCode::missing_field, "id", "a contact needs an id"); }
Rejection no_received() { return Rejection::at(RejectionCode::missing_field, "received", "a contact needs the time it was received"); }
Rejection bad_received() {
  return Rejection::at(RejectionCode::bad_timestamp, "received", "not an ISO 8601 timestamp with an offset (such as 2026-05-04T10:00:00Z)");
}
Rejection bad_history_received() {
  return Rejection::at(RejectionCode::bad_timestamp, "received", "not an ISO 8601 timestamp with an offset");
}
Rejection child_not_text() { return Rejection::at(RejectionCode::wrong_type, "child", "must be text"); }
Rejection bad_dob() { return Rejection::at(RejectionCode::bad_date, "dob", "not a date YYYY-MM-DD"); }
Rejection dob_after_received() {
  return Rejection::at(RejectionCode::dob_after_received, "dob",
                       "after the contact was received (for a pre-birth contact set unborn: true)");
}
Rejection unknown_field(std::string_view name, const std::vector<std::string_view>& suggestions) {
  return Rejection::at(RejectionCode::unknown_field, shown_name(name), "unknown field" + detail::did_you_mean(name, suggestions));
}
Rejection concern_twice(const std::string& concern) {
  return Rejection::at(RejectionCode::duplicate_concern, "concerns." + concern, "given more than once");
}
Rejection unknown_outcome(const std::string& outcome) {
  return Rejection::at(RejectionCode::unknown_outcome, "outcome", "unknown outcome " + shown_id(outcome));
}

Rejection bad_judgement(bool recorded_outcome, RejectionCode code) {
  std::string field(recorded_outcome ? kRecordedOutcome : kOverrideReason);
  if (code == RejectionCode::wrong_type)
    return Rejection::at(code, field, recorded_outcome ? "must be an outcome id (text)" : "must be a code of override_reasons (text)");
  return Rejection::at(code, field, recorded_outcome ? "not an outcome of this document" : "not one of the document's override_reasons");
}

Rejection unknown_history_level(const std::string& level) {
  return Rejection::at(RejectionCode::unknown_level, "level", "unknown level " + shown_id(level));
}

namespace {

std::string levels_of(const detail::Program& p, std::uint16_t concern) {
  std::string levels;
  for (auto& d : p.doc.concerns[concern].descriptors) levels += (levels.empty() ? "" : ", ") + p.doc.levels[d.level].id;
  return levels;
}

// A concern named without a level (`true`, an item of a list, a CSV item without `=`) is at its one
// level; with several, the contact must say which, and the message lists them (ids of the document,
// never the row's values).
std::optional<Rejection> one_level(const detail::Program& p, std::uint16_t concern, const ConcernEntry& e, std::uint16_t& level) {
  const auto& descriptors = p.doc.concerns[concern].descriptors;
  if (descriptors.size() == 1) {
    level = descriptors[0].level;
    return std::nullopt;
  }
  return Rejection::at(RejectionCode::level_not_given, "concerns." + e.concern,
                       "this concern has several levels, so the contact must say which: one of " + levels_of(p, concern));
}

}  // namespace

std::optional<Rejection> find_concern(const detail::Program& p, const ConcernEntry& e, std::uint16_t& concern, std::uint16_t& level) {
  auto ci = p.concern_by_name.find(e.concern);
  if (ci == p.concern_by_name.end()) {
    std::vector<std::string_view> ids(p.env.concerns.begin(), p.env.concerns.end());
    return Rejection::at(RejectionCode::unknown_concern, "concerns",
                         "unknown concern " + shown_id(e.concern) + detail::did_you_mean(e.concern, ids));
  }
  concern = ci->second;
  if (e.level.empty()) return one_level(p, concern, e, level);
  auto li = p.level_by_name.find(e.level);
  if (li == p.level_by_name.end()) {
    std::vector<std::string_view> ids(p.env.levels.begin(), p.env.levels.end());
    return Rejection::at(RejectionCode::unknown_level, "concerns." + e.concern,
                         "unknown level " + shown_id(e.level) + detail::did_you_mean(e.level, ids));
  }
  level = li->second;
  return std::nullopt;
}

Rejection no_descriptor(const detail::Program& p, std::uint16_t concern, const ConcernEntry& e) {
  return Rejection::at(RejectionCode::level_not_in_concern, "concerns." + e.concern,
                       "the document has no descriptor at level '" + e.level + "' (it has " + levels_of(p, concern) + ")");
}

Rejection too_long_history(std::size_t items) {
  return Rejection::at(RejectionCode::too_much_history, "history",
                       std::to_string(items) + " earlier contacts, over the limit of " + std::to_string(kMaxHistoryItems));
}

Rejection too_much_history() {
  return Rejection::at(RejectionCode::too_much_history, "child",
                       "more than " + std::to_string(kMaxHistoryItems) +
                           " earlier contacts of this child inside the history windows (the limit of history items per contact)");
}

Rejection not_a_single_value(std::string_view name) {
  return Rejection::at(RejectionCode::wrong_type, std::string(name), "must be a single value, not a list or object");
}
Rejection concerns_not_a_mapping() {
  return Rejection::at(RejectionCode::wrong_type, "concerns", "must map concern ids to levels (or true, false), or list concern ids");
}
Rejection history_not_json() { return Rejection::at(RejectionCode::unreadable, "history", "not valid JSON"); }
Rejection bad_concern_cell() {
  return Rejection::at(RejectionCode::wrong_type, "concerns", "expected 'concern=level' or 'concern' items separated by ';'");
}
Rejection history_not_a_list() { return Rejection::at(RejectionCode::wrong_type, "history", "must be a list of earlier contacts"); }

}  // namespace words
}  // namespace frontdoor

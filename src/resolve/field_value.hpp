// Where a value a row gives for one of the document's fields becomes the field's slot value, or a
// rejection: one function, written once over a "value source", for every front end. A value source
// is a record's Scalar (ScalarValue) or a batch cell (CellValue, a JSON Lines or frame cell); it
// answers as_bool / as_int / as_text through src/resolve/coerce.hpp, and as_instant / as_date
// through src/time/civil.hpp for the built-ins (builtins.hpp). RuleSet::resolve (a record) and the
// batch's fast path (a cell, with its caches) both call field_value, and word a failure with
// field_rejection, so that a value can never be read two ways. Internal (src/resolve/).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "frontdoor/columns.hpp"
#include "frontdoor/contact.hpp"
#include "frontdoor/document.hpp"
#include "resolve/coerce.hpp"
#include "time/civil.hpp"

namespace frontdoor::resolve {

// A record's value (a ContactRecord's field, a field's default).
struct ScalarValue {
  const Scalar& v;
  bool absent() const { return coerce::is_absent(v); }
  bool as_bool(std::int64_t& out) const { return coerce::bool_of(v, out); }
  bool as_int(std::int64_t& out) const { return coerce::int_of(v, out); }
  bool as_text(std::string& out) const { return coerce::text_of(v, out); }
  // A timestamp or a date is text in a record (a reader never makes an instant of its own).
  bool as_instant(std::int64_t& ms, detail::DateMemo& memo) const {
    const auto* s = std::get_if<std::string>(&v);
    auto t = s ? detail::parse_timestamp(*s, memo) : std::nullopt;
    return t && (ms = *t, true);
  }
  bool as_date(detail::CivilDate& out) const {
    const auto* s = std::get_if<std::string>(&v);
    auto d = s ? detail::parse_civil_date(*s) : std::nullopt;
    return d && (out = *d, true);
  }
};

// A batch cell. Only the tags a field can take are read here; an instant, a list or an object is
// not a field's value here (the record path words what the row meant by it).
struct CellValue {
  const columns::Cell& x;
  bool absent() const { return x.tag == columns::Tag::absent || x.tag == columns::Tag::unset; }
  bool as_bool(std::int64_t& out) const {
    switch (x.tag) {
      case columns::Tag::boolean: return out = x.i, true;
      case columns::Tag::integer: return (x.i == 0 || x.i == 1) && (out = x.i, true);
      case columns::Tag::real: return coerce::bool_of_real(x.d, out);
      case columns::Tag::text: return coerce::bool_of_text(x.view(), out);
      default: return false;
    }
  }
  bool as_int(std::int64_t& out) const {
    switch (x.tag) {
      case columns::Tag::integer: return out = x.i, true;
      case columns::Tag::real: return coerce::int_of_real(x.d, out);
      case columns::Tag::text: return coerce::int_of_text(x.view(), out);
      default: return false;
    }
  }
  bool as_text(std::string& out) const { return columns::cell_text(x, out); }
  // A zoned date-time is its instant; a wall-clock time without a zone is ambiguous, so no instant.
  bool as_instant(std::int64_t& ms, detail::DateMemo& memo) const {
    if (x.tag == columns::Tag::instant) return ms = x.i, true;
    if (x.tag != columns::Tag::text) return false;
    auto t = detail::parse_timestamp(x.view(), memo);
    return t && (ms = *t, true);
  }
  // A date-time without a zone (how a frame holds a date) is its calendar date.
  bool as_date(detail::CivilDate& out) const {
    if (x.tag == columns::Tag::local)
      return out = detail::civil_from_days(static_cast<std::int32_t>(detail::floor_div(x.i, detail::kMsPerDay))), true;
    if (x.tag != columns::Tag::text) return false;
    auto d = detail::parse_civil_date(x.view());
    return d && (out = *d, true);
  }
};

// A present value of field `f` as its slot holds it: a bool or a whole number as itself, an enum
// value as its index. A string field's text goes to `text` (the caller keeps it and stores its
// index). RejectionCode::none when the field takes the value.
template <class Value>
RejectionCode field_value(const Field& f, const Value& v, std::int64_t& out, std::string& text) {
  switch (f.type) {
    case FieldType::boolean: return v.as_bool(out) ? RejectionCode::none : RejectionCode::wrong_type;
    case FieldType::integer:
      if (!v.as_int(out)) return RejectionCode::wrong_type;
      if ((f.min && out < *f.min) || (f.max && out > *f.max)) return RejectionCode::out_of_range;
      return RejectionCode::none;
    case FieldType::string: return v.as_text(text) ? RejectionCode::none : RejectionCode::wrong_type;
    case FieldType::enumeration: {
      if (!v.as_text(text)) return RejectionCode::wrong_type;
      auto it = std::find(f.values.begin(), f.values.end(), text);
      if (it == f.values.end()) return RejectionCode::bad_enum_value;
      out = it - f.values.begin();
      return RejectionCode::none;
    }
  }
  return RejectionCode::wrong_type;
}

// The words for field_value's answer: they name the field but never repeat its value, which may be
// personal data.
Rejection field_rejection(const Field& f, RejectionCode code);

}  // namespace frontdoor::resolve

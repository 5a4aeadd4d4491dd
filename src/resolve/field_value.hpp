// Where a value a row gives for one of the document's fields becomes the field's slot value, or a
// rejection: one function, written once over a "value source", for every front end. A value source
// is a record's Scalar (ScalarValue) or a batch cell (CellValue, a JSON Lines or frame cell); it
// answers as_bool / as_int / as_text through src/resolve/coerce.hpp. RuleSet::resolve (a record)
// and the batch's fast path (a cell, with its caches) both call field_value, and word a failure
// with field_rejection, so that a value can never be read two ways. Internal (src/resolve/).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include "frontdoor/columns.hpp"
#include "frontdoor/contact.hpp"
#include "frontdoor/document.hpp"
#include "resolve/coerce.hpp"

namespace frontdoor::resolve {

// A record's value (a ContactRecord's field, a field's default).
struct ScalarValue {
  const Scalar& v;
  bool absent() const { return coerce::is_absent(v); }
  bool as_bool(std::int64_t& out) const { return coerce::bool_of(v, out); }
  bool as_int(std::int64_t& out) const { return coerce::int_of(v, out); }
  bool as_text(std::string& out) const { return coerce::text_of(v, out); }
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

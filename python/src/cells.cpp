// Python values and frame columns -> cells (cells.hpp).
#include "cells.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace frontdoor::python {

using columns::Cell;
using columns::Column;
using columns::Kind;
using columns::Tag;

namespace {

constexpr std::string_view kNotConcerns = "must map concern ids to levels (or true, false), or list concern ids";

// A concern id with no level (a dict's True, an item of a list): the engine finds its one level.
bool concern_id(PyObject* id, Column& col) {
  if (!PyUnicode_Check(id)) return false;
  Py_ssize_t len = 0;
  const char* s = PyUnicode_AsUTF8AndSize(id, &len);
  if (!s) {
    PyErr_Clear();
    return false;
  }
  col.entries.emplace_back(std::string_view(s, static_cast<std::size_t>(len)), std::string_view());
  return true;
}

}  // namespace

Cell cell_from(PyObject* o, Column& col, bool history, const Converter& cv, int depth) {
  if (o == Py_None) return Cell::absent();
  if (PyUnicode_Check(o)) {
    Py_ssize_t len = 0;
    const char* s = PyUnicode_AsUTF8AndSize(o, &len);
    if (!s) {
      PyErr_Clear();
      col.problems.emplace_back();
      Cell c;
      c.tag = Tag::bad;
      c.len = static_cast<std::uint32_t>(col.problems.size() - 1);
      return c;
    }
    return Cell::text(std::string_view(s, static_cast<std::size_t>(len)));
  }
  if (PyBool_Check(o)) return Cell::boolean(o == Py_True);
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (!overflow && !(v == -1 && PyErr_Occurred())) return Cell::integer(v);
    PyErr_Clear();
    // Beyond 64 bits: a number no int field can hold, so the engine rejects it as out of range.
    double d = PyLong_AsDouble(o);
    if (d == -1.0 && PyErr_Occurred()) {
      PyErr_Clear();
      d = overflow < 0 ? -HUGE_VAL : HUGE_VAL;
    }
    return Cell::real(d);
  }
  if (PyFloat_Check(o)) {
    double d = PyFloat_AS_DOUBLE(o);
    return std::isnan(d) ? Cell::absent() : Cell::real(d);
  }
  // A cell the engine rejects; an empty problem leaves the engine's own words for the column.
  auto bad = [&](Rejection problem) {
    col.problems.push_back(std::move(problem));
    Cell c;
    c.tag = Tag::bad;
    c.len = static_cast<std::uint32_t>(col.problems.size() - 1);
    return c;
  };
  if (PyDict_Check(o) && !history) {
    PyObject *k, *v;
    Py_ssize_t pos = 0;
    std::size_t start = col.entries.size();
    while (PyDict_Next(o, &pos, &k, &v)) {
      if (PyUnicode_Check(k) && PyBool_Check(v)) {  // True: at its one level (the engine finds it); False: not there
        if (v == Py_True && !concern_id(k, col)) {
          col.entries.resize(start);
          return bad(Rejection::at(RejectionCode::wrong_type, "concerns", kNotConcerns));
        }
        continue;
      }
      if (!PyUnicode_Check(k) || !PyUnicode_Check(v)) {
        col.entries.resize(start);
        return bad(Rejection::at(RejectionCode::wrong_type, "concerns", kNotConcerns));
      }
      Py_ssize_t kl = 0, vl = 0;
      const char* ks = PyUnicode_AsUTF8AndSize(k, &kl);
      const char* vs = ks ? PyUnicode_AsUTF8AndSize(v, &vl) : nullptr;
      if (!ks || !vs) {
        PyErr_Clear();
        col.entries.resize(start);
        return bad(Rejection::at(RejectionCode::wrong_type, "concerns", kNotConcerns));
      }
      col.entries.emplace_back(std::string_view(ks, static_cast<std::size_t>(kl)), std::string_view(vs, static_cast<std::size_t>(vl)));
    }
    Cell c;
    c.tag = Tag::entries;
    c.i = static_cast<std::int64_t>(start);
    c.len = static_cast<std::uint32_t>(col.entries.size() - start);
    return c;
  }
  if (PyList_Check(o) && !history && col.name == "concerns") {  // a list of concern ids, each at its one level
    std::size_t start = col.entries.size();
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(o); ++i)
      if (!concern_id(PyList_GET_ITEM(o, i), col)) {
        col.entries.resize(start);
        return bad(Rejection::at(RejectionCode::wrong_type, "concerns", kNotConcerns));
      }
    Cell c;
    c.tag = Tag::entries;
    c.i = static_cast<std::int64_t>(start);
    c.len = static_cast<std::uint32_t>(col.entries.size() - start);
    return c;
  }
  const Rejection not_a_list =
      history ? Rejection::at(RejectionCode::wrong_type, "history", "must be a list of earlier contacts") : Rejection{};
  if (depth > 0) return bad(not_a_list);
  py::object r = cv.normalize(py::handle(o), history);
  if (r.is(cv.bad)) return bad(not_a_list);
  if (py::isinstance<py::tuple>(r)) {
    auto t = r.cast<py::tuple>();
    if (t.size() == 3) return Cell::instant(t[1].cast<std::int64_t>(), t[2].cast<bool>());
    return bad(Rejection{});
  }
  cv.keep->push_back(r);
  return cell_from(r.ptr(), col, history, cv, depth + 1);
}

namespace {

void fill_cells(Column& col, py::array objects, bool history, const Converter& cv) {
  if (objects.dtype().kind() != 'O' || objects.ndim() != 1)
    throw std::invalid_argument("column '" + col.name + "': expected a 1-d object array");
  py::array contiguous = py::array::ensure(objects, py::array::c_style);
  cv.keep->push_back(contiguous);
  auto* const* data = static_cast<PyObject* const*>(contiguous.data());
  std::size_t n = static_cast<std::size_t>(contiguous.size());
  col.kind = Kind::cells;
  col.cells.resize(n);
  bool all_text = true;
  for (std::size_t i = 0; i < n; ++i) {
    col.cells[i] = cell_from(data[i], col, history, cv);
    all_text = all_text && (col.cells[i].tag == Tag::text || col.cells[i].tag == Tag::absent);
  }
  col.all_text = all_text;
}

template <class T>
const T* numpy_data(py::handle a, std::size_t n, const std::string& name, std::vector<py::object>& keep) {
  auto arr = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(a);
  if (!arr || static_cast<std::size_t>(arr.size()) != n)
    throw std::invalid_argument("column '" + name + "': array of the wrong kind or length");
  keep.push_back(arr);
  return arr.data();
}

const std::uint8_t* mask_data(py::handle m, std::size_t n, const std::string& name, std::vector<py::object>& keep) {
  if (m.is_none()) return nullptr;
  return numpy_data<std::uint8_t>(py::array(py::module_::import("numpy").attr("asarray")(m, "uint8")), n, name, keep);
}

std::int64_t ticks_per_ms(const std::string& unit, std::int64_t& ms_per_tick) {
  ms_per_tick = 1;
  if (unit == "ns") return 1000000;
  if (unit == "us") return 1000;
  if (unit == "ms") return 1;
  if (unit == "s") return ms_per_tick = 1000, 1;
  throw std::invalid_argument("unsupported datetime unit '" + unit + "'");
}

template <class T>
const T* address(py::handle h) {
  auto v = h.cast<std::uintptr_t>();
  return reinterpret_cast<const T*>(v);
}

}  // namespace

std::unique_ptr<Column> make_column(py::tuple spec, const Converter& cv) {
  auto col = std::make_unique<Column>();
  std::string kind = spec[0].cast<std::string>();
  col->name = spec[1].cast<std::string>();
  col->length = spec[2].cast<std::size_t>();
  std::size_t n = col->length;
  auto& keep = *cv.keep;
  if (kind == "null") {
    col->kind = Kind::null;
  } else if (kind == "object") {
    fill_cells(*col, spec[3].cast<py::array>(), spec[4].cast<bool>(), cv);
    if (col->cells.size() != n) throw std::invalid_argument("column '" + col->name + "': wrong length");
  } else if (kind == "bool") {
    col->kind = Kind::boolean;
    col->values = numpy_data<std::uint8_t>(spec[3], n, col->name, keep);
    col->mask = mask_data(spec[4], n, col->name, keep);
  } else if (kind == "int64") {
    col->kind = Kind::int64;
    col->values = numpy_data<std::int64_t>(spec[3], n, col->name, keep);
    col->mask = mask_data(spec[4], n, col->name, keep);
  } else if (kind == "float64") {
    col->kind = Kind::float64;
    col->values = numpy_data<double>(spec[3], n, col->name, keep);
    col->mask = mask_data(spec[4], n, col->name, keep);
  } else if (kind == "datetime") {
    col->kind = Kind::datetime;
    col->values = numpy_data<std::int64_t>(spec[3], n, col->name, keep);
    col->mask = mask_data(spec[4], n, col->name, keep);
    col->per_ms = ticks_per_ms(spec[5].cast<std::string>(), col->ms_per_tick);
    col->zoned = spec[6].cast<bool>();
  } else if (kind == "arrow_string") {
    // (kind, name, length, offset, validity, offsets, data, large, owner)
    col->kind = Kind::arrow_string;
    col->offset = spec[3].cast<std::int64_t>();
    col->validity = address<std::uint8_t>(spec[4]);
    col->offsets = address<void>(spec[5]);
    col->data = address<char>(spec[6]);
    col->large = spec[7].cast<bool>();
    col->all_text = true;
    keep.push_back(spec[8]);
  } else if (kind == "arrow_bool" || kind == "arrow_int64" || kind == "arrow_float64" || kind == "arrow_datetime") {
    // (kind, name, length, offset, validity, values, owner[, unit, zoned])
    col->kind = kind == "arrow_bool"      ? Kind::boolean_bits
                : kind == "arrow_int64"   ? Kind::int64
                : kind == "arrow_float64" ? Kind::float64
                                          : Kind::datetime;
    col->offset = spec[3].cast<std::int64_t>();
    col->validity = address<std::uint8_t>(spec[4]);
    col->values = address<void>(spec[5]);
    keep.push_back(spec[6]);
    if (kind == "arrow_datetime") {
      col->per_ms = ticks_per_ms(spec[7].cast<std::string>(), col->ms_per_tick);
      col->zoned = spec[8].cast<bool>();
    }
  } else if (kind == "dictionary") {
    // (kind, name, length, codes (int32), dictionary spec)
    col->kind = Kind::dictionary;
    col->values = numpy_data<std::int32_t>(spec[3], n, col->name, keep);
    col->dictionary = make_column(spec[4].cast<py::tuple>(), cv);
    col->all_text = col->dictionary->all_text;
    auto* codes = static_cast<const std::int32_t*>(col->values);
    for (std::size_t i = 0; i < n; ++i)
      if (codes[i] >= static_cast<std::int64_t>(col->dictionary->length))
        throw std::invalid_argument("column '" + col->name + "': a code is out of range");
  } else if (kind == "chunked") {
    // (kind, name, length, [chunk specs]): an Arrow ChunkedArray read in place
    col->kind = Kind::chunked;
    std::size_t start = 0;
    bool all_text = true;
    for (auto chunk : spec[3].cast<py::list>()) {
      col->starts.push_back(start);
      col->chunks.push_back(make_column(chunk.cast<py::tuple>(), cv));
      start += col->chunks.back()->length;
      all_text = all_text && col->chunks.back()->all_text;
    }
    if (start != n || col->chunks.empty()) throw std::invalid_argument("column '" + col->name + "': chunks do not add up to its length");
    col->all_text = all_text;
  } else {
    throw std::invalid_argument("column '" + col->name + "': unknown column kind '" + kind + "'");
  }
  return col;
}

}  // namespace frontdoor::python

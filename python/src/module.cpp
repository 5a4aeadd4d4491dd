// frontdoor._frontdoor: the thin pybind11 layer under the Python package (python/frontdoor/).
// It turns Python values and frame columns into cells (cells.hpp) while it holds the GIL, lets the
// library decide without it (batch.cpp), and hands back NumPy arrays and plain Python values; the
// package builds Decision objects, data frames and reports from those.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "frontdoor/columns.hpp"
#include "frontdoor/figures.hpp"
#include "frontdoor/frontdoor.hpp"
#if defined(FRONTDOOR_HAVE_ANALYSIS)
#include "frontdoor/analysis.hpp"
#endif

namespace py = pybind11;
using namespace pybind11::literals;
using namespace frontdoor;
using frontdoor::columns::Cell;
using frontdoor::columns::Column;
using frontdoor::columns::Kind;
using frontdoor::columns::Tag;

namespace {

struct Handle {
  std::shared_ptr<const RuleSet> rules;
  // decide_columns's large scratch buffers, kept from one call to the next (a notebook decides
  // frame after frame); freed with the handle.
  std::shared_ptr<frontdoor::columns::PagePool> pages = std::make_shared<frontdoor::columns::PagePool>();
};

// --- Python values -> cells -------------------------------------------------------------------------

// Turns values the fast checks below do not know (NumPy scalars, NA, datetimes, lists, ...) into ones
// they do; written in Python (frontdoor/_convert.py) so that it can ask pandas and NumPy.
struct Converter {
  py::object normalize;  // normalize(value, history: bool) -> a plain value, ("t", ms, zoned), or bad
  py::object bad;        // the marker for a value no field takes
  std::vector<py::object>* keep;  // objects whose text the cells point into
};

Cell cell_from(PyObject* o, Column& col, bool history, const Converter& cv, int depth = 0) {
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
      if (!PyUnicode_Check(k) || !PyUnicode_Check(v)) {
        col.entries.resize(start);
        return bad(Rejection::at(RejectionCode::wrong_type, "concerns", "must map concern ids to levels"));
      }
      Py_ssize_t kl = 0, vl = 0;
      const char* ks = PyUnicode_AsUTF8AndSize(k, &kl);
      const char* vs = ks ? PyUnicode_AsUTF8AndSize(v, &vl) : nullptr;
      if (!ks || !vs) {
        PyErr_Clear();
        col.entries.resize(start);
        return bad(Rejection::at(RejectionCode::wrong_type, "concerns", "must map concern ids to levels"));
      }
      col.entries.emplace_back(std::string_view(ks, static_cast<std::size_t>(kl)), std::string_view(vs, static_cast<std::size_t>(vl)));
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

void fill_cells(Column& col, py::array objects, bool history, const Converter& cv) {
  if (objects.dtype().kind() != 'O' || objects.ndim() != 1) throw std::invalid_argument("column '" + col.name + "': expected a 1-d object array");
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
  if (!arr || static_cast<std::size_t>(arr.size()) != n) throw std::invalid_argument("column '" + name + "': array of the wrong kind or length");
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

// A column from the spec the package's _columns.py makes: (kind, name, length, ...).
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
    col->kind = kind == "arrow_bool" ? Kind::boolean_bits : kind == "arrow_int64" ? Kind::int64 : kind == "arrow_float64" ? Kind::float64 : Kind::datetime;
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
      if (codes[i] >= static_cast<std::int64_t>(col->dictionary->length)) throw std::invalid_argument("column '" + col->name + "': a code is out of range");
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

template <class T>
py::array_t<T> to_numpy(std::vector<T>&& v) {
  auto* p = new std::vector<T>(std::move(v));
  py::capsule owner(p, [](void* x) { delete static_cast<std::vector<T>*>(x); });
  return py::array_t<T>({static_cast<py::ssize_t>(p->size())}, {static_cast<py::ssize_t>(sizeof(T))}, p->data(), owner);
}

// A decision frame's object columns, made in one pass over the rows: out[k][i] = tables[k][code[i]],
// None where code[i] < 0. The pass stores pointers only; each table entry's reference count is then
// raised once by the number of rows that took it (NumPy's fancy indexing would copy the codes into
// an index array and count a reference per row, once per column).
std::vector<py::array> object_columns(const std::vector<std::int32_t>& code, const std::vector<std::vector<py::object>>& tables) {
  const std::size_t n = code.size(), entries = tables.empty() ? 0 : tables[0].size();
  std::vector<py::array> out;
  std::vector<PyObject**> data;
  std::vector<std::vector<PyObject*>> lookup;  // [k][code + 1]: None first, for code -1
  for (const auto& table : tables) {
    out.emplace_back(py::dtype("O"), std::vector<py::ssize_t>{static_cast<py::ssize_t>(n)});
    data.push_back(static_cast<PyObject**>(out.back().mutable_data()));
    lookup.emplace_back(1, Py_None);
    for (const auto& o : table) lookup.back().push_back(o.ptr());
    // NumPy fills a new object array with NULL or with None (counted): let go of what it holds.
    for (std::size_t i = 0; i < n; ++i) Py_XDECREF(data.back()[i]);
  }
  std::vector<Py_ssize_t> uses(entries + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    auto c = static_cast<std::size_t>(code[i] + 1);
    ++uses[c];
    for (std::size_t k = 0; k < tables.size(); ++k) data[k][i] = lookup[k][c];
  }
  for (std::size_t k = 0; k < tables.size(); ++k)
    for (std::size_t c = 0; c <= entries; ++c) Py_SET_REFCNT(lookup[k][c], Py_REFCNT(lookup[k][c]) + uses[c]);
  return out;
}

// --- decisions into Python values ---------------------------------------------------------------------

std::string line_of(const RuleSet& rs, const std::string& at) {
  auto last = at.rfind(':');
  if (last == std::string::npos || last == 0) return {};
  auto prev = at.rfind(':', last - 1);
  if (prev == std::string::npos) return {};
  try {
    auto line = static_cast<std::uint32_t>(std::stoul(at.substr(prev + 1, last - prev - 1)));
    std::string_view l = rs.source().line_text(line);
    auto b = l.find_first_not_of(' ');
    return std::string(b == std::string_view::npos ? l : l.substr(b));
  } catch (...) {
    return {};
  }
}

py::tuple reason_tuples(const RuleSet& rs, const Decision& d) {
  auto reasons = rs.view(d).reasons();
  py::tuple out(reasons.size());
  for (std::size_t i = 0; i < reasons.size(); ++i) {
    auto& r = reasons[i];
    out[i] = py::make_tuple(r.kind, r.id, r.text, r.at, line_of(rs, r.at));
  }
  return out;
}

template <class V>
py::tuple str_tuple(const V& items) {
  py::tuple t(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) t[i] = py::str(std::string(items[i]));
  return t;
}

ContactRecord record_from_python(const std::vector<std::string>& names, py::list values, const Converter& cv,
                                 std::vector<std::unique_ptr<Column>>& cols) {
  std::vector<const Column*> view;
  for (std::size_t k = 0; k < names.size(); ++k) {
    auto col = std::make_unique<Column>();
    col->name = names[k];
    col->kind = Kind::cells;
    col->length = 1;
    col->cells.push_back(cell_from(values[k].ptr(), *col, names[k] == "history", cv));
    view.push_back(col.get());
    cols.push_back(std::move(col));
  }
  ContactRecord r;
  frontdoor::columns::record_from_cells(view, 0, r);
  return r;
}

// The decision's JSON, its reasons, and why it was rejected, typed: (code, field), or None.
py::tuple decision_result(const RuleSet& rs, const Decision& d) {
  py::object rejection = d.ok() ? py::object(py::none()) : py::object(py::make_tuple(std::string(to_string(d.error_code)), d.error_field));
  return py::make_tuple(rs.view(d).to_json(), reason_tuples(rs, d), rejection);
}

struct DecideInput {
  ContactRecord record;
  std::vector<HistoryRecord> history;
};

DecideInput decide_input(const RuleSet&, const std::vector<std::string>& names, py::list values, py::object history_json,
                         py::object normalize, py::object bad) {
  std::vector<py::object> keep;
  Converter cv{normalize, bad, &keep};
  std::vector<std::unique_ptr<Column>> cols;
  DecideInput in;
  in.record = record_from_python(names, values, cv, cols);  // copies every string it keeps
  if (!history_json.is_none() && !in.record.history) {
    std::string problem;
    if (!frontdoor::parse_history(history_json.cast<std::string>(), in.history, problem) && in.record.problem.empty())
      in.record.problem = problem;
  }
  return in;
}

// --- diagnostics ------------------------------------------------------------------------------------------

py::dict diagnostic_dict(const Diagnostic& d, const std::vector<std::string>& contacts = {}) {
  py::dict out;
  out["path"] = d.path;
  out["line"] = d.at.line;
  out["col"] = d.at.column;
  out["severity"] = std::string(to_string(d.severity));
  out["code"] = d.code;
  out["message"] = d.message;
  out["contacts"] = contacts;
  out["text"] = d.path.empty() ? d.message : format(d);
  return out;
}

py::tuple compiled(Result<Compilation> c) {
  if (!c) return py::make_tuple(py::none(), py::list(), c.error().message);
  py::list diags;
  for (auto& d : c->diagnostics) {
    py::dict x = diagnostic_dict(d);
    x["text"] = format(d, c->source.get());
    diags.append(x);
  }
  py::object handle = c->rule_set ? py::cast(Handle{c->rule_set}) : py::object(py::none());
  return py::make_tuple(handle, diags, py::none());
}

// --- figures --------------------------------------------------------------------------------------------

template <class T>
std::vector<T> vector_of(py::handle h) {
  if (h.is_none()) return {};
  auto arr = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(h);
  if (!arr) throw std::invalid_argument("expected an array");
  return std::vector<T>(arr.data(), arr.data() + arr.size());
}

FigureInput figure_input_from(py::dict d) {
  FigureInput in;
  for (auto item : d["outcomes"].cast<py::list>()) {
    auto t = item.cast<py::tuple>();
    auto cat = category_from_string(t[1].cast<std::string>());
    in.outcomes.push_back({t[0].cast<std::string>(), cat.value_or(Category::other), t[2].cast<bool>()});
  }
  in.sources = d["sources"].cast<std::vector<std::string>>();
  in.flags = d["flags"].cast<std::vector<std::string>>();
  in.flag_sets = d["flag_sets"].cast<std::vector<std::vector<std::uint32_t>>>();
  in.outcome = vector_of<std::int32_t>(d["outcome"]);
  in.child = vector_of<std::int64_t>(d["child"]);
  in.source = vector_of<std::int32_t>(d["source"]);
  in.received = vector_of<std::int64_t>(d["received"]);
  in.month = vector_of<std::int32_t>(d["month"]);
  in.deadline = vector_of<std::int64_t>(d["deadline"]);
  in.decided = vector_of<std::int64_t>(d["decided"]);
  in.flag_set = vector_of<std::int32_t>(d["flag_set"]);
  return in;
}

DiffSide diff_side_from(py::dict d) {
  DiffSide s;
  s.outcome = vector_of<std::int32_t>(d["outcome"]);
  s.level = vector_of<std::int32_t>(d["level"]);
  s.routing = vector_of<std::int32_t>(d["routing"]);
  s.rule_set = vector_of<std::int32_t>(d["combo"]);
  for (auto item : d["combo_rules"].cast<py::list>()) s.rule_sets.push_back(item.cast<std::vector<Index>>());
  for (auto r : s.rule_set)
    if (r >= static_cast<std::int32_t>(s.rule_sets.size())) throw std::invalid_argument("diff: a rule-set code is out of range");
  return s;
}

std::function<std::string(std::size_t)> id_lookup(py::object ids) {
  if (ids.is_none()) return [](std::size_t i) { return "(row " + std::to_string(i + 1) + ")"; };
  auto v = std::make_shared<std::vector<std::string>>(ids.cast<std::vector<std::string>>());
  return [v](std::size_t i) { return i < v->size() && !(*v)[i].empty() ? (*v)[i] : "(row " + std::to_string(i + 1) + ")"; };
}

}  // namespace

PYBIND11_MODULE(_frontdoor, m) {
  m.doc() = "frontdoor's C++ engine (use the `frontdoor` package, not this module)";
  m.attr("__version__") = kVersion;
#if defined(FRONTDOOR_HAVE_ANALYSIS)
  m.attr("HAVE_ANALYSIS") = true;
#else
  m.attr("HAVE_ANALYSIS") = false;
#endif

  py::class_<Handle>(m, "RuleSet")
      .def_property_readonly("id", [](const Handle& h) { return h.rules->document().id; })
      .def_property_readonly("title", [](const Handle& h) { return h.rules->document().title; })
      .def_property_readonly("version", [](const Handle& h) { return h.rules->document().version; })
      .def_property_readonly("effective_from", [](const Handle& h) { return h.rules->document().effective_from; })
      .def_property_readonly("sha256", [](const Handle& h) { return h.rules->sha256(); })
      .def_property_readonly("path", [](const Handle& h) { return h.rules->source().path(); })
      .def_property_readonly("timezone", [](const Handle& h) { return h.rules->document().calendar.timezone; })
      .def("source_line", [](const Handle& h, std::uint32_t line) { return std::string(h.rules->source().line_text(line)); })
      .def("info", [](const Handle& h) {
        const ThresholdDocument& doc = h.rules->document();
        const SourceText& src = h.rules->source();
        auto at = [&](SourceOffset o) { return o == kNoOffset ? std::string() : src.where(o); };
        py::dict out;
        py::list levels, outcomes, fields, concerns, rules, routing, counters;
        for (auto& l : doc.levels) levels.append(py::dict("id"_a = l.id, "name"_a = l.name, "route"_a = doc.outcomes[l.route].id, "at"_a = at(l.at)));
        auto action_ids = [&](const std::vector<Index>& v) {
          std::vector<std::string> ids;
          for (auto a : v) ids.push_back(doc.actions[a].id);
          return ids;
        };
        for (auto& o : doc.outcomes)
          outcomes.append(py::dict("id"_a = o.id, "name"_a = o.name, "category"_a = std::string(to_string(o.category)),
                                   "referral"_a = o.referral, "actions"_a = action_ids(o.actions), "at"_a = at(o.at)));
        py::dict actions;
        for (auto& a : doc.actions) actions[py::str(a.id)] = a.text;
        static const char* types[] = {"bool", "int", "string", "enum"};
        for (auto& f : doc.fields) {
          py::object def = py::none();
          if (auto* b = std::get_if<bool>(&f.default_value)) def = py::bool_(*b);
          else if (auto* i = std::get_if<std::int64_t>(&f.default_value)) def = py::int_(*i);
          else if (auto* s = std::get_if<std::string>(&f.default_value)) def = py::str(*s);
          fields.append(py::dict("id"_a = f.id, "type"_a = types[static_cast<int>(f.type)], "values"_a = f.values, "default"_a = def,
                                 "min"_a = f.min ? py::object(py::int_(*f.min)) : py::object(py::none()),
                                 "max"_a = f.max ? py::object(py::int_(*f.max)) : py::object(py::none()), "text"_a = f.text,
                                 "built_in"_a = f.built_in));
        }
        for (auto& c : doc.concerns) {
          py::dict descriptors;
          for (auto& d : c.descriptors) descriptors[py::str(doc.levels[d.level].id)] = d.text;
          concerns.append(py::dict("id"_a = c.id, "domain"_a = doc.domains[c.domain], "levels"_a = descriptors, "at"_a = at(c.at)));
        }
        for (auto& r : doc.rules) {
          std::vector<std::string> flags;
          for (auto f : r.flags) flags.push_back(doc.flags[f]);
          rules.append(py::dict("id"_a = r.id, "when"_a = r.when.text,
                                "raise_to"_a = r.raise_to == kNoIndex ? py::object(py::none()) : py::object(py::str(doc.levels[r.raise_to].id)),
                                "actions"_a = action_ids(r.actions), "flags"_a = flags, "because"_a = r.because, "at"_a = at(r.at)));
        }
        for (auto& r : doc.routing)
          routing.append(py::dict("id"_a = r.id, "when"_a = r.when.text, "outcome"_a = doc.outcomes[r.outcome].id, "lowers"_a = r.lowers,
                                  "because"_a = r.because, "at"_a = at(r.at)));
        for (auto& k : doc.counters) counters.append(py::str(k.id));
        std::vector<std::string> always = action_ids(doc.always);
        out["levels"] = levels;
        out["outcomes"] = outcomes;
        out["actions"] = actions;
        out["always"] = always;
        out["fields"] = fields;
        out["concerns"] = concerns;
        out["domains"] = doc.domains;
        out["counters"] = counters;
        out["flags"] = doc.flags;
        out["rules"] = rules;
        out["routing"] = routing;
        out["tests"] = doc.tests.size();
        return out;
      })
      .def(
          "decide",
          [](const Handle& h, const std::vector<std::string>& names, py::list values, py::object history_json, py::object normalize,
             py::object bad) {
            DecideInput in = decide_input(*h.rules, names, values, history_json, normalize, bad);
            Decision d;
            {
              py::gil_scoped_release release;
              d = h.rules->decide(in.record, in.history);
            }
            return decision_result(*h.rules, d);
          },
          "names"_a, "values"_a, "history_json"_a, "normalize"_a, "bad"_a)
      .def(
          "explain",
          [](const Handle& h, const std::vector<std::string>& names, py::list values, py::object history_json, py::object normalize,
             py::object bad) {
            DecideInput in = decide_input(*h.rules, names, values, history_json, normalize, bad);
            Explanation ex = h.rules->explain(in.record, in.history);
            py::list steps;
            for (auto& s : ex.steps) {
              py::dict values_read;
              for (auto& [k, v] : s.values) values_read[py::str(k)] = v;
              steps.append(py::dict("kind"_a = s.kind, "id"_a = s.id, "result"_a = s.result, "when"_a = s.when, "at"_a = s.at,
                                    "level_before"_a = s.level_before, "values"_a = values_read));
            }
            return py::make_tuple(h.rules->view(ex.decision).to_json(), reason_tuples(*h.rules, ex.decision), steps);
          },
          "names"_a, "values"_a, "history_json"_a, "normalize"_a, "bad"_a)
      .def(
          "decide_columns",
          [](const Handle& h, py::list specs, std::size_t rows, unsigned threads, bool reasons, py::object progress, py::object normalize,
             py::object bad, bool objects) {
            std::vector<py::object> keep;
            Converter cv{normalize, bad, &keep};
            std::vector<std::unique_ptr<Column>> owned;
            std::vector<const Column*> columns;
            for (auto spec : specs) {
              owned.push_back(make_column(spec.cast<py::tuple>(), cv));
              columns.push_back(owned.back().get());
            }
            std::optional<std::size_t> id_col;
            for (std::size_t k = 0; k < columns.size(); ++k)
              if (columns[k]->name == "id") id_col = k;

            frontdoor::columns::BatchOptions options;
            options.threads = threads;
            options.reasons = reasons;
            options.pages = h.pages.get();
            std::atomic<std::size_t> done{0};
            std::atomic<bool> cancel{false};
            options.done = &done;
            options.cancel = &cancel;
            frontdoor::columns::BatchResult result;
            std::exception_ptr failure;
            bool interrupted = false;
            {
              // The batch runs on its own thread; this one wakes every 100 ms to show progress and
              // to notice Ctrl-C, taking the GIL only for that.
              py::gil_scoped_release release;
              std::mutex mu;
              std::condition_variable cv_done;
              bool finished = false;
              std::thread worker([&] {
                try {
                  result = frontdoor::columns::decide_columns(*h.rules, columns, rows, options);
                } catch (...) {
                  failure = std::current_exception();
                }
                std::lock_guard<std::mutex> lock(mu);
                finished = true;
                cv_done.notify_all();
              });
              std::unique_lock<std::mutex> lock(mu);
              while (!cv_done.wait_for(lock, std::chrono::milliseconds(100), [&] { return finished; })) {
                lock.unlock();
                {
                  py::gil_scoped_acquire gil;
                  if (PyErr_CheckSignals() != 0) {
                    interrupted = true;
                    cancel = true;
                  } else if (!progress.is_none()) {
                    try {
                      progress(done.load());
                    } catch (py::error_already_set&) {
                      interrupted = true;  // the callback raised: stop, and let its error through
                      cancel = true;
                    }
                  }
                }
                lock.lock();
                if (interrupted) {
                  cv_done.wait(lock, [&] { return finished; });
                  break;
                }
              }
              lock.unlock();
              worker.join();
            }
            if (interrupted) {
              if (!PyErr_Occurred()) PyErr_SetString(PyExc_KeyboardInterrupt, "interrupted");
              throw py::error_already_set();
            }
            if (failure) std::rethrow_exception(failure);
            if (!progress.is_none()) progress(done.load());

            const RuleSet& rs = *h.rules;
            py::dict out;
            py::list combos, combo_rules, reason_list;
            for (auto& d : result.combos) {
              auto v = rs.view(d);
              combos.append(py::make_tuple(str_tuple(v.actions()), str_tuple(v.flags()), str_tuple(v.rules())));
              combo_rules.append(d.rules);
            }
            for (auto& d : result.reasons) reason_list.append(reason_tuples(rs, d));
            std::vector<std::int64_t> error_rows;
            py::list error_messages;
            std::vector<std::uint8_t> error_kinds;  // RejectionCode, per rejected row
            py::list error_fields;
            for (auto& [row, contact, why] : result.errors) {
              error_rows.push_back(static_cast<std::int64_t>(row));
              error_messages.append(why.message);
              error_kinds.push_back(static_cast<std::uint8_t>(why.code));
              error_fields.append(why.field);
            }
            if (objects) {
              // The frame's actions, flags, rules and error columns, ready made (decide_many's pandas output).
              std::vector<std::vector<py::object>> tables(3);
              for (std::size_t k = 0; k < 3; ++k)
                for (auto combo : combos) tables[k].push_back(combo.cast<py::tuple>()[k]);
              std::vector<py::array> columns_out = object_columns(result.combo, tables);
              out["actions"] = columns_out[0];
              out["flags"] = columns_out[1];
              out["rules"] = columns_out[2];
              std::vector<std::int32_t> error_code(rows, -1);
              std::vector<py::object> messages;
              for (std::size_t e = 0; e < result.errors.size(); ++e) {
                error_code[result.errors[e].row] = static_cast<std::int32_t>(e);
                messages.push_back(error_messages[e]);
              }
              out["error"] = object_columns(error_code, {messages})[0];
            }
            // Contact ids as the engine reads them, when the id column is not plain text.
            if (id_col && !columns[*id_col]->all_text) {
              py::list ids;
              std::string text;
              for (std::size_t i = 0; i < rows; ++i) {
                Cell x = columns[*id_col]->get(i);
                ids.append(frontdoor::columns::cell_text(x, text) ? text : std::string());
              }
              out["contact"] = ids;
            } else {
              out["contact"] = py::none();
            }
            out["level"] = to_numpy(std::move(result.level));
            out["outcome"] = to_numpy(std::move(result.outcome));
            out["routing"] = to_numpy(std::move(result.routing));
            out["category"] = to_numpy(std::move(result.category));
            out["referral"] = to_numpy(std::move(result.referral));
            out["received"] = to_numpy(std::move(result.received));
            out["deadline"] = to_numpy(std::move(result.deadline));
            out["decided"] = result.decided.empty() ? py::object(py::none()) : py::object(to_numpy(std::move(result.decided)));
            out["combo"] = to_numpy(std::move(result.combo));
            out["combos"] = combos;
            out["combo_rules"] = combo_rules;
            out["reason"] = result.reason.empty() ? py::object(py::none()) : py::object(to_numpy(std::move(result.reason)));
            out["reasons"] = reason_list;
            out["error_rows"] = to_numpy(std::move(error_rows));
            out["error_messages"] = error_messages;
            out["error_codes"] = to_numpy(std::move(error_kinds));
            out["error_fields"] = error_fields;
            out["engine_rows"] = result.engine_rows;
            return out;
          },
          "columns"_a, "rows"_a, "threads"_a, "reasons"_a, "progress"_a, "normalize"_a, "bad"_a, "objects"_a = false);

  m.def("compile_file", [](const std::string& path) { return compiled(compile_file(path)); });
  m.def("compile_text", [](const std::string& text, const std::string& path) { return compiled(Result<Compilation>(compile(text, path))); });

  // `frontdoor check` for one document: load, type-check, worked examples and (where the library was
  // built with its analysis) the proofs of SPEC section 5. Returns (findings, error).
  m.def(
      "check_file",
      [](const std::string& path, std::optional<unsigned> timeout_ms) -> py::tuple {
        py::list out;
        Result<Compilation> c = Error{""};
        {
          py::gil_scoped_release release;
          c = compile_file(path);
        }
        if (!c) return py::make_tuple(out, py::str(c.error().message));
        auto add = [&](const Diagnostic& d, const std::vector<std::string>& contacts) {
          py::dict x = diagnostic_dict(d, contacts);
          x["text"] = format(d, c->source.get());
          out.append(x);
        };
        for (auto& d : c->diagnostics) add(d, {});
        if (c->ok()) {
          std::vector<Diagnostic> failures;
          {
            py::gil_scoped_release release;
            failures = run_worked_examples(*c->rule_set);
          }
          for (auto& d : failures) add(d, {});
#if defined(FRONTDOOR_HAVE_ANALYSIS)
          AnalysisOptions ao;  // the library's defaults, as `frontdoor check` uses them
          if (timeout_ms) ao.timeout_ms = *timeout_ms;
          AnalysisReport report;
          {
            py::gil_scoped_release release;
            report = analyse(*c->rule_set, ao);
          }
          for (auto& f : report.findings) add(f.diagnostic, f.contacts);
#else
          (void)timeout_ms;
#endif
        }
        return py::make_tuple(out, py::none());
      },
      "path"_a, "timeout_ms"_a = py::none());

  m.def(
      "figures",
      [](py::dict input, const std::string& repeat_flag, std::int64_t re_referral_months) {
        FigureInput in = figure_input_from(input);
        FigureOptions o;
        o.repeat_flag = repeat_flag;
        o.re_referral_months = re_referral_months;
        Figures f;
        {
          py::gil_scoped_release release;
          f = compute_figures(in, o);
        }
        return py::make_tuple(to_json(f), to_text(f));
      },
      "input"_a, "repeat_flag"_a = "repeat_contact", "re_referral_months"_a = 12);

  m.def(
      "audit",
      [](const Handle& h, py::dict input, py::handle recorded, const std::vector<std::string>& values, py::object ids, std::size_t examples) {
        FigureInput in = figure_input_from(input);
        std::vector<std::int32_t> codes = vector_of<std::int32_t>(recorded);
        Audit a = compute_audit(h.rules->document(), in, codes, values);
        auto name = id_lookup(ids);
        std::vector<std::int64_t> rows(a.disagreeing.begin(), a.disagreeing.end());
        return py::make_tuple(to_json(a, name, examples), to_text(a, name, examples), to_numpy(std::move(rows)));
      },
      "rules"_a, "input"_a, "recorded"_a, "values"_a, "ids"_a, "examples"_a = 20);

  m.def(
      "diff",
      [](const Handle& a, py::dict side_a, const Handle& b, py::dict side_b, py::object ids, std::size_t examples, std::size_t causes) {
        DiffSide sa = diff_side_from(side_a), sb = diff_side_from(side_b);
        auto ra = a.rules, rb = b.rules;
        for (std::size_t i = 0; i < sa.outcome.size(); ++i) {
          if (sa.outcome[i] >= static_cast<std::int32_t>(ra->document().outcomes.size()) ||
              (i < sb.outcome.size() && sb.outcome[i] >= static_cast<std::int32_t>(rb->document().outcomes.size())))
            throw std::invalid_argument("diff: an outcome code is out of range");
        }
        DiffOptions o;
        o.examples = examples;
        o.causes = causes;
        Diff d = compute_diff(*ra, sa, *rb, sb, id_lookup(ids), o);
        return py::make_tuple(to_json(d), to_text(d));
      },
      "a"_a, "side_a"_a, "b"_a, "side_b"_a, "ids"_a, "examples"_a = 5, "causes"_a = 5);

  m.def("iso_timestamp", &frontdoor::columns::iso_timestamp, "ms"_a, "zoned"_a = true);
}

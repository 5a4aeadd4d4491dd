// frontdoor._frontdoor: the thin pybind11 layer under the Python package (python/frontdoor/).
// It turns Python values and frame columns into cells (cells.hpp) while it holds the GIL, lets the
// library decide without it, and hands back NumPy arrays and plain Python values; the package
// builds Decision objects, data frames and reports from those. Documents, explanations and findings
// come as the report layer's JSON (frontdoor/report.hpp), and check is the library's one check.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "cells.hpp"
#include "frontdoor/check.hpp"
#include "frontdoor/columns.hpp"
#include "frontdoor/figures.hpp"
#include "frontdoor/frontdoor.hpp"
#include "frontdoor/report.hpp"
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
using frontdoor::python::Converter;
using frontdoor::python::cell_from;
using frontdoor::python::make_column;

namespace {

struct Handle {
  std::shared_ptr<const RuleSet> rules;
  // decide_columns's large scratch buffers, kept from one call to the next (a notebook decides
  // frame after frame); freed with the handle.
  std::shared_ptr<frontdoor::columns::PagePool> pages = std::make_shared<frontdoor::columns::PagePool>();
};

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

// (kind, id, text, at, path, line, column, source line): the package's Reason.
py::tuple reason_tuples(const RuleSet& rs, const Decision& d) {
  auto reasons = rs.view(d).reasons();
  py::tuple out(reasons.size());
  for (std::size_t i = 0; i < reasons.size(); ++i) {
    auto& r = reasons[i];
    std::string_view l = rs.source().line_text(r.at.line);
    auto b = l.find_first_not_of(' ');
    out[i] = py::make_tuple(to_string(r.kind), r.id, r.text, to_string(r.at), std::string(r.at.path), r.at.line, r.at.column,
                            std::string(b == std::string_view::npos ? std::string_view() : l.substr(b)));
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

// The report layer's JSON (frontdoor/report.hpp) as Python values: one writer for every front end.
py::object from_json(const std::string& text) { return py::module_::import("json").attr("loads")(text); }

py::tuple compiled(Result<Compilation> c) {
  if (!c) return py::make_tuple(py::none(), py::list(), c.error().message);
  py::object diags = from_json(to_json(std::span<const Diagnostic>(c->diagnostics)));
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
      .def("info", [](const Handle& h) { return from_json(to_json(*h.rules, DocumentDetail::full)); })
      .def("summary", [](const Handle& h) { return summary(h.rules->document()); })
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
            py::object steps = from_json(to_json(*h.rules, ex))["trace"];
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

  // `frontdoor check` for one document: frontdoor::check (load, type-check, worked examples and,
  // where the library was built with its analysis, the proofs of SPEC section 5), without the GIL.
  // Returns (findings, error).
  m.def(
      "check_file",
      [](const std::string& path, bool strict, std::optional<unsigned> timeout_ms, std::optional<unsigned> budget_ms) -> py::tuple {
        frontdoor::CheckOptions options;  // the library's defaults, as `frontdoor check` uses them
        options.strict = strict;
        if (timeout_ms) options.analysis.timeout_ms = *timeout_ms;
        if (budget_ms) options.analysis.budget_ms = *budget_ms;
#if defined(FRONTDOOR_HAVE_ANALYSIS)
        options.prover = analyse;
#endif
        Result<CheckReport> report = Error{""};
        {
          py::gil_scoped_release release;
          report = check_file(path, options);
        }
        if (!report) return py::make_tuple(py::list(), py::str(report.error().message));
        return py::make_tuple(from_json(to_json(std::span<const Finding>(report->findings))), py::none());
      },
      "path"_a, "strict"_a = false, "timeout_ms"_a = py::none(), "budget_ms"_a = py::none());

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

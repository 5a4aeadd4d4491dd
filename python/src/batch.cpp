// decide_columns: a frame's columns in (column specs from _columns.py, made into cells or views of
// their buffers by cells.cpp), the batch decided by runner.cpp, and its columns out as NumPy arrays,
// with each distinct combination of actions, flags and rules put into words once.
#include <pybind11/stl.h>

#include <optional>
#include <thread>

#include "binding.hpp"
#include "cells.hpp"
#include "decide/judge.hpp"

namespace frontdoor::python {

using columns::BatchResult;
using columns::Cell;
using columns::Column;

namespace {

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

template <class V>
py::tuple str_tuple(const V& items) {
  py::tuple t(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) t[i] = py::str(std::string(items[i]));
  return t;
}

// Each combination's (actions, flags, rules) as tuples of text, and its rules' indices.
void put_combos(const RuleSet& rs, const BatchResult& result, py::dict& out) {
  py::list combos, combo_rules, reason_list;
  for (auto& d : result.combos) {
    auto v = rs.view(d);
    combos.append(py::make_tuple(str_tuple(v.actions()), str_tuple(v.flags()), str_tuple(v.rules())));
    combo_rules.append(d.rules);
  }
  for (auto& d : result.reasons) reason_list.append(reason_tuples(rs, d));
  out["combos"] = combos;
  out["combo_rules"] = combo_rules;
  out["reasons"] = reason_list;
}

void put_errors(const BatchResult& result, py::dict& out) {
  std::vector<std::int64_t> error_rows;
  py::list error_messages, error_fields;
  std::vector<std::uint8_t> error_kinds;  // RejectionCode, per rejected row
  for (auto& [row, contact, why] : result.errors) {
    error_rows.push_back(static_cast<std::int64_t>(row));
    error_messages.append(why.message);
    error_kinds.push_back(static_cast<std::uint8_t>(why.code));
    error_fields.append(why.field);
  }
  out["error_rows"] = to_numpy(std::move(error_rows));
  out["error_messages"] = error_messages;
  out["error_codes"] = to_numpy(std::move(error_kinds));
  out["error_fields"] = error_fields;
}

// The frame's actions, flags, rules and error columns, ready made (decide_many's pandas output).
void put_object_columns(const BatchResult& result, std::size_t rows, py::dict& out) {
  std::vector<std::vector<py::object>> tables(3);
  for (std::size_t k = 0; k < 3; ++k)
    for (auto combo : out["combos"].cast<py::list>()) tables[k].push_back(combo.cast<py::tuple>()[k]);
  std::vector<py::array> columns_out = object_columns(result.combo, tables);
  out["actions"] = columns_out[0];
  out["flags"] = columns_out[1];
  out["rules"] = columns_out[2];
  std::vector<std::int32_t> error_code(rows, -1);
  std::vector<py::object> messages;
  py::list error_messages = out["error_messages"].cast<py::list>();
  for (std::size_t e = 0; e < result.errors.size(); ++e) {
    error_code[result.errors[e].row] = static_cast<std::int32_t>(e);
    messages.push_back(error_messages[e]);
  }
  out["error"] = object_columns(error_code, {messages})[0];
}

// Contact ids as the engine reads them, when the id column is not plain text; else None.
py::object engine_ids(const std::vector<const Column*>& columns, std::size_t rows) {
  std::optional<std::size_t> id_col;
  for (std::size_t k = 0; k < columns.size(); ++k)
    if (columns[k]->name == "id") id_col = k;
  if (!id_col || columns[*id_col]->all_text) return py::none();
  py::list ids;
  std::string text;
  for (std::size_t i = 0; i < rows; ++i) {
    Cell x = columns[*id_col]->get(i);
    ids.append(columns::cell_text(x, text) ? text : std::string());
  }
  return ids;
}

template <class T>
py::object array_or_none(std::vector<T>&& v) {
  return v.empty() ? py::object(py::none()) : py::object(to_numpy(std::move(v)));
}

// SPEC 7.8, per row: the recorded outcome where it overrides the decision (else -1), the direction
// (-1 none, else OverrideDirection - 1: up 0, down 1, across 2) and the reason given with it (-1).
void put_override_columns(const RuleSet& rs, const BatchResult& result, py::dict& out) {
  if (result.recorded_outcome.empty()) {
    out["override_outcome"] = py::none();
    out["override_direction"] = py::none();
    out["override_reason"] = py::none();
    return;
  }
  const std::size_t n = result.rows;
  std::vector<std::int16_t> outcome(n, -1), reason(n, -1);
  std::vector<std::int8_t> direction(n, -1);
  auto index = [](std::int16_t x) { return x < 0 ? kNoIndex : static_cast<Index>(x); };
  for (std::size_t i = 0; i < n; ++i) {
    if (result.outcome[i] < 0 || result.recorded_outcome[i] < 0) continue;
    const RecordedOutcome r =
        detail::judge(rs.document(), index(result.outcome[i]), index(result.recorded_outcome[i]), index(result.override_reason[i]));
    if (!r.overrides()) continue;
    outcome[i] = result.recorded_outcome[i];
    reason[i] = result.override_reason[i];
    direction[i] = static_cast<std::int8_t>(static_cast<int>(r.direction) - 1);
  }
  out["override_outcome"] = to_numpy(std::move(outcome));
  out["override_direction"] = to_numpy(std::move(direction));
  out["override_reason"] = to_numpy(std::move(reason));
}

void put_code_columns(BatchResult& result, py::dict& out) {
  out["level"] = to_numpy(std::move(result.level));
  out["outcome"] = to_numpy(std::move(result.outcome));
  out["routing"] = to_numpy(std::move(result.routing));
  out["category"] = to_numpy(std::move(result.category));
  out["referral"] = to_numpy(std::move(result.referral));
  out["received"] = to_numpy(std::move(result.received));
  out["deadline"] = to_numpy(std::move(result.deadline));
  out["decided"] = array_or_none(std::move(result.decided));
  out["combo"] = to_numpy(std::move(result.combo));
  out["reason"] = array_or_none(std::move(result.reason));
  out["engine_rows"] = result.engine_rows;
}

}  // namespace

JsonObject decide_columns(const Handle& h, py::list specs, std::size_t rows, unsigned threads, bool reasons, Progress progress,
                          py::object normalize, py::object bad, bool objects, bool recorded_history) {
  columns::PhaseTimer timer;
  std::vector<py::object> keep;
  Converter cv{normalize, bad, &keep, threads ? threads : std::max(1u, std::thread::hardware_concurrency())};
  std::vector<std::unique_ptr<Column>> owned;
  std::vector<const Column*> columns;
  for (auto spec : specs) {
    owned.push_back(make_column(spec.cast<py::tuple>(), cv));
    columns.push_back(owned.back().get());
  }
  columns::BatchOptions options;
  options.threads = threads;
  options.reasons = reasons;
  options.pages = h.pages.get();
  timer.lap("cells");
  options.history = recorded_history ? HistoryFrom::recorded : HistoryFrom::decided;
  BatchResult result = decide_watched(*h.rules, columns, rows, options, progress);

  columns::PhaseTimer after;  // the engine's phases are timed on their own
  py::dict out;
  put_combos(*h.rules, result, out);
  put_errors(result, out);
  if (objects) put_object_columns(result, rows, out);
  out["contact"] = engine_ids(columns, rows);
  put_override_columns(*h.rules, result, out);
  put_code_columns(result, out);
  after.lap("out");
  return out;
}

}  // namespace frontdoor::python

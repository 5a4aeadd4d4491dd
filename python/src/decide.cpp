// One contact: decide and explain. The contact goes through the same cells as a frame's rows
// (cells.hpp), so that a value is read the same way whichever call is made; the decision comes back
// as its fields, built here from the RuleSet's view rather than written as JSON and parsed again.
#include <pybind11/stl.h>

#include "binding.hpp"
#include "cells.hpp"
#include "frontdoor/records.hpp"
#include "frontdoor/report.hpp"
#include "util/json.hpp"

namespace frontdoor::python {

using columns::Column;
using columns::Kind;

namespace {

// Text as a Python str. The engine's texts are UTF-8 but a contact's may not be; the JSON writer
// replaces each byte it cannot take, and so must this, for to_dict() to equal the JSON's object.
py::object text(std::string_view s) {
  if (PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "strict"))
    return py::reinterpret_steal<py::object>(o);
  PyErr_Clear();
  std::string quoted;
  detail::JsonWriter::append_quoted(quoted, s);
  return from_json(quoted);
}

py::object text_or_none(bool present, std::string_view s) { return present ? text(s) : py::object(py::none()); }

py::object text_list(bool decided, const std::vector<std::string_view>& items) {
  if (!decided) return py::none();
  py::list out;
  for (auto s : items) out.append(text(s));
  return out;
}

py::object reason_dicts(const DecisionView& v) {
  py::list out;
  for (auto& r : v.reasons()) {
    py::dict d;
    d["id"] = text(r.id);
    d["kind"] = text(to_string(r.kind));
    d["text"] = text(r.text);
    d["at"] = text(to_string(r.at));
    out.append(std::move(d));
  }
  return out;
}

// SPEC 7.8's "override", as decision_json.cpp writes it.
py::object override_dict(const DecisionView& v, const Decision& d, const ThresholdDocument& doc) {
  if (!v.overridden()) return py::none();
  py::dict o;
  o["outcome"] = text(v.recorded_outcome());
  o["category"] = text(to_string(doc.outcomes[d.recorded.outcome].category));
  o["direction"] = text(to_string(d.recorded.direction));
  o["reason"] = text_or_none(!v.override_reason().empty(), v.override_reason());
  return o;
}

py::dict step_dict(const TraceStep& s) {
  py::dict d, values;
  d["kind"] = text(to_string(s.kind));
  d["id"] = text(s.id);
  d["result"] = text(to_string(s.result));
  d["when"] = text(s.when);
  d["at"] = text(to_string(s.at));
  d["level_before"] = text(s.level_before);
  for (auto& [name, value] : s.values) values[text(name)] = text(value);
  d["values"] = values;
  return d;
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
  columns::record_from_cells(view, 0, r);
  return r;
}

struct DecideInput {
  ContactRecord record;
  std::vector<HistoryRecord> history;
};

DecideInput decide_input(const std::vector<std::string>& names, py::list values, py::object history_json, py::object normalize,
                         py::object bad) {
  std::vector<py::object> keep;
  Converter cv{normalize, bad, &keep};
  std::vector<std::unique_ptr<Column>> cols;
  DecideInput in;
  in.record = record_from_python(names, values, cv, cols);  // copies every string it keeps
  if (!history_json.is_none() && !in.record.history) {
    std::string problem;
    if (!parse_history(history_json.cast<std::string>(), in.history, problem) && in.record.problem.empty()) in.record.problem = problem;
  }
  return in;
}

}  // namespace

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

// In the order DecisionView::to_json writes them (frontdoor/report.hpp), so that the dict prints alike.
JsonObject DecidedContact::fields() const {
  const DecisionView v = rules_->view(d_);
  const ThresholdDocument& doc = rules_->document();
  const bool decided = d_.ok();
  py::dict out, document;
  out["contact"] = text(d_.contact);
  out["level"] = text_or_none(decided, v.level());
  out["outcome"] = text_or_none(decided, v.outcome());
  out["category"] = text_or_none(decided, v.category());
  out["referral"] = decided ? py::object(py::bool_(v.referral())) : py::object(py::none());
  out["actions"] = text_list(decided, v.actions());
  std::string deadline = v.deadline();
  out["deadline"] = text_or_none(!deadline.empty(), deadline);
  out["deadline_from"] = text_or_none(!v.deadline_from().empty(), v.deadline_from());
  out["flags"] = text_list(decided, v.flags());
  out["rules"] = text_list(decided, v.rules());
  out["routing"] = text_or_none(decided && d_.routing != kNoIndex, v.routing());
  out["override"] = override_dict(v, d_, doc);
  out["reasons"] = decided ? reason_dicts(v) : py::object(py::none());
  document["id"] = text(doc.id);
  document["version"] = text(doc.version);
  document["sha256"] = text(rules_->sha256());
  out["document"] = document;
  out["error"] = text_or_none(!decided, d_.error);
  return out;
}

py::tuple DecidedContact::reasons() const { return reason_tuples(*rules_, d_); }

py::typing::Optional<py::typing::Tuple<py::str, py::str>> DecidedContact::rejection() const {
  if (d_.ok()) return py::none();
  return py::make_tuple(std::string(to_string(d_.error_code)), text(d_.error_field));
}

std::string DecidedContact::to_json() const { return rules_->view(d_).to_json(); }

py::typing::Optional<py::typing::List<JsonObject>> DecidedContact::trace() const {
  if (!steps_) return py::none();
  py::list out;
  for (const TraceStep& s : *steps_) out.append(step_dict(s));
  return out;
}

DecidedContact decide_one(const Handle& h, const std::vector<std::string>& names, py::list values, OptionalText history_json,
                          py::object normalize, py::object bad) {
  DecideInput in = decide_input(names, values, history_json, normalize, bad);
  Decision d;
  {
    py::gil_scoped_release release;
    d = h.rules->decide(in.record, in.history);
  }
  return DecidedContact(h.rules, std::move(d));
}

DecidedContact explain_one(const Handle& h, const std::vector<std::string>& names, py::list values, OptionalText history_json,
                           py::object normalize, py::object bad) {
  DecideInput in = decide_input(names, values, history_json, normalize, bad);
  Explanation ex = h.rules->explain(in.record, in.history);
  return DecidedContact(h.rules, std::move(ex.decision), std::move(ex.steps));
}

}  // namespace frontdoor::python

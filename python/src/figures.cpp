// Figures, audit and diff over a decided frame's columns (frontdoor/figures.hpp); the package's
// _figures.py hands over the columns and shows the reports.
#include <pybind11/stl.h>

#include <functional>
#include <stdexcept>

#include "binding.hpp"
#include "frontdoor/figures.hpp"

namespace frontdoor::python {

namespace {

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
  if (d.contains("override_direction")) {  // SPEC 7.8, when the frame carries recorded outcomes
    in.reasons = d["reasons"].cast<std::vector<std::string>>();
    in.levels = d["levels"].cast<std::vector<std::string>>();
    in.override_direction = vector_of<std::int8_t>(d["override_direction"]);
    in.override_reason = vector_of<std::int32_t>(d["override_reason"]);
    in.level = vector_of<std::int32_t>(d["level"]);
  }
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

void check_outcome_codes(const RuleSet& a, const DiffSide& sa, const RuleSet& b, const DiffSide& sb) {
  for (std::size_t i = 0; i < sa.outcome.size(); ++i) {
    if (sa.outcome[i] >= static_cast<std::int32_t>(a.document().outcomes.size()) ||
        (i < sb.outcome.size() && sb.outcome[i] >= static_cast<std::int32_t>(b.document().outcomes.size())))
      throw std::invalid_argument("diff: an outcome code is out of range");
  }
}

}  // namespace

py::tuple figures(py::dict input, const std::string& repeat_flag, std::int64_t re_referral_months) {
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
}

py::tuple audit(const Handle& h, py::dict input, py::handle recorded, const std::vector<std::string>& values, py::object ids,
                std::size_t examples) {
  FigureInput in = figure_input_from(input);
  std::vector<std::int32_t> codes = vector_of<std::int32_t>(recorded);
  Audit a = compute_audit(h.rules->document(), in, codes, values);
  auto name = id_lookup(ids);
  std::vector<std::int64_t> rows(a.disagreeing.begin(), a.disagreeing.end());
  return py::make_tuple(to_json(a, name, examples), to_text(a, name, examples), to_numpy(std::move(rows)));
}

py::tuple diff(const Handle& a, py::dict side_a, const Handle& b, py::dict side_b, py::object ids, std::size_t examples,
               std::size_t causes) {
  DiffSide sa = diff_side_from(side_a), sb = diff_side_from(side_b);
  check_outcome_codes(*a.rules, sa, *b.rules, sb);
  DiffOptions o;
  o.examples = examples;
  o.causes = causes;
  Diff d = compute_diff(*a.rules, sa, *b.rules, sb, id_lookup(ids), o);
  return py::make_tuple(to_json(d), to_text(d));
}

}  // namespace frontdoor::python

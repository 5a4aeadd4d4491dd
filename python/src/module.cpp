// frontdoor._frontdoor: the thin pybind11 layer under the Python package (python/frontdoor/). This
// file only registers; binding.hpp says where each function lives. python/frontdoor/_frontdoor.pyi
// is generated from the built module (scripts/stubs.sh), so a docstring or a signature changed here
// must be followed by regenerating it (the python_stubs test says when it is stale).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "binding.hpp"
#include "frontdoor/columns.hpp"
#include "frontdoor/version.hpp"

namespace py = pybind11;
using namespace pybind11::literals;
namespace fp = frontdoor::python;

namespace {

void register_rule_set(py::module_& m) {
  py::class_<fp::Handle>(m, "RuleSet", "A compiled threshold document (the package's Document wraps it)")
      .def_property_readonly("id", &fp::document_id)
      .def_property_readonly("title", &fp::document_title)
      .def_property_readonly("version", &fp::document_version)
      .def_property_readonly("effective_from", &fp::document_effective_from)
      .def_property_readonly("sha256", &fp::document_sha256)
      .def_property_readonly("path", &fp::document_path)
      .def_property_readonly("timezone", &fp::document_timezone)
      .def("source_line", &fp::source_line, "line"_a)
      .def("info", &fp::document_info, "The document as the report layer's JSON object (DocumentDetail::full)")
      .def("summary", &fp::document_summary)
      .def("decide", &fp::decide_one, "names"_a, "values"_a, "history_json"_a, "normalize"_a, "bad"_a)
      .def("explain", &fp::explain_one, "names"_a, "values"_a, "history_json"_a, "normalize"_a, "bad"_a)
      .def("decide_columns", &fp::decide_columns, "columns"_a, "rows"_a, "threads"_a, "reasons"_a, "progress"_a, "normalize"_a, "bad"_a,
           "objects"_a = false, "recorded_history"_a = false);
}

void register_decided_contact(py::module_& m) {
  py::class_<fp::DecidedContact>(m, "DecidedContact", "One contact's decision, as the package's Decision reads it")
      .def("fields", &fp::DecidedContact::fields, "SPEC section 4's object, as json.loads would give it")
      .def("reasons", &fp::DecidedContact::reasons, "(kind, id, text, at, path, line, column, source line) per reason")
      .def("rejection", &fp::DecidedContact::rejection, "(code, field) when rejected, else None")
      .def("to_json", &fp::DecidedContact::to_json, "The same object as `frontdoor decide` writes it")
      .def("trace", &fp::DecidedContact::trace, "explain's steps, or None from decide");
}

void register_functions(py::module_& m) {
  m.def("compile_file", &fp::compile_file, "path"_a);
  m.def("compile_text", &fp::compile_text, "text"_a, "path"_a);
  m.def("check_file", &fp::check_file, "path"_a, "strict"_a = false, "timeout_ms"_a = py::none(), "budget_ms"_a = py::none());
  m.def("symbolic_diff", &fp::symbolic_diff, "a"_a, "b"_a, "timeout_ms"_a = 10000);
  m.def("figures", &fp::figures, "input"_a, "repeat_flag"_a = "repeat_contact", "re_referral_months"_a = 12);
  m.def("audit", &fp::audit, "rules"_a, "input"_a, "recorded"_a, "values"_a, "ids"_a, "examples"_a = 20);
  m.def("diff", &fp::diff, "a"_a, "side_a"_a, "b"_a, "side_b"_a, "ids"_a, "examples"_a = 5, "causes"_a = 5);
  m.def("iso_timestamp", &frontdoor::columns::iso_timestamp, "ms"_a, "zoned"_a = true);
}

}  // namespace

PYBIND11_MODULE(_frontdoor, m) {
  m.doc() = "frontdoor's C++ engine (use the `frontdoor` package, not this module)";
  m.attr("__version__") = frontdoor::kVersion;
#if defined(FRONTDOOR_HAVE_ANALYSIS)
  m.attr("HAVE_ANALYSIS") = true;
#else
  m.attr("HAVE_ANALYSIS") = false;
#endif
  register_decided_contact(m);  // before RuleSet, whose signatures name it
  register_rule_set(m);
  register_functions(m);
}

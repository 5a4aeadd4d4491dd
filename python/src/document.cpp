// A document: compiling it, what it says about itself, and `frontdoor check` for it.
#include "binding.hpp"
#include "frontdoor/check.hpp"
#include "frontdoor/report.hpp"
#if defined(FRONTDOOR_HAVE_ANALYSIS)
#include "frontdoor/analysis.hpp"
#endif

namespace frontdoor::python {

py::object from_json(const std::string& text) { return py::module_::import("json").attr("loads")(text); }

std::string document_id(const Handle& h) { return h.rules->document().id; }
std::string document_title(const Handle& h) { return h.rules->document().title; }
std::string document_version(const Handle& h) { return h.rules->document().version; }
std::string document_effective_from(const Handle& h) { return h.rules->document().effective_from; }
std::string document_sha256(const Handle& h) { return h.rules->sha256(); }
std::string document_path(const Handle& h) { return h.rules->source().path(); }
std::string document_timezone(const Handle& h) { return h.rules->document().calendar.timezone; }
std::string source_line(const Handle& h, std::uint32_t line) { return std::string(h.rules->source().line_text(line)); }
JsonObject document_info(const Handle& h) { return from_json(to_json(*h.rules, DocumentDetail::full)); }
std::string document_summary(const Handle& h) { return summary(h.rules->document()); }

namespace {

Compiled compiled(Result<Compilation> c) {
  if (!c) return py::make_tuple(py::none(), py::list(), c.error().message);
  py::object diags = from_json(to_json(std::span<const Diagnostic>(c->diagnostics)));
  py::object handle = c->rule_set ? py::cast(Handle{c->rule_set}) : py::object(py::none());
  return py::make_tuple(handle, diags, py::none());
}

}  // namespace

Compiled compile_file(const std::string& path) { return compiled(frontdoor::compile_file(path)); }

Compiled compile_text(const std::string& text, const std::string& path) { return compiled(Result<Compilation>(compile(text, path))); }

// frontdoor::check (load, type-check, worked examples and, where the library was built with its
// analysis, the proofs of SPEC section 5), without the GIL, with the command line's defaults.
py::typing::Tuple<py::typing::List<JsonObject>, OptionalText> check_file(const std::string& path, bool strict,
                                                                         std::optional<unsigned> timeout_ms,
                                                                         std::optional<unsigned> budget_ms) {
  CheckOptions options;
  options.strict = strict;
  if (timeout_ms) options.analysis.timeout_ms = *timeout_ms;
  if (budget_ms) options.analysis.budget_ms = *budget_ms;
#if defined(FRONTDOOR_HAVE_ANALYSIS)
  options.prover = analyse;
#endif
  Result<CheckReport> report = Error{""};
  {
    py::gil_scoped_release release;
    report = frontdoor::check_file(path, options);
  }
  if (!report) return py::make_tuple(py::list(), py::str(report.error().message));
  return py::make_tuple(from_json(to_json(std::span<const Finding>(report->findings))), py::none());
}

py::typing::Tuple<std::string, std::string> symbolic_diff(const Handle& a, const Handle& b, unsigned timeout_ms) {
#if defined(FRONTDOOR_HAVE_ANALYSIS)
  DocumentDiffOptions options;
  options.timeout_ms = timeout_ms;
  DocumentDiff d;
  {
    py::gil_scoped_release release;
    d = diff_documents(*a.rules, *b.rules, options);
  }
  return py::make_tuple(to_json(d), to_text(d));
#else
  (void)a, (void)b, (void)timeout_ms;
  return py::make_tuple(std::string(), std::string());
#endif
}

}  // namespace frontdoor::python

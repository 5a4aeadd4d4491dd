// The functions frontdoor._frontdoor is made of, by concern; module.cpp registers them, and nothing
// else. Each file turns Python values into the library's (cells.hpp), calls the library, and turns
// its answers into plain Python values, NumPy arrays or the Decision's fields; the package
// (python/frontdoor/) builds its objects, data frames and reports from those.
//   document.cpp: compiling, a document's properties and description, check
//   decide.cpp:   one contact (decide, explain)
//   batch.cpp:    decide_columns and its output arrays
//   runner.cpp:   a batch on worker threads, with progress and Ctrl-C (frontdoor/progress.hpp)
//   figures.cpp:  figures, audit, diff
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/typing.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "frontdoor/columns.hpp"
#include "frontdoor/frontdoor.hpp"

namespace frontdoor::python {

namespace py = pybind11;

// Types as the generated stub (python/frontdoor/_frontdoor.pyi) shows them.
using JsonObject = py::typing::Dict<py::str, py::object>;  // the report layer's JSON, as json.loads gives it
using OptionalText = py::typing::Optional<py::str>;
using Progress = py::typing::Optional<py::typing::Callable<py::object(int)>>;

// A compiled document as Python holds it (the module's RuleSet class).
struct Handle {
  std::shared_ptr<const RuleSet> rules;
  // decide_columns's large scratch buffers, kept from one call to the next (a notebook decides
  // frame after frame); freed with the handle.
  std::shared_ptr<columns::PagePool> pages = std::make_shared<columns::PagePool>();
};

// --- shared helpers ---------------------------------------------------------------------------------

// A vector handed to NumPy without a copy: the array owns it.
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& v) {
  auto* p = new std::vector<T>(std::move(v));
  py::capsule owner(p, [](void* x) { delete static_cast<std::vector<T>*>(x); });
  return py::array_t<T>({static_cast<py::ssize_t>(p->size())}, {static_cast<py::ssize_t>(sizeof(T))}, p->data(), owner);
}

// The report layer's JSON (frontdoor/report.hpp) as Python values: one writer for every front end.
py::object from_json(const std::string& text);

// A decision's reasons as the package's Reason tuples: (kind, id, text, at, path, line, column,
// source line).
py::tuple reason_tuples(const RuleSet&, const Decision&);

// --- document.cpp -----------------------------------------------------------------------------------
std::string document_id(const Handle&);
std::string document_title(const Handle&);
std::string document_version(const Handle&);
std::string document_effective_from(const Handle&);
std::string document_sha256(const Handle&);
std::string document_path(const Handle&);
std::string document_timezone(const Handle&);
std::string source_line(const Handle&, std::uint32_t line);
JsonObject document_info(const Handle&);
std::string document_summary(const Handle&);
// (handle or None, diagnostics, error or None)
using Compiled = py::typing::Tuple<py::typing::Optional<Handle>, py::typing::List<JsonObject>, OptionalText>;
Compiled compile_file(const std::string& path);
Compiled compile_text(const std::string& text, const std::string& path);
// (findings, error or None)
py::typing::Tuple<py::typing::List<JsonObject>, OptionalText> check_file(const std::string& path, bool strict,
                                                                         std::optional<unsigned> timeout_ms,
                                                                         std::optional<unsigned> budget_ms);
// The symbolic diff (SPEC section 9): the regions where two documents decide differently, as JSON and
// as text; an empty JSON text when the library was built without its analysis.
py::typing::Tuple<std::string, std::string> symbolic_diff(const Handle& a, const Handle& b, unsigned timeout_ms);

// --- decide.cpp -------------------------------------------------------------------------------------

// The Python side of one decision, made without JSON text: what Decision wraps.
class DecidedContact {
 public:
  DecidedContact(std::shared_ptr<const RuleSet> rules, Decision d, std::optional<std::vector<TraceStep>> steps = std::nullopt)
      : rules_(std::move(rules)), d_(std::move(d)), steps_(std::move(steps)) {}
  JsonObject fields() const;                                                    // SPEC section 4's object, as json.loads would give it
  py::tuple reasons() const;                                                    // reason_tuples
  py::typing::Optional<py::typing::Tuple<py::str, py::str>> rejection() const;  // (code, field), or None when decided
  std::string to_json() const;                                       // the same object as text, byte for byte as `frontdoor decide`
  py::typing::Optional<py::typing::List<JsonObject>> trace() const;  // explain's steps (as `explain --format json`), or None

 private:
  std::shared_ptr<const RuleSet> rules_;
  Decision d_;
  std::optional<std::vector<TraceStep>> steps_;
};

DecidedContact decide_one(const Handle&, const std::vector<std::string>& names, py::list values, OptionalText history_json,
                          py::object normalize, py::object bad);
DecidedContact explain_one(const Handle&, const std::vector<std::string>& names, py::list values, OptionalText history_json,
                           py::object normalize, py::object bad);

// --- batch.cpp --------------------------------------------------------------------------------------
JsonObject decide_columns(const Handle&, py::list specs, std::size_t rows, unsigned threads, bool reasons, Progress progress,
                          py::object normalize, py::object bad, bool objects, bool recorded_history);

// --- runner.cpp -------------------------------------------------------------------------------------

// decide_columns without the GIL, on worker threads, this thread waking every 100 ms to pass the
// count to `progress` (None: no callback) and to notice Ctrl-C; either stops the batch and raises.
columns::BatchResult decide_watched(const RuleSet&, const std::vector<const columns::Column*>& columns, std::size_t rows,
                                    columns::BatchOptions options, py::object progress);

// --- figures.cpp ------------------------------------------------------------------------------------
py::tuple figures(py::dict input, const std::string& repeat_flag, std::int64_t re_referral_months);
py::tuple audit(const Handle&, py::dict input, py::handle recorded, const std::vector<std::string>& values, py::object ids,
                std::size_t examples);
py::tuple diff(const Handle& a, py::dict side_a, const Handle& b, py::dict side_b, py::object ids, std::size_t examples,
               std::size_t causes);

}  // namespace frontdoor::python

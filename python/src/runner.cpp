// A batch watched from Python: the library's runner (frontdoor/progress.hpp) decides on worker
// threads without the GIL, and this thread takes the GIL only to pass on the count and to notice
// Ctrl-C, as a long call in Python should.
#include "binding.hpp"
#include "frontdoor/progress.hpp"

namespace frontdoor::python {

namespace {

// Raises (stopping the batch) on Ctrl-C, or with the callback's own error when it raises.
bool watch_from_python(const py::object& progress, std::size_t done) {
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  if (!progress.is_none()) progress(done);
  return true;
}

}  // namespace

columns::BatchResult decide_watched(const RuleSet& rules, const std::vector<const columns::Column*>& columns, std::size_t rows,
                                    columns::BatchOptions options, py::object progress) {
  py::gil_scoped_release release;
  return columns::decide_columns(rules, columns, rows, options,
                                 [&progress](std::size_t done, std::size_t) { return watch_from_python(progress, done); });
}

}  // namespace frontdoor::python

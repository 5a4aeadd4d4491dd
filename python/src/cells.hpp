// Python values and frame columns -> the library's cells (frontdoor/columns.hpp), while the GIL is
// held; the module (module.cpp) then decides without it.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <vector>

#include "frontdoor/columns.hpp"

namespace frontdoor::python {

namespace py = pybind11;

// Turns values the fast checks in cell_from do not know (NumPy scalars, NA, datetimes, lists, ...) into ones
// they do; written in Python (frontdoor/_convert.py) so that it can ask pandas and NumPy.
struct Converter {
  py::object normalize;           // normalize(value, history: bool) -> a plain value, ("t", ms, zoned), or bad
  py::object bad;                 // the marker for a value no field takes
  std::vector<py::object>* keep;  // objects whose text the cells point into
  unsigned threads = 1;           // how many may read a long object column's plain values at once
};

// One Python value as a cell of `col` (text and entries point into the Python objects, which
// `cv.keep` holds); a value no field takes becomes a bad cell with its problem in `col.problems`.
columns::Cell cell_from(PyObject* o, columns::Column& col, bool history, const Converter& cv, int depth = 0);

// A column from the spec the package's _columns.py makes: (kind, name, length, ...).
std::unique_ptr<columns::Column> make_column(py::tuple spec, const Converter& cv);

}  // namespace frontdoor::python

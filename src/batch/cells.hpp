// Reading a column's cells a block at a time, the way the batch's phases do. Internal to src/batch/.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "frontdoor/columns.hpp"

namespace frontdoor::batch {

using columns::Cell;
using columns::Column;
using columns::Kind;
using columns::Reader;
using columns::Tag;

// Calls f(i, cell) for row from + i of a column, i < m: Arrow text (the usual frame) read in
// place, any other column through `reader` (the column's).
template <class Offset, class F>
void for_each_text(const Column& col, std::size_t from, std::size_t m, F& f) {
  const auto* offsets = static_cast<const Offset*>(col.offsets) + col.offset;
  for (std::size_t i = 0; i < m; ++i) {
    std::size_t row = from + i;
    if (col.validity && !col.valid_bit(static_cast<std::int64_t>(row))) {
      f(i, Cell{});
      continue;
    }
    f(i, Cell::text(std::string_view(col.data + offsets[row], static_cast<std::size_t>(offsets[row + 1] - offsets[row]))));
  }
}
template <class F>
void for_each_unchunked(const Column& col, Reader& reader, std::size_t from, std::size_t m, F& f) {
  if (col.kind == Kind::arrow_string) {  // pandas' str columns are Arrow large strings
    if (col.large) return for_each_text<std::int64_t>(col, from, m, f);
    return for_each_text<std::int32_t>(col, from, m, f);
  }
  for (std::size_t i = 0; i < m; ++i) f(i, reader.get(from + i));
}
template <class F>
void for_each_cell(const Column& col, Reader& reader, std::size_t from, std::size_t m, F&& f) {
  if (col.kind != Kind::chunked) return for_each_unchunked(col, reader, from, m, f);
  // pd.concat makes a chunk per frame joined: each chunk's part of the rows in turn (an Arrow
  // chunk is never itself chunked).
  for (std::size_t i = 0; i < m;) {
    const std::size_t k = col.chunk_of(from + i), lo = col.starts[k], at = i;
    const std::size_t n = std::min(m - i, lo + col.chunks[k]->length - (from + i));
    Reader chunk_reader(col.chunks[k].get());
    auto shifted = [&](std::size_t j, const Cell& x) { f(at + j, x); };
    for_each_unchunked(*col.chunks[k], chunk_reader, from + i - lo, n, shifted);
    i += n;
  }
}

}  // namespace frontdoor::batch

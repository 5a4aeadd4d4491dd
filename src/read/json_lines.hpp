// The columnar JSON Lines reader (simdjson), internal to the library: the text's lines as columns
// of cells for the batch engine. columns::decide_json_lines (frontdoor/columns.hpp) decides them.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "frontdoor/columns.hpp"

namespace frontdoor::read {

// The rows of a JSON Lines text as columns (one per key, in key order); the cells point into the
// text, which must outlive them, and into `owned`.
struct JsonLinesColumns {
  std::size_t rows = 0;
  std::vector<std::pair<std::size_t, std::size_t>> lines;  // each row's line: begin, end
  std::vector<std::unique_ptr<columns::Column>> columns;
  std::vector<std::deque<std::string>> owned;  // strings the cells point into (per parsing thread)
};

// `text` is followed by columns::kJsonLinesPadding readable bytes. Nullopt when the record reader
// must read it (a line this reader does not take, or fewer than two rows).
std::optional<JsonLinesColumns> json_lines_columns(std::string_view text, unsigned threads);

}  // namespace frontdoor::read

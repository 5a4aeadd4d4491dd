// `frontdoor decide` on JSON Lines, the fast way: simdjson reads the lines straight into columns
// (no record per row; each parsing thread fills its own chunk of every column), the library's columnar batch decides them on every core, and each distinct
// decision is put into words once. Anything this reader does not take (a line that is not one JSON
// object, a number beyond 64 bits, a line over the length limit) sends the whole input back to the
// record reader, so both ways give the same bytes (tests/cli holds them together).
#pragma once

#include <simdjson.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "frontdoor/columns.hpp"

namespace frontdoor::cli {

struct FastDecisions {
  simdjson::padded_string text;                           // the input; cells point into it
  std::vector<std::pair<std::size_t, std::size_t>> lines;  // each row's line: begin, end
  std::vector<std::unique_ptr<columns::Column>> columns;
  std::vector<std::deque<std::string>> owned;             // strings the cells point into (per parsing thread)
  columns::BatchResult result;
};

// A whole file ('-': stdin) read straight into simdjson's padded buffer; false (with a message) when
// it cannot be read.
bool read_padded(const std::string& path, simdjson::padded_string& out);

// Decide every line of `text` (JSON Lines) as one batch, taking the text over; nullopt (and `text`
// left as it was) when the record reader must.
std::optional<FastDecisions> decide_json_lines(const RuleSet&, simdjson::padded_string& text, unsigned threads = 0);

// The decisions as JSON Lines, exactly as DecisionView::to_json writes them.
void write_json_lines(const RuleSet&, const FastDecisions&, std::ostream&, unsigned threads = 0);

}  // namespace frontdoor::cli

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
#include "frontdoor/progress.hpp"

namespace frontdoor::cli {

// The contacts' text with SIMDJSON_PADDING readable bytes past its end, as simdjson needs. A regular
// file is mapped, not copied: reading it into fresh memory cost more than parsing its first field
// (the kernel zeroes every page before the copy). Anything else (stdin, a pipe) is read into a
// padded buffer. Move-only; the text stays where it is when moved.
class InputText {
 public:
  InputText() = default;
  InputText(InputText&& other) noexcept { *this = std::move(other); }
  InputText& operator=(InputText&& other) noexcept;
  InputText(const InputText&) = delete;
  InputText& operator=(const InputText&) = delete;
  ~InputText() { unmap(); }

  // The whole of `path` ('-': stdin); false (with a message on stderr) when it cannot be read.
  [[nodiscard]] bool read(const std::string& path);

  const char* data() const { return mapped_ ? static_cast<const char*>(mapped_) : owned_.data(); }
  std::size_t size() const { return mapped_ ? mapped_size_ : owned_.size(); }

 private:
  bool map(int fd, std::size_t size, const std::string& path);
  void unmap();
  simdjson::padded_string owned_;  // what was read, when not mapped
  void* mapped_ = nullptr;         // the mapping: the file, then at least SIMDJSON_PADDING zero bytes
  std::size_t mapped_size_ = 0, span_ = 0;
};

struct FastDecisions {
  InputText text;                                         // the input; cells point into it
  std::vector<std::pair<std::size_t, std::size_t>> lines;  // each row's line: begin, end
  std::vector<std::unique_ptr<columns::Column>> columns;
  std::vector<std::deque<std::string>> owned;             // strings the cells point into (per parsing thread)
  columns::BatchResult result;
};

// Decide every line of `text` (JSON Lines) as one batch, taking the text over; nullopt (and `text`
// left as it was) when the record reader must. `watch` sees the deciding (frontdoor/progress.hpp).
std::optional<FastDecisions> decide_json_lines(const RuleSet&, InputText& text, unsigned threads = 0, const ProgressWatch& watch = {});

// The decisions as JSON Lines, exactly as DecisionView::to_json writes them.
void write_json_lines(const RuleSet&, const FastDecisions&, std::ostream&, unsigned threads = 0);

}  // namespace frontdoor::cli

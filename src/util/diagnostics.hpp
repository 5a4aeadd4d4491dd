// A collector for diagnostics about one source text, and the small text helpers every stage uses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "frontdoor/diagnostic.hpp"

namespace frontdoor::detail {

class Diagnostics {
 public:
  Diagnostics(const SourceText& source, std::vector<Diagnostic>& out) : source_(source), out_(out) {}
  void error(std::string code, SourceOffset at, std::string message) { add(Severity::error, std::move(code), at, std::move(message)); }
  void warning(std::string code, SourceOffset at, std::string message) { add(Severity::warning, std::move(code), at, std::move(message)); }
  void add(Severity, std::string code, SourceOffset at, std::string message);
  const SourceText& source() const noexcept { return source_; }
  bool has_errors() const noexcept { return frontdoor::has_errors(out_); }

 private:
  const SourceText& source_;
  std::vector<Diagnostic>& out_;
};

// Size, NUL bytes and UTF-8 validity, checked before any parser sees the text.
bool check_text(const SourceText& source, std::size_t max_bytes, Diagnostics& diags);

// The candidate closest to `word` by edit distance, if close enough to be a likely typo.
std::string closest(std::string_view word, const std::vector<std::string_view>& candidates);
// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);
// For an unknown id: did_you_mean, and with 12 or fewer candidates the whole list, so the author
// need not open the document to find the right one: " (did you mean 'x'?); one of: a, b, x".
std::string unknown_id_hint(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace frontdoor::detail

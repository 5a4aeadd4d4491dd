// Diagnostics: problems in a user's threshold document, each with a stable code and a position.
//
// Codes are stable and documented in docs/diagnostics.md:
//   FD1xx  loading (YAML, structure, references, values)
//   FD2xx  expressions (syntax, names, types)
//   FD3xx  checking (worked examples, analysis)
// Positions are kept as byte offsets into the source text; line and column are computed from the
// SourceText when a diagnostic is made, so the model itself stays small.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace frontdoor {

using SourceOffset = std::uint32_t;
inline constexpr SourceOffset kNoOffset = 0xFFFFFFFFu;

struct LineColumn {
  std::uint32_t line = 0;    // 1-based; 0 when unknown
  std::uint32_t column = 0;  // 1-based, in bytes
};

// A place in a document, for showing: the document's path with a 1-based line and column. `path`
// views the SourceText it came from (a RuleSet's source), so it is valid while that lives.
struct SourcePosition {
  std::string_view path;
  std::uint32_t line = 0;  // 0 when unknown: then only the path is shown
  std::uint32_t column = 0;
  friend bool operator==(const SourcePosition&, const SourcePosition&) = default;
};
std::string to_string(const SourcePosition&);  // "path:line:col", or "path" when the line is unknown

// The text of one document with a table of line starts.
class SourceText {
 public:
  SourceText(std::string path, std::string text);
  const std::string& path() const noexcept { return path_; }
  const std::string& text() const noexcept { return text_; }
  LineColumn locate(SourceOffset offset) const noexcept;
  SourceOffset offset_of(std::uint32_t line, std::uint32_t column) const noexcept;  // 1-based in
  std::string_view line_text(std::uint32_t line) const noexcept;                    // 1-based
  SourcePosition position(SourceOffset offset) const noexcept;
  std::string where(SourceOffset offset) const;  // to_string(position(offset))

 private:
  std::string path_;
  std::string text_;
  std::vector<SourceOffset> line_starts_;
};

enum class Severity : std::uint8_t { note, warning, error };
std::string_view to_string(Severity) noexcept;

struct Diagnostic {
  std::string code;  // "FD101"
  Severity severity = Severity::error;
  std::string message;
  std::string path;
  SourceOffset offset = kNoOffset;
  LineColumn at;
};

// "path:line:col: error: message [FD101]" followed, when `source` is given, by the source line and a
// caret under the fault.
std::string format(const Diagnostic&, const SourceText* source = nullptr);

bool has_errors(const std::vector<Diagnostic>&) noexcept;

}  // namespace frontdoor

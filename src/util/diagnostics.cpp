#include "util/diagnostics.hpp"

#include <algorithm>
#include <array>

namespace frontdoor {

SourceText::SourceText(std::string path, std::string text) : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(static_cast<SourceOffset>(i + 1));
}

LineColumn SourceText::locate(SourceOffset offset) const noexcept {
  if (offset == kNoOffset) return {};
  if (offset > text_.size()) offset = static_cast<SourceOffset>(text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  auto line = static_cast<std::uint32_t>(it - line_starts_.begin());
  return {line, offset - line_starts_[line - 1] + 1};
}

SourceOffset SourceText::offset_of(std::uint32_t line, std::uint32_t column) const noexcept {
  if (line == 0 || line > line_starts_.size()) return static_cast<SourceOffset>(text_.size());
  auto off = static_cast<std::size_t>(line_starts_[line - 1]) + (column ? column - 1 : 0);
  return static_cast<SourceOffset>(std::min(off, text_.size()));
}

std::string_view SourceText::line_text(std::uint32_t line) const noexcept {
  if (line == 0 || line > line_starts_.size()) return {};
  std::size_t b = line_starts_[line - 1];
  std::size_t e = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
  std::string_view s(text_.data() + b, e - b);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

SourcePosition SourceText::position(SourceOffset offset) const noexcept {
  auto lc = locate(offset);
  return {path_, lc.line, lc.column};
}

std::string SourceText::where(SourceOffset offset) const { return to_string(position(offset)); }

std::string to_string(const SourcePosition& p) {
  std::string out(p.path);
  if (p.line == 0) return out;
  return out + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

std::string_view to_string(Severity s) noexcept {
  switch (s) {
    case Severity::note: return "note";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "error";
}

std::string format(const Diagnostic& d, const SourceText* source) {
  std::string out = d.path;
  if (d.at.line) out += ":" + std::to_string(d.at.line) + ":" + std::to_string(d.at.column);
  out += ": ";
  out += to_string(d.severity);
  out += ": " + d.message + " [" + d.code + "]";
  if (source && d.at.line) {
    std::string_view line = source->line_text(d.at.line);
    if (line.size() > 200) line = line.substr(0, 200);
    std::string shown(line);
    for (char& ch : shown)  // never echo a control character (a terminal escape) from a document
      if ((static_cast<unsigned char>(ch) < 0x20 && ch != '\t') || ch == 0x7F) ch = '?';
    out += "\n  " + shown + "\n  ";
    for (std::uint32_t i = 1; i < d.at.column && i <= line.size(); ++i) out += line[i - 1] == '\t' ? '\t' : ' ';
    out += '^';
  }
  return out;
}

bool has_errors(const std::vector<Diagnostic>& ds) noexcept {
  return std::any_of(ds.begin(), ds.end(), [](const Diagnostic& d) { return d.severity == Severity::error; });
}

namespace detail {

void Diagnostics::add(Severity sev, std::string code, SourceOffset at, std::string message) {
  Diagnostic d;
  d.code = std::move(code);
  d.severity = sev;
  d.message = std::move(message);
  d.path = source_.path();
  d.offset = at;
  d.at = source_.locate(at);
  out_.push_back(std::move(d));
}

bool check_text(const SourceText& source, std::size_t max_bytes, Diagnostics& diags) {
  const std::string& t = source.text();
  if (t.size() > max_bytes) {
    diags.error("FD104", kNoOffset,
                "the document is " + std::to_string(t.size()) + " bytes, over the limit of " + std::to_string(max_bytes) + " bytes");
    return false;
  }
  auto n = t.size();
  for (std::size_t i = 0; i < n;) {
    auto c = static_cast<unsigned char>(t[i]);
    if (c == 0) {
      diags.error("FD105", static_cast<SourceOffset>(i), "the document contains a NUL byte");
      return false;
    }
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {  // YAML allows no other controls
      static const char* hex = "0123456789ABCDEF";
      diags.error("FD105", static_cast<SourceOffset>(i),
                  std::string("the document contains a control character (U+00") + hex[c >> 4] + hex[c & 0xF] + ")");
      return false;
    }
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len != 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(t[i + k]) >> 6) == 0x2;
    if (ok && len == 2) ok = c >= 0xC2;  // no overlong forms
    if (ok && len == 3) {
      auto c1 = static_cast<unsigned char>(t[i + 1]);
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);  // overlong, surrogates
    }
    if (ok && len == 4) {
      auto c1 = static_cast<unsigned char>(t[i + 1]);
      ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90) && c <= 0xF4;
    }
    if (!ok) {
      diags.error("FD105", static_cast<SourceOffset>(i), "the document is not valid UTF-8");
      return false;
    }
    i += len;
  }
  return true;
}

// Optimal-string-alignment distance (a swap of two neighbouring letters counts as one edit), or
// limit + 1 once it must exceed `limit`. Three rolling rows (the swap looks two rows back); a row's
// least entry never falls below the lesser of the previous row's and the one before's plus one, so
// two rows over the limit end it. A batch's rows with a misspelt concern each ask for it against
// every concern id, and most ids are far from the word: they stop after a few rows.
static std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  const std::size_t w = b.size() + 1;
  std::array<std::size_t, 3 * 64> small;
  std::vector<std::size_t> large;
  std::size_t* rows = small.data();
  if (3 * w > small.size()) large.resize(3 * w), rows = large.data();
  std::size_t *two_back = rows, *back = two_back + w, *row = back + w;
  for (std::size_t j = 0; j < w; ++j) back[j] = j;
  bool back_over = false;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    std::size_t least = i;
    for (std::size_t j = 1; j < w; ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({back[j] + 1, row[j - 1] + 1, back[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) row[j] = std::min(row[j], two_back[j - 2] + 1);
      least = std::min(least, row[j]);
    }
    if (least > limit && back_over) return limit + 1;
    back_over = least > limit;
    std::size_t* oldest = two_back;
    two_back = back;
    back = row;
    row = oldest;
  }
  return std::min(back[b.size()], limit + 1);
}

// The first candidate nearest the word among those within a third of the longer one's length (at
// least one edit) of it, or nothing.
std::string closest(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  std::size_t best_d = static_cast<std::size_t>(-1);
  for (auto c : candidates) {
    const std::size_t allowed = std::max<std::size_t>(1, std::max(word.size(), c.size()) / 3);
    // The distance is at least the difference in length: skip a candidate that could not be close
    // enough without computing it (a hostile word of a megabyte would cost seconds per candidate).
    std::size_t gap = word.size() > c.size() ? word.size() - c.size() : c.size() - word.size();
    if (gap > allowed || gap >= best_d) continue;
    const std::size_t limit = std::min(allowed, best_d - 1);
    if (auto d = edit_distance(word, c, limit); d <= limit) best_d = d, best = c;
  }
  return std::string(best);
}

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
  auto c = closest(word, candidates);
  return c.empty() ? std::string() : " (did you mean '" + c + "'?)";
}

std::string unknown_id_hint(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string out = did_you_mean(word, candidates);
  if (candidates.empty() || candidates.size() > 12) return out;
  out += "; one of: ";
  for (std::size_t i = 0; i < candidates.size(); ++i) (out += i ? ", " : "") += candidates[i];
  return out;
}

}  // namespace detail
}  // namespace frontdoor

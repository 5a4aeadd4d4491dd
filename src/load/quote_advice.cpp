#include "load/quote_advice.hpp"

#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string_view>

namespace frontdoor::detail {
namespace {

// The column (1-based) where an unquoted value after `when:` starts on this line, if the line has one
// that YAML would misread: it starts with ! & * [ { or ", or holds ': '.
std::optional<std::uint32_t> misread_when(std::string_view line) {
  for (std::size_t at = line.find("when:"); at != std::string_view::npos; at = line.find("when:", at + 1)) {
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(line[at - 1])) || line[at - 1] == '_')) continue;
    std::size_t v = line.find_first_not_of(" \t", at + 5);
    if (v == std::string_view::npos || v == at + 5) continue;  // `when:x` is not a key
    char c = line[v];
    if (c == '\'' || c == '|' || c == '>') continue;  // quoted, or a block scalar
    std::string_view value = line.substr(v);
    if (auto hash = value.find(" #"); hash != std::string_view::npos) value = value.substr(0, hash);
    bool starts_badly = std::string_view("!&*[{\"").find(c) != std::string_view::npos;
    if (starts_badly || value.find(": ") != std::string_view::npos) return static_cast<std::uint32_t>(v + 1);
  }
  return std::nullopt;
}

// Only where YAML itself complained (syntax, tags, anchors or aliases, a list or mapping where text
// was due): a `when` in double quotes with a mistake in its expression keeps that mistake's message.
bool yaml_misread(const Diagnostic& d) { return d.code == "FD101" || d.code == "FD103" || d.code == "FD112"; }

}  // namespace

void advise_quoting_when(const SourceText& source, std::vector<Diagnostic>& out, std::size_t from) {
  std::map<std::uint32_t, std::uint32_t> misread;  // line -> the value's column
  for (std::size_t i = from; i < out.size(); ++i) {
    const Diagnostic& d = out[i];
    if (d.severity != Severity::error || d.at.line == 0 || !yaml_misread(d)) continue;
    if (misread.count(d.at.line)) continue;
    if (auto column = misread_when(source.line_text(d.at.line))) misread.emplace(d.at.line, *column);
  }
  if (misread.empty()) return;
  std::vector<Diagnostic> kept(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(from));
  std::set<std::uint32_t> advised;  // lines already given the advice
  for (std::size_t i = from; i < out.size(); ++i) {
    Diagnostic& d = out[i];
    auto hit = misread.find(d.at.line);
    if (hit == misread.end()) {
      kept.push_back(std::move(d));
      continue;
    }
    if (!advised.insert(hit->first).second) continue;
    d.code = "FD101";
    d.severity = Severity::error;
    d.message =
        "quote this expression: YAML reads a `when` that starts with !, &, *, [, { or \" or holds ': ' as something "
        "other than text; write it in single quotes, when: '...'";
    d.offset = source.offset_of(hit->first, hit->second);
    d.at = source.locate(d.offset);
    kept.push_back(std::move(d));
  }
  out = std::move(kept);
}

}  // namespace frontdoor::detail

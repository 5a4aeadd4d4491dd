// Number formatting for the figures, audit and diff text reports (their JSON goes through
// util/json.hpp, the writer decisions use). Private to src/figures.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "frontdoor/figures.hpp"
#include "util/json.hpp"

namespace frontdoor::detail {

// A month (year * 12 + month - 1) as YYYY-MM.
inline std::string month_key(std::int32_t m) {
  std::int32_t year = m >= 0 ? m / 12 : -((-m + 11) / 12);
  std::int32_t month = m - year * 12 + 1;
  std::string s = std::to_string(year);
  while (s.size() < 4) s.insert(s.begin(), '0');
  return s + (month < 10 ? "-0" : "-") + std::to_string(month);
}

// SPEC 7.8's override figures (src/figures/overrides.cpp): counted once the other figures' slices
// are known, written into the figures' JSON object and appended to their text.
void count_overrides(const FigureInput&, Figures&);
void write_overrides(JsonWriter&, const Figures&);
void append_overrides_text(std::string&, const Figures&);

// 24000 -> "24,000"
inline std::string thousands(std::int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

// n / of as a percentage with one decimal ("41.2%"); "-" when `of` is zero.
inline std::string percent(std::int64_t n, std::int64_t of) {
  if (of == 0) return "-";
  char buf[32];
  double v = 100.0 * static_cast<double>(n) / static_cast<double>(of);
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
  return std::string(buf, r.ptr) + "%";
}

inline std::string pad_left(std::string s, std::size_t width) { return s.size() >= width ? s : std::string(width - s.size(), ' ') + s; }
inline std::string pad_right(std::string s, std::size_t width) { return s.size() >= width ? s : s + std::string(width - s.size(), ' '); }

}  // namespace frontdoor::detail

#include "time/civil.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace frontdoor::detail {

// Howard Hinnant's public-domain algorithms (chrono-compatible low-level date algorithms).
std::int32_t days_from_civil(CivilDate c) noexcept {
  std::int32_t y = c.year - (c.month <= 2);
  const std::int32_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<std::uint32_t>(y - era * 400);
  const std::uint32_t doy = (153 * (c.month + (c.month > 2 ? -3 : 9)) + 2) / 5 + c.day - 1;
  const std::uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int32_t>(doe) - 719468;
}

CivilDate civil_from_days(std::int32_t z) noexcept {
  z += 719468;
  const std::int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<std::uint32_t>(z - era * 146097);
  const std::uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int32_t y = static_cast<std::int32_t>(yoe) + era * 400;
  const std::uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::uint32_t mp = (5 * doy + 2) / 153;
  const std::uint32_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::uint32_t m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

std::uint32_t last_day_of_month(std::int32_t y, std::uint32_t m) noexcept {
  static constexpr std::uint32_t days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

namespace {
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) noexcept {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}
}  // namespace

std::optional<CivilDate> parse_civil_date(std::string_view s) noexcept {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, m) || !digits(s, 8, 2, d)) return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || static_cast<std::uint32_t>(d) > last_day_of_month(y, static_cast<std::uint32_t>(m))) return std::nullopt;
  return CivilDate{y, static_cast<std::uint32_t>(m), static_cast<std::uint32_t>(d)};
}

std::optional<std::int32_t> parse_date(std::string_view s) noexcept {
  auto c = parse_civil_date(s);
  if (!c) return std::nullopt;
  return days_from_civil(*c);
}

namespace {

bool has_time(std::string_view s) noexcept { return s.size() >= 17 && (s[10] == 'T' || s[10] == 't' || s[10] == ' '); }

// The rest of a timestamp, from its time of day, on `day`.
std::optional<std::int64_t> time_on(std::int32_t day, std::string_view s) noexcept {
  int hh, mm, ss = 0;
  if (!digits(s, 11, 2, hh) || s[13] != ':' || !digits(s, 14, 2, mm)) return std::nullopt;
  std::size_t p = 16;
  std::int64_t ms = 0;
  if (p < s.size() && s[p] == ':') {
    if (!digits(s, p + 1, 2, ss)) return std::nullopt;
    p += 3;
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
      ++p;
      std::size_t b = p;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
        if (p - b < 3) ms = ms * 10 + (s[p] - '0');
        ++p;
      }
      if (p == b || p - b > 9) return std::nullopt;
      for (std::size_t k = p - b; k < 3; ++k) ms *= 10;
    }
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  if (ss == 60) ss = 59;  // a leap second reads as the second before it
  std::int64_t offset = 0;
  if (p >= s.size()) return std::nullopt;  // no offset
  if (s[p] == 'Z' || s[p] == 'z') {
    ++p;
  } else if (s[p] == '+' || s[p] == '-') {
    int oh, om;
    int sign = s[p] == '-' ? -1 : 1;
    if (!digits(s, p + 1, 2, oh)) return std::nullopt;
    p += 3;
    om = 0;  // +HH alone is a whole-hour offset
    if (p < s.size()) {
      if (s[p] == ':') ++p;
      if (!digits(s, p, 2, om)) return std::nullopt;
      p += 2;
    }
    if (oh > 23 || om > 59) return std::nullopt;
    offset = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (p != s.size()) return std::nullopt;
  return (static_cast<std::int64_t>(day) * 86400 + hh * 3600 + mm * 60 + ss - offset) * 1000 + ms;
}

}  // namespace

std::optional<std::int64_t> parse_timestamp(std::string_view s) noexcept {
  if (!has_time(s)) return std::nullopt;
  auto day = parse_date(s.substr(0, 10));
  if (!day) return std::nullopt;
  return time_on(*day, s);
}

std::optional<std::int64_t> parse_timestamp(std::string_view s, DateMemo& memo) noexcept {
  if (!has_time(s)) return std::nullopt;
  if (!memo.set || std::memcmp(memo.text, s.data(), 10) != 0) {
    auto day = parse_date(s.substr(0, 10));
    if (!day) return std::nullopt;
    std::memcpy(memo.text, s.data(), 10);
    memo.day = *day;
    memo.set = true;
  }
  return time_on(memo.day, s);
}

std::string format_date(std::int32_t days) {
  auto c = civil_from_days(days);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

void append_timestamp(std::string& s, std::int64_t ms) {
  std::int64_t t = floor_div(ms, 1000);
  auto days = static_cast<std::int32_t>(floor_div(t, 86400));
  auto secs = t - static_cast<std::int64_t>(days) * 86400;
  auto c = civil_from_days(days);
  if (c.year < 0 || c.year > 9999) {  // rare: let printf write the sign and the extra digits
    char buf[40];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", c.year, c.month, c.day, static_cast<int>(secs / 3600),
                          static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
    s.append(buf, static_cast<std::size_t>(std::clamp(n, 0, static_cast<int>(sizeof buf) - 1)));
    return;
  }
  // Digit by digit: a batch writes one of these per decision, and printf was a visible cost.
  char buf[20] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0', '0', ':', '0', '0', ':', '0', '0', 'Z'};
  auto put = [&](std::size_t at, unsigned v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) buf[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
  };
  put(0, static_cast<unsigned>(c.year), 4);
  put(5, c.month, 2);
  put(8, c.day, 2);
  put(11, static_cast<unsigned>(secs / 3600), 2);
  put(14, static_cast<unsigned>(secs / 60 % 60), 2);
  put(17, static_cast<unsigned>(secs % 60), 2);
  s.append(buf, sizeof buf);
}

std::string format_timestamp(std::int64_t ms) {
  std::string s;
  append_timestamp(s, ms);
  return s;
}

std::int64_t minus_months(std::int64_t t, std::int64_t months) noexcept {
  auto days = static_cast<std::int32_t>(floor_div(t, kMsPerDay));
  auto rest = t - static_cast<std::int64_t>(days) * kMsPerDay;
  auto c = civil_from_days(days);
  std::int64_t idx = static_cast<std::int64_t>(c.year) * 12 + (c.month - 1) - months;
  auto y = static_cast<std::int32_t>(floor_div(idx, 12));
  auto m = static_cast<std::uint32_t>(idx - static_cast<std::int64_t>(y) * 12 + 1);
  auto d = std::min(c.day, last_day_of_month(y, m));
  return static_cast<std::int64_t>(days_from_civil({y, m, d})) * kMsPerDay + rest;
}

std::int64_t months_between(std::int32_t from, std::int32_t to) noexcept {
  return months_between(civil_from_days(from), civil_from_days(to));
}

std::int64_t months_between(const CivilDate& a, const CivilDate& b) noexcept {
  std::int64_t months = (static_cast<std::int64_t>(b.year) - a.year) * 12 + (static_cast<std::int64_t>(b.month) - a.month);
  // dob + m months is clamped to the month's end (31 Jan + 1 month = 28 Feb), as windows are.
  if (b.day < a.day && b.day != last_day_of_month(b.year, b.month)) --months;
  return months;
}

}  // namespace frontdoor::detail

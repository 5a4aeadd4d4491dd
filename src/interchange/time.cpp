// Local dates and times for file formats that carry them (Annex A's dd/mm/yyyy, SQL Server's
// "yyyy-mm-dd hh:mm:ss"), converted with the system time-zone database.
#include <date/tz.h>

#include <cctype>

#include "interchange/common.hpp"
#include "time/civil.hpp"

namespace frontdoor::interchange::detail {

namespace civil = frontdoor::detail;

bool known_timezone(const std::string& name) {
  if (name == "UTC") return true;
  try {
    return date::locate_zone(name) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

std::int32_t days_from_civil(std::int32_t y, unsigned m, unsigned d) { return civil::days_from_civil({y, m, d}); }

LocalTime civil_from_days(std::int32_t days) {
  auto c = civil::civil_from_days(days);
  LocalTime t;
  t.year = c.year, t.month = c.month, t.day = c.day;
  return t;
}

std::int64_t to_utc(const std::string& tz, const LocalTime& t) {
  std::int64_t local =
      static_cast<std::int64_t>(days_from_civil(t.year, t.month, t.day)) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
  if (tz == "UTC") return local;
  const date::time_zone* zone = date::locate_zone(tz);
  date::local_seconds ls{std::chrono::seconds{local}};
  auto info = zone->get_info(ls);
  if (info.result == date::local_info::nonexistent) return info.second.begin.time_since_epoch().count();
  return local - info.first.offset.count();  // unique, or the earlier of an ambiguous pair
}

LocalTime to_local(const std::string& tz, std::int64_t utc) {
  std::int64_t offset = 0;
  if (tz != "UTC") offset = date::locate_zone(tz)->get_info(date::sys_seconds{std::chrono::seconds{utc}}).offset.count();
  std::int64_t local = utc + offset;
  auto days = static_cast<std::int32_t>(civil::floor_div(local, 86400));
  LocalTime t = civil_from_days(days);
  std::int64_t s = local - static_cast<std::int64_t>(days) * 86400;
  t.hour = static_cast<unsigned>(s / 3600), t.minute = static_cast<unsigned>(s / 60 % 60), t.second = static_cast<unsigned>(s % 60);
  return t;
}

std::optional<std::int64_t> parse_instant(std::string_view iso) {
  auto ms = civil::parse_timestamp(iso);
  if (!ms) return std::nullopt;
  return civil::floor_div(*ms, 1000);
}

std::optional<std::int32_t> parse_iso_date(std::string_view s) { return civil::parse_date(s); }
std::string iso_instant(std::int64_t utc_seconds) { return civil::format_timestamp(utc_seconds * 1000); }
std::string iso_date(std::int32_t days) { return civil::format_date(days); }

bool pattern_has_time(std::string_view p) { return p.find("%H") != std::string_view::npos || p.find("%M") != std::string_view::npos; }

std::optional<LocalTime> parse_pattern(std::string_view text, std::string_view p) {
  LocalTime t;
  bool y = false, m = false, d = false;
  std::size_t i = 0;
  auto digits = [&](std::size_t min, std::size_t max, unsigned& out) {
    std::size_t n = 0;
    unsigned v = 0;
    while (n < max && i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) v = v * 10 + (text[i++] - '0'), ++n;
    out = v;
    return n >= min;
  };
  for (std::size_t k = 0; k < p.size(); ++k) {
    if (p[k] == '%' && k + 1 < p.size()) {
      char c = p[++k];
      unsigned v = 0;
      switch (c) {
        case 'Y':
          if (!digits(4, 4, v)) return std::nullopt;
          t.year = static_cast<std::int32_t>(v), y = true;
          break;
        case 'm':
          if (!digits(1, 2, v) || v < 1 || v > 12) return std::nullopt;
          t.month = v, m = true;
          break;
        case 'd':
          if (!digits(1, 2, v) || v < 1 || v > 31) return std::nullopt;
          t.day = v, d = true;
          break;
        case 'H':
          if (!digits(1, 2, v) || v > 23) return std::nullopt;
          t.hour = v;
          break;
        case 'M':
          if (!digits(1, 2, v) || v > 59) return std::nullopt;
          t.minute = v;
          break;
        case 'S':
          if (!digits(1, 2, v) || v > 59) return std::nullopt;
          t.second = v;
          if (i + 1 < text.size() && text[i] == '.' && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
            ++i;
            while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;  // a fraction: dropped
          }
          break;
        case '%':
          if (i >= text.size() || text[i] != '%') return std::nullopt;
          ++i;
          break;
        default: return std::nullopt;
      }
    } else {
      if (i >= text.size() || text[i] != p[k]) return std::nullopt;
      ++i;
    }
  }
  if (i != text.size() || !y || !m || !d) return std::nullopt;
  if (t.day > frontdoor::detail::last_day_of_month(t.year, t.month)) return std::nullopt;
  return t;
}

std::string format_pattern(const LocalTime& t, std::string_view p) {
  std::string out;
  auto two = [&](unsigned v) {
    out += static_cast<char>('0' + v / 10 % 10);
    out += static_cast<char>('0' + v % 10);
  };
  for (std::size_t k = 0; k < p.size(); ++k) {
    if (p[k] == '%' && k + 1 < p.size()) {
      switch (p[++k]) {
        case 'Y': {
          std::string y = std::to_string(t.year);
          out += std::string(y.size() < 4 ? 4 - y.size() : 0, '0') + y;
          break;
        }
        case 'm': two(t.month); break;
        case 'd': two(t.day); break;
        case 'H': two(t.hour); break;
        case 'M': two(t.minute); break;
        case 'S': two(t.second); break;
        case '%': out += '%'; break;
        default: out += '%', out += p[k];
      }
    } else {
      out += p[k];
    }
  }
  return out;
}

}  // namespace frontdoor::interchange::detail

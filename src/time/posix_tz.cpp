#include "time/posix_tz.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "time/civil.hpp"

namespace frontdoor::detail {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  bool eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
    return false;
  }
  // A zone abbreviation: letters, or anything between < and >.
  bool name() {
    if (eat('<')) {
      while (i_ < s_.size() && s_[i_] != '>') ++i_;
      return eat('>');
    }
    std::size_t from = i_;
    while (i_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[i_]))) ++i_;
    return i_ - from >= 3;
  }
  bool peek_name() const { return i_ < s_.size() && (s_[i_] == '<' || std::isalpha(static_cast<unsigned char>(s_[i_]))); }
  bool number(int& out) {
    std::size_t from = i_;
    out = 0;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) out = out * 10 + (s_[i_++] - '0');
    return i_ > from && out < 1000;
  }
  // [+-]hh[:mm[:ss]] as seconds.
  bool time(std::int32_t& out) {
    int sign = eat('-') ? -1 : (eat('+'), 1);
    int h = 0, m = 0, sec = 0;
    if (!number(h)) return false;
    if (eat(':') && !number(m)) return false;
    if (eat(':') && !number(sec)) return false;
    out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }
  bool change(PosixZoneRule::Change& c) {
    if (!eat('M') || !number(c.month) || !eat('.') || !number(c.week) || !eat('.') || !number(c.weekday)) return false;
    if (c.month < 1 || c.month > 12 || c.week < 1 || c.week > 5 || c.weekday > 6) return false;
    return !eat('/') || time(c.time);
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

// The day (days since 1970-01-01) of the w-th (5: last) weekday d of a month.
std::int32_t day_of(int year, const PosixZoneRule::Change& c) {
  std::int32_t first = days_from_civil({year, static_cast<std::uint32_t>(c.month), 1});
  std::int32_t d = first + (c.weekday - static_cast<int>(weekday(first)) + 7) % 7 + (c.week - 1) * 7;
  std::int32_t last =
      days_from_civil({year, static_cast<std::uint32_t>(c.month), last_day_of_month(year, static_cast<std::uint32_t>(c.month))});
  while (d > last) d -= 7;
  return d;
}

}  // namespace

std::optional<PosixZoneRule> parse_posix_rule(std::string_view s) {
  Reader r(s);
  PosixZoneRule rule;
  std::int32_t west = 0;
  if (!r.name() || !r.time(west)) return std::nullopt;
  rule.std_offset = rule.dst_offset = -west;
  if (r.done()) return rule;
  if (!r.name()) return std::nullopt;
  rule.has_dst = true;
  rule.dst_offset = rule.std_offset + 3600;
  if (!r.peek_name() && !r.eat(',')) {
    std::int32_t dst_west = 0;
    if (!r.time(dst_west)) return std::nullopt;
    rule.dst_offset = -dst_west;
    if (!r.eat(',')) return std::nullopt;
  }
  if (!r.change(rule.start) || !r.eat(',') || !r.change(rule.end) || !r.done()) return std::nullopt;
  return rule;
}

std::optional<PosixZoneRule> zone_footer_rule(const std::string& zone) {
  if (zone.empty() || zone.find("..") != std::string::npos) return std::nullopt;
  const char* dir = std::getenv("TZDIR");
  std::ifstream in(std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + zone, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 2 || bytes.back() != '\n') return std::nullopt;
  std::size_t open = bytes.rfind('\n', bytes.size() - 2);
  if (open == std::string::npos) return std::nullopt;
  return parse_posix_rule(std::string_view(bytes).substr(open + 1, bytes.size() - open - 2));
}

std::vector<std::pair<std::int64_t, std::int32_t>> rule_changes(const PosixZoneRule& rule, int from_year, int to_year) {
  std::vector<std::pair<std::int64_t, std::int32_t>> out;
  if (!rule.has_dst) return out;
  for (int y = from_year; y < to_year; ++y) {
    // The start is given in standard time, the end in summer time (POSIX).
    std::int64_t start = std::int64_t{day_of(y, rule.start)} * 86400 + rule.start.time - rule.std_offset;
    std::int64_t end = std::int64_t{day_of(y, rule.end)} * 86400 + rule.end.time - rule.dst_offset;
    out.emplace_back(start, rule.dst_offset);
    out.emplace_back(end, rule.std_offset);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace frontdoor::detail

#include "time/bank_holidays.hpp"

#include <algorithm>
#include <set>

#include "time/civil.hpp"

namespace frontdoor::detail {
namespace {

std::int32_t day(std::int32_t y, std::uint32_t m, std::uint32_t d) { return days_from_civil({y, m, d}); }

bool weekend(std::int32_t d) { return weekday(d) == 0 || weekday(d) == 6; }

// Easter Sunday (the Gregorian computus, the "anonymous" algorithm).
std::int32_t easter(std::int32_t y) {
  std::int32_t a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
  std::int32_t h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  std::int32_t m = (a + 11 * h + 22 * l) / 451;
  auto month = static_cast<std::uint32_t>((h + l - 7 * m + 114) / 31), dd = static_cast<std::uint32_t>((h + l - 7 * m + 114) % 31 + 1);
  return day(y, month, dd);
}

// The first (n = 1) or last (n = -1) Monday of a month.
std::int32_t monday(std::int32_t y, std::uint32_t m, int n) {
  if (n > 0) {
    std::int32_t d = day(y, m, 1);
    return d + (8 - weekday(d)) % 7;
  }
  std::int32_t d = day(y, m, last_day_of_month(y, m));
  return d - (weekday(d) + 6) % 7;
}

// A day fixed by date moves, when it falls at a weekend or on a day already a holiday, to the next
// weekday that is not: so Christmas on a Saturday is kept on Monday and Boxing Day on Tuesday.
void fixed(std::set<std::int32_t>& days, std::int32_t d) {
  while (weekend(d) || days.count(d)) ++d;
  days.insert(d);
}

void year_of(Nation n, std::int32_t y, std::set<std::int32_t>& days) {
  fixed(days, day(y, 1, 1));
  if (n == Nation::scotland) fixed(days, day(y, 1, 2));
  if (n == Nation::northern_ireland) fixed(days, day(y, 3, 17));  // St Patrick's Day
  days.insert(easter(y) - 2);                                     // Good Friday
  if (n != Nation::scotland) days.insert(easter(y) + 1);          // Easter Monday
  // Early May: moved to Friday 8 May in 2020 for the 75th anniversary of VE Day.
  days.insert(y == 2020 ? day(2020, 5, 8) : monday(y, 5, 1));
  // Spring: moved into June for the Diamond (2012) and Platinum (2022) Jubilees.
  days.insert(y == 2012 ? day(2012, 6, 4) : y == 2022 ? day(2022, 6, 2) : monday(y, 5, -1));
  if (n == Nation::northern_ireland) fixed(days, day(y, 7, 12));  // Battle of the Boyne
  days.insert(n == Nation::scotland ? monday(y, 8, 1) : monday(y, 8, -1));
  if (n == Nation::scotland) fixed(days, day(y, 11, 30));  // St Andrew's Day
  fixed(days, day(y, 12, 25));
  fixed(days, day(y, 12, 26));
}

// Proclaimed once, in every nation: a royal wedding, two jubilees, a state funeral, a coronation.
constexpr CivilDate kOneOff[] = {{2011, 4, 29}, {2012, 6, 5}, {2022, 6, 3}, {2022, 9, 19}, {2023, 5, 8}};

}  // namespace

std::optional<Nation> nation_of_preset(std::string_view preset) noexcept {
  if (preset == kCalendarPresets[0]) return Nation::england_and_wales;
  if (preset == kCalendarPresets[1]) return Nation::scotland;
  if (preset == kCalendarPresets[2]) return Nation::northern_ireland;
  return std::nullopt;
}

std::vector<std::int32_t> bank_holidays(Nation n, std::int32_t from_year, std::int32_t to_year) {
  std::set<std::int32_t> days;
  for (std::int32_t y = from_year; y <= to_year; ++y) year_of(n, y, days);
  for (auto& d : kOneOff)
    if (d.year >= from_year && d.year <= to_year) days.insert(days_from_civil(d));
  return {days.begin(), days.end()};
}

}  // namespace frontdoor::detail

// Calendar arithmetic on UTC instants and civil dates, and ISO 8601 parsing/formatting.
// Time zones live in calendar.hpp; this file needs no time-zone database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace frontdoor::detail {

struct CivilDate {
  std::int32_t year;
  std::uint32_t month;  // 1..12
  std::uint32_t day;    // 1..31
};

std::int32_t days_from_civil(CivilDate) noexcept;  // days since 1970-01-01
CivilDate civil_from_days(std::int32_t days) noexcept;
std::uint32_t last_day_of_month(std::int32_t year, std::uint32_t month) noexcept;
// a / b rounded down, for b > 0 (every caller divides by a positive constant).
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept { return a / b - (a % b < 0); }
inline std::int32_t weekday(std::int32_t days) noexcept {  // 0 = Sunday ... 6 = Saturday
  return static_cast<std::int32_t>(days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6);
}

// "YYYY-MM-DD" (a real date) -> days since epoch.
std::optional<std::int32_t> parse_date(std::string_view) noexcept;
// The same date as year, month and day (no calendar arithmetic).
std::optional<CivilDate> parse_civil_date(std::string_view) noexcept;
// Instants are milliseconds since the Unix epoch, UTC: two contacts a fraction of a second apart are
// still one before the other (SPEC 2.2 windows are half-open).
inline constexpr std::int64_t kMsPerDay = 86400000;
// "YYYY-MM-DDTHH:MM[:SS[.frac]](Z|+HH:MM|-HH:MM|+HHMM)" -> milliseconds since epoch, UTC. Digits
// past the millisecond are dropped. An offset is required: a local time without one is ambiguous.
std::optional<std::int64_t> parse_timestamp(std::string_view) noexcept;
// The date parse_timestamp last read through it and the day that came to: a column of timestamps in
// time order mostly repeats the row before's date, which then needs no calendar arithmetic.
struct DateMemo {
  char text[10] = {};
  std::int32_t day = 0;
  bool set = false;
};
std::optional<std::int64_t> parse_timestamp(std::string_view, DateMemo&) noexcept;
std::string format_timestamp(std::int64_t ms);           // YYYY-MM-DDTHH:MM:SSZ (whole seconds, rounded down)
void append_timestamp(std::string& s, std::int64_t ms);  // the same text, appended to s
std::string format_date(std::int32_t days);              // YYYY-MM-DD

// The same instant `months` calendar months earlier: same day of month (clamped to the month's end),
// same time of day, on the UTC calendar.
std::int64_t minus_months(std::int64_t ms, std::int64_t months) noexcept;

// Completed months and years from birth date to date (both days since epoch); negative if before.
std::int64_t months_between(std::int32_t from, std::int32_t to) noexcept;
std::int64_t months_between(const CivilDate& from, const CivilDate& to) noexcept;

}  // namespace frontdoor::detail

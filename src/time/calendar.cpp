#include "time/calendar.hpp"

#include <date/tz.h>

#include <algorithm>
#include <bit>

#include "time/civil.hpp"
#include "time/posix_tz.hpp"

namespace frontdoor::detail {

namespace {
constexpr std::int64_t kIndexedDays = 47482;  // 1970-01-01 to 2100-01-01
static_assert(kIndexedDays % 64 != 0, "index_days masks the last word of working_");
}  // namespace

bool is_known_timezone(std::string_view name) {
  if (name == "UTC") return true;
  try {
    return date::locate_zone(std::string(name)) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

WorkCalendar::WorkCalendar(const Calendar& c) : day_start_(c.day_start), day_end_(c.day_end), holidays_(c.holidays) {
  if (!holidays_.empty()) {
    first_holiday_ = holidays_.front();
    holiday_bits_.assign(static_cast<std::size_t>((static_cast<std::int64_t>(holidays_.back()) - first_holiday_) / 64 + 1), 0);
    for (auto d : holidays_) {
      auto i = static_cast<std::uint64_t>(static_cast<std::int64_t>(d) - first_holiday_);
      holiday_bits_[i / 64] |= 1ull << (i % 64);
    }
  }
  if (c.timezone != "UTC") read_zone(c.timezone);
  index_days();
}

void WorkCalendar::read_zone(const std::string& timezone) {
  zone_ = date::locate_zone(timezone);
  constexpr std::int64_t kFrom = -2208988800;  // 1900-01-01
  constexpr std::int64_t kTo = 7258118400;     // 2200-01-01
  change_at_.push_back(INT64_MIN);
  offset_.push_back(static_cast<std::int32_t>(zone_->get_info(date::sys_seconds{std::chrono::seconds{kFrom}}).offset.count()));
  for (std::int64_t t = kFrom; t < kTo;) {
    auto info = zone_->get_info(date::sys_seconds{std::chrono::seconds{t}});
    std::int64_t end = info.end.time_since_epoch().count();
    if (end <= t) break;
    auto next = static_cast<std::int32_t>(zone_->get_info(date::sys_seconds{std::chrono::seconds{std::min(end, kTo)}}).offset.count());
    if (end < kTo && next != offset_.back()) {
      change_at_.push_back(end);
      offset_.push_back(next);
    }
    t = end;
  }
  extend_by_footer(timezone, kTo);
  change_at_.push_back(kTo);  // past the table: ask the database
  offset_.push_back(offset_.back());
  std::size_t entry = 0;
  for (std::int64_t day = 0; day < kIndexedDays; ++day) {
    while (entry + 1 < change_at_.size() && change_at_[entry + 1] <= day * 86400) ++entry;
    day_entry_.push_back(static_cast<std::uint16_t>(entry));
  }
}

// The tz library stops at the last transition its files list (2037 for Europe/London); after it,
// the zone's own rule (the TZif footer) gives each year's changes.
void WorkCalendar::extend_by_footer(const std::string& timezone, std::int64_t until) {
  auto rule = zone_footer_rule(timezone);
  if (!rule || !rule->has_dst) return;
  const std::int64_t last = change_at_.size() > 1 ? change_at_.back() : 0;
  const int from_year = civil_from_days(static_cast<std::int32_t>(floor_div(last, 86400))).year;
  const int to_year = civil_from_days(static_cast<std::int32_t>(floor_div(until, 86400))).year;
  for (auto [at, offset] : rule_changes(*rule, from_year, to_year)) {
    if (at <= last || at >= until || offset == offset_.back()) continue;
    change_at_.push_back(at);
    offset_.push_back(offset);
  }
}

std::int64_t WorkCalendar::offset_at(std::int64_t utc) const noexcept {
  if (!zone_) return 0;
  if (utc >= change_at_.back()) return zone_->get_info(date::sys_seconds{std::chrono::seconds{utc}}).offset.count();
  if (utc >= 0 && utc < kIndexedDays * 86400 && change_at_.size() < 65536) {
    std::size_t e = day_entry_[static_cast<std::size_t>(utc / 86400)];
    while (change_at_[e + 1] <= utc) ++e;
    return offset_[e];
  }
  auto it = std::upper_bound(change_at_.begin(), change_at_.end(), utc);
  return offset_[static_cast<std::size_t>(it - change_at_.begin()) - 1];
}

std::int32_t WorkCalendar::local_day(std::int64_t utc_ms) const {
  std::int64_t day = floor_div(utc_ms, kMsPerDay);
  if (day >= 0 && day < kIndexedDays) {  // the instant lies inside its UTC day's settled window
    std::int32_t off = settled_offset_[static_cast<std::size_t>(day)];
    if (off != kUnsettled) return static_cast<std::int32_t>(floor_div(utc_ms + off * std::int64_t{1000}, kMsPerDay));
  }
  std::int64_t utc = floor_div(utc_ms, 1000);
  return static_cast<std::int32_t>(floor_div(utc + offset_at(utc), 86400));
}

std::int64_t WorkCalendar::to_utc(std::int32_t day, std::int32_t minutes) const {
  std::int64_t local = static_cast<std::int64_t>(day) * 86400 + minutes * 60;
  if (!zone_) return local * 1000;
  // No offset changes within 26 hours either side: the local time maps to exactly one instant.
  std::int64_t before = offset_at(local - 26 * 3600), after = offset_at(local + 26 * 3600);
  if (before == after) return (local - before) * 1000;
  auto info = zone_->get_info(date::local_seconds{std::chrono::seconds{local}});
  // In a gap (clocks go forward) the local time does not exist: take the moment the gap ends.
  if (info.result == date::local_info::nonexistent) return info.second.begin.time_since_epoch().count() * 1000;
  return (local - info.first.offset.count()) * 1000;  // unique, or the earlier of an ambiguous pair
}

void WorkCalendar::index_days() {
  // Working days: Monday to Friday, a week pattern laid down 64 days at a time, less the holidays.
  working_.assign((kIndexedDays + 63) / 64, 0);
  for (std::size_t w = 0; w < working_.size(); ++w) {
    auto first = static_cast<std::int32_t>(w * 64);
    for (std::int32_t k = 0; k < 64; ++k) {
      auto wd = weekday(first + k);
      working_[w] |= static_cast<std::uint64_t>(wd != 0 && wd != 6) << k;
    }
  }
  for (auto d : holidays_)
    if (d >= 0 && d < kIndexedDays) working_[static_cast<std::size_t>(d) / 64] &= ~(1ull << (d % 64));
  working_.back() &= (1ull << (kIndexedDays % 64)) - 1;  // no bits past the indexed days (kIndexedDays % 64 != 0)
  // Settled offsets: the table entry in force 26 hours before the local day begins and 50 hours
  // after (the day's end plus 26 hours), found with two pointers moving forward; equal entries mean
  // no change in between.
  settled_offset_.assign(static_cast<std::size_t>(kIndexedDays), 0);
  if (!zone_) return;
  std::size_t from = 0, to = 0;
  for (std::int64_t day = 0; day < kIndexedDays; ++day) {
    std::int64_t local = day * 86400;
    while (from + 1 < change_at_.size() && change_at_[from + 1] <= local - 26 * 3600) ++from;
    while (to + 1 < change_at_.size() && change_at_[to + 1] <= local + 50 * 3600) ++to;
    settled_offset_[static_cast<std::size_t>(day)] = from == to && to + 1 < change_at_.size() ? offset_[from] : kUnsettled;
  }
}

std::int32_t WorkCalendar::next_working_day(std::int32_t day) const noexcept {
  while (day >= 0 && day < kIndexedDays) {  // a word of the working-day bits at a time
    auto i = static_cast<std::size_t>(day);
    if (std::uint64_t bits = working_[i / 64] >> (i % 64)) return day + std::countr_zero(bits);
    day = static_cast<std::int32_t>((i / 64 + 1) * 64);
  }
  while (!is_working_day(day)) ++day;
  return day;
}

bool WorkCalendar::is_working_day(std::int32_t day) const noexcept {
  if (day >= 0 && day < kIndexedDays) return (working_[static_cast<std::size_t>(day) / 64] >> (day % 64)) & 1;
  auto wd = weekday(day);
  if (wd == 0 || wd == 6) return false;
  auto i = static_cast<std::uint64_t>(static_cast<std::int64_t>(day) - first_holiday_);  // wraps below the first
  return i / 64 >= holiday_bits_.size() || !((holiday_bits_[i / 64] >> (i % 64)) & 1);
}

inline void WorkCalendar::period(std::int32_t day, std::int64_t& begin, std::int64_t& end) const {
  if (day >= 0 && day < kIndexedDays) {
    std::int32_t off = settled_offset_[static_cast<std::size_t>(day)];
    if (off != kUnsettled) {
      std::int64_t local = static_cast<std::int64_t>(day) * 86400;
      begin = (local + day_start_ * 60 - off) * 1000;
      end = (local + day_end_ * 60 - off) * 1000;
      return;
    }
  }
  period_near_change(day, begin, end);
}

void WorkCalendar::period_near_change(std::int32_t day, std::int64_t& begin, std::int64_t& end) const {
  std::int64_t local = static_cast<std::int64_t>(day) * 86400;
  // to_utc's test once for the whole day: no offset change from 26 hours before it begins to 26
  // hours after it ends, so both ends of the period share one offset.
  std::int64_t before = offset_at(local - 26 * 3600);
  if (!zone_ || before == offset_at(local + 50 * 3600)) {
    begin = (local + day_start_ * 60 - before) * 1000;
    end = (local + day_end_ * 60 - before) * 1000;
    return;
  }
  begin = to_utc(day, day_start_);
  end = to_utc(day, day_end_);
}

std::int64_t WorkCalendar::add(std::int64_t start, const Span& span) const {
  using U = Span::Unit;
  if (span.unit == U::none) return start;
  if (span.unit == U::hours) return start + span.amount * 3600000;
  if (span.unit == U::days) return start + span.amount * kMsPerDay;
  std::int64_t remaining = span.unit == U::working_hours ? span.amount * 3600000 : span.amount * (day_end_ - day_start_) * 60000;
  std::int64_t t = start;
  for (std::int32_t day = next_working_day(local_day(start));; day = next_working_day(day + 1)) {
    std::int64_t begin, end;
    period(day, begin, end);
    if (t >= end) continue;
    begin = std::max(begin, t);
    // A deadline that uses up a period exactly is that period's end, not the next morning.
    if (remaining <= end - begin) return begin + remaining;
    remaining -= end - begin;
    t = end;
  }
}

}  // namespace frontdoor::detail

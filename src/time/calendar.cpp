#include "time/calendar.hpp"

#include <date/tz.h>

#include <algorithm>

#include "time/civil.hpp"

namespace frontdoor::detail {

namespace {
constexpr std::int64_t kIndexedDays = 47482;  // 1970-01-01 to 2100-01-01
}

bool is_known_timezone(std::string_view name) {
  if (name == "UTC") return true;
  try {
    return date::locate_zone(std::string(name)) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

WorkCalendar::WorkCalendar(const Calendar& c)
    : day_start_(c.day_start), day_end_(c.day_end), holidays_(c.holidays) {
  if (!holidays_.empty()) {
    first_holiday_ = holidays_.front();
    holiday_bits_.assign(static_cast<std::size_t>((static_cast<std::int64_t>(holidays_.back()) - first_holiday_) / 64 + 1), 0);
    for (auto d : holidays_) {
      auto i = static_cast<std::uint64_t>(static_cast<std::int64_t>(d) - first_holiday_);
      holiday_bits_[i / 64] |= 1ull << (i % 64);
    }
  }
  if (c.timezone == "UTC") return;
  zone_ = date::locate_zone(c.timezone);
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
  change_at_.push_back(kTo);  // past the table: ask the database
  offset_.push_back(offset_.back());
  std::size_t entry = 0;
  for (std::int64_t day = 0; day < kIndexedDays; ++day) {
    while (entry + 1 < change_at_.size() && change_at_[entry + 1] <= day * 86400) ++entry;
    day_entry_.push_back(static_cast<std::uint16_t>(entry));
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

bool WorkCalendar::is_working_day(std::int32_t day) const noexcept {
  auto wd = weekday(day);
  if (wd == 0 || wd == 6) return false;
  auto i = static_cast<std::uint64_t>(static_cast<std::int64_t>(day) - first_holiday_);  // wraps below the first
  return i / 64 >= holiday_bits_.size() || !((holiday_bits_[i / 64] >> (i % 64)) & 1);
}

void WorkCalendar::period(std::int32_t day, std::int64_t& begin, std::int64_t& end) const {
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
  std::int64_t remaining = span.unit == U::working_hours ? span.amount * 3600000
                                                           : span.amount * (day_end_ - day_start_) * 60000;
  std::int64_t t = start;
  for (std::int32_t day = local_day(start);; ++day) {
    if (!is_working_day(day)) continue;
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

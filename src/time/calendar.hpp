// Working time in a document's calendar: time zone (system tz database through Howard Hinnant's
// date/tz), working hours in local time, weekends and local holidays.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "frontdoor/document.hpp"

namespace date {
class time_zone;
}

namespace frontdoor::detail {

bool is_known_timezone(std::string_view name);

class WorkCalendar {
 public:
  // The zone must be known (checked at load).
  explicit WorkCalendar(const Calendar&);
  // The local date (days since epoch) of an instant (ms since epoch, UTC).
  std::int32_t local_day(std::int64_t utc_ms) const;
  // `start` (ms) plus a span: working time counted only inside working periods.
  std::int64_t add(std::int64_t start_ms, const Span&) const;
  bool is_working_day(std::int32_t local_day) const noexcept;
  // The first working day on or after `local_day`.
  std::int32_t next_working_day(std::int32_t local_day) const noexcept;

 private:
  std::int64_t to_utc(std::int32_t local_day, std::int32_t minutes) const;  // ms
  // The UTC instants (ms) a working day's period begins and ends.
  void period(std::int32_t local_day, std::int64_t& begin, std::int64_t& end) const;
  void period_near_change(std::int32_t local_day, std::int64_t& begin, std::int64_t& end) const;
  std::int64_t offset_at(std::int64_t utc) const noexcept;  // seconds east of UTC
  const date::time_zone* zone_ = nullptr;                   // null: UTC
  // The zone's UTC offsets as (from, offset) pairs for 1900-2200, read once from the tz database so
  // that deciding never searches it; near a transition to_utc asks the database itself.
  std::vector<std::int64_t> change_at_;
  std::vector<std::int32_t> offset_;
  // For each UTC day from 1970 to 2100, the entry of the table in force when the day begins, so a
  // look-up is one index and at most a step or two, not a search.
  std::vector<std::uint16_t> day_entry_;
  // For each local day from 1970 to 2100: whether it is a working day (bits), and the UTC offset in
  // force from 26 hours before the day begins to 26 hours after it ends, or kUnsettled when it
  // changes in between. Deadlines then take one look-up per day; near a change they ask to_utc.
  std::vector<std::uint64_t> working_;
  std::vector<std::int32_t> settled_offset_;
  static constexpr std::int32_t kUnsettled = INT32_MIN;
  void read_zone(const std::string& timezone);
  void extend_by_footer(const std::string& timezone, std::int64_t until);
  void index_days();
  std::int32_t day_start_, day_end_;
  std::vector<std::int32_t> holidays_;
  // The holidays again as bits, one per day from the first holiday: one load instead of a search.
  std::int32_t first_holiday_ = 0;
  std::vector<std::uint64_t> holiday_bits_;
};

}  // namespace frontdoor::detail

#include <doctest/doctest.h>

#include "time/calendar.hpp"
#include "time/civil.hpp"
#include "time/posix_tz.hpp"

using namespace frontdoor;
using namespace frontdoor::detail;

namespace {
Calendar london() {
  Calendar c;
  c.timezone = "Europe/London";
  for (const char* h : {"2026-05-04", "2026-12-25", "2026-12-28", "2027-01-01"}) c.holidays.push_back(*parse_date(h));
  return c;
}
std::string deadline(const WorkCalendar& cal, const char* received, std::int64_t amount, Span::Unit unit) {
  return format_timestamp(cal.add(*parse_timestamp(received), Span{amount, unit}));
}
using U = Span::Unit;
}  // namespace

TEST_CASE("working hours count inside 09:00-17:00 local time") {
  WorkCalendar cal(london());
  // Tuesday 5 May 2026, British Summer Time: 10:00Z is 11:00 local.
  CHECK(deadline(cal, "2026-05-05T10:00:00Z", 4, U::working_hours) == "2026-05-05T14:00:00Z");
  // Six working hours from 11:00 local reach 17:00 exactly: that period's end, not the next morning.
  CHECK(deadline(cal, "2026-05-05T10:00:00Z", 6, U::working_hours) == "2026-05-05T16:00:00Z");
  CHECK(deadline(cal, "2026-05-05T10:00:00Z", 7, U::working_hours) == "2026-05-06T09:00:00Z");
}

TEST_CASE("work starts at the next working period outside working hours") {
  WorkCalendar cal(london());
  // Monday 4 May 2026 is a bank holiday: work starts Tuesday 09:00 BST = 08:00Z.
  CHECK(deadline(cal, "2026-05-04T10:00:00Z", 4, U::working_hours) == "2026-05-05T12:00:00Z");
  // Friday evening to Monday morning.
  CHECK(deadline(cal, "2026-05-08T19:00:00Z", 1, U::working_hours) == "2026-05-11T09:00:00Z");
  // Received exactly at the end of the day starts the next working day.
  CHECK(deadline(cal, "2026-05-05T16:00:00Z", 1, U::working_hours) == "2026-05-06T09:00:00Z");
}

TEST_CASE("a working day is one working period's length") {
  WorkCalendar cal(london());
  CHECK(deadline(cal, "2026-05-05T10:00:00Z", 1, U::working_days) == "2026-05-06T10:00:00Z");
  // Friday 16:00 BST plus one working day: 1 hour Friday, 7 hours Monday.
  CHECK(deadline(cal, "2026-05-08T15:00:00Z", 1, U::working_days) == "2026-05-11T15:00:00Z");
  // Christmas: Thursday 24 Dec 2026 16:00 GMT; 25th and 28th are holidays.
  CHECK(deadline(cal, "2026-12-24T16:00:00Z", 8, U::working_hours) == "2026-12-29T16:00:00Z");
}

TEST_CASE("clock changes move the UTC deadline, not the local one") {
  WorkCalendar cal(london());
  // Friday 23 Oct 2026 16:00 BST (15:00Z); clocks go back on Sunday 25th; Monday 09:00 GMT = 09:00Z.
  CHECK(deadline(cal, "2026-10-23T15:00:00Z", 2, U::working_hours) == "2026-10-26T10:00:00Z");
}

TEST_CASE("plain hours and days ignore the calendar") {
  WorkCalendar cal(london());
  CHECK(deadline(cal, "2026-05-08T19:00:00Z", 24, U::hours) == "2026-05-09T19:00:00Z");
  CHECK(deadline(cal, "2026-05-08T19:00:00Z", 2, U::days) == "2026-05-10T19:00:00Z");
}

TEST_CASE("the local date follows the time zone") {
  WorkCalendar cal(london());
  CHECK(format_date(cal.local_day(*parse_timestamp("2026-06-30T23:30:00Z"))) == "2026-07-01");
  CHECK(format_date(cal.local_day(*parse_timestamp("2026-12-31T23:30:00Z"))) == "2026-12-31");
  CHECK_FALSE(is_known_timezone("Europe/Londn"));
  CHECK(is_known_timezone("America/New_York"));
}

#include <date/tz.h>

TEST_CASE("the precomputed offset table agrees with the tz database") {
  for (const char* zone : {"Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"}) {
    Calendar c;
    c.timezone = zone;
    WorkCalendar cal(c);
    const date::time_zone* tz = std::string(zone) == "UTC" ? nullptr : date::locate_zone(zone);
    std::int64_t t = -1500000000;  // 1922
    for (int i = 0; i < 20000; ++i, t += 299993) {
      std::int64_t offset = tz ? tz->get_info(date::sys_seconds{std::chrono::seconds{t}}).offset.count() : 0;
      INFO(zone << " at " << format_timestamp(t));
      CHECK(cal.local_day(t * 1000) == static_cast<std::int32_t>(floor_div(t + offset, 86400)));
    }
    // Working days in the zone: 09:00 local maps back to 09:00 local.
    for (std::int32_t day = 19000; day < 19800; day += 7) {
      std::int64_t midnight = static_cast<std::int64_t>(day) * 86400;
      std::int64_t two_am = midnight + 2 * 3600 - (tz ? tz->get_info(date::sys_seconds{std::chrono::seconds{midnight}}).offset.count() : 0);
      std::int64_t start = cal.add(two_am * 1000, Span{0, Span::Unit::working_hours}) / 1000;
      std::int64_t offset = tz ? tz->get_info(date::sys_seconds{std::chrono::seconds{start}}).offset.count() : 0;
      CHECK((start + offset) % 86400 == 9 * 3600);
    }
  }
}

TEST_CASE("summer time continues after the tz files' last listed transition (2037), by the zone's own rule") {
  WorkCalendar cal(london());
  // Tuesday 5 June 2040, British Summer Time: 09:00 local is 08:00Z, four working hours reach 12:00Z.
  CHECK(deadline(cal, "2040-06-05T08:00:00Z", 4, U::working_hours) == "2040-06-05T12:00:00Z");
  // Summer time starts on the last Sunday of March (2039: the 27th) and ends on the last of October:
  // 09:00 local is 09:00Z the Friday before, 08:00Z the Monday after, 09:00Z again in November.
  CHECK(deadline(cal, "2039-03-25T09:00:00Z", 1, U::working_hours) == "2039-03-25T10:00:00Z");
  CHECK(deadline(cal, "2039-03-28T08:00:00Z", 1, U::working_hours) == "2039-03-28T09:00:00Z");
  CHECK(deadline(cal, "2039-10-31T09:00:00Z", 1, U::working_hours) == "2039-10-31T10:00:00Z");
  Calendar sydney;  // the southern hemisphere: summer time from October to April
  sydney.timezone = "Australia/Sydney";
  WorkCalendar syd(sydney);
  CHECK(deadline(syd, "2045-01-15T22:00:00Z", 1, U::working_hours) == "2045-01-15T23:00:00Z");  // 09:00 AEDT, UTC+11
  CHECK(deadline(syd, "2045-07-16T23:00:00Z", 1, U::working_hours) == "2045-07-17T00:00:00Z");  // 09:00 AEST, UTC+10
}

TEST_CASE("a POSIX TZ rule is read as RFC 8536 writes it") {
  auto london_rule = parse_posix_rule("GMT0BST,M3.5.0/1,M10.5.0");
  REQUIRE(london_rule);
  CHECK(london_rule->has_dst);
  CHECK(london_rule->std_offset == 0);
  CHECK(london_rule->dst_offset == 3600);
  CHECK(london_rule->start.time == 3600);
  CHECK(london_rule->end.time == 7200);
  auto new_york = parse_posix_rule("EST5EDT,M3.2.0,M11.1.0");
  REQUIRE(new_york);
  CHECK(new_york->std_offset == -5 * 3600);
  CHECK(new_york->dst_offset == -4 * 3600);
  auto plain = parse_posix_rule("<+03>-3");
  REQUIRE(plain);
  CHECK_FALSE(plain->has_dst);
  CHECK(plain->std_offset == 3 * 3600);
  CHECK_FALSE(parse_posix_rule("CET-1CEST,J60,J300"));  // the Julian forms are not read: no extension
  CHECK_FALSE(parse_posix_rule(""));
}

#include <doctest/doctest.h>

#include "time/civil.hpp"

using namespace frontdoor::detail;

TEST_CASE("dates round-trip through days since the epoch") {
  CHECK(days_from_civil({1970, 1, 1}) == 0);
  CHECK(format_date(days_from_civil({2028, 2, 29})) == "2028-02-29");
  for (std::int32_t d = -800000; d < 800000; d += 997) CHECK(days_from_civil(civil_from_days(d)) == d);
}

TEST_CASE("parse_date accepts real dates only") {
  CHECK(parse_date("2026-04-01").has_value());
  CHECK_FALSE(parse_date("2026-02-29").has_value());
  CHECK(parse_date("2028-02-29").has_value());
  CHECK_FALSE(parse_date("2026-13-01").has_value());
  CHECK_FALSE(parse_date("2026-4-1").has_value());
  CHECK_FALSE(parse_date("").has_value());
}

TEST_CASE("timestamps need an offset and are stored in UTC") {
  CHECK(format_timestamp(*parse_timestamp("2026-05-04T10:00:00Z")) == "2026-05-04T10:00:00Z");
  CHECK(format_timestamp(*parse_timestamp("2026-05-04T11:00:00+01:00")) == "2026-05-04T10:00:00Z");
  CHECK(format_timestamp(*parse_timestamp("2026-05-04T05:30-0430")) == "2026-05-04T10:00:00Z");
  CHECK(format_timestamp(*parse_timestamp("2026-05-04T10:00:00.999Z")) == "2026-05-04T10:00:00Z");
  CHECK(*parse_timestamp("2026-05-04T10:00:00.9Z") - *parse_timestamp("2026-05-04T10:00:00.1Z") == 800);
  CHECK(*parse_timestamp("2026-05-04T10:00:00.123456789Z") % 1000 == 123);
  CHECK_FALSE(parse_timestamp("2026-05-04T10:00:00").has_value());  // local time without an offset
  CHECK_FALSE(parse_timestamp("2026-05-04").has_value());
  CHECK_FALSE(parse_timestamp("2026-05-04T25:00:00Z").has_value());
  CHECK_FALSE(parse_timestamp("2026-02-30T10:00:00Z").has_value());
  CHECK_FALSE(parse_timestamp("2026-05-04T10:00:00Zjunk").has_value());
}

TEST_CASE("a column of timestamps read through one DateMemo reads as each one alone") {
  DateMemo memo;
  for (const char* s : {"2026-05-04T10:00:00Z", "2026-05-04T23:59:59.5+01:00", "2026-05-05T00:00Z", "2026-05-05T00:00",
                        "2026-02-30T10:00:00Z", "2026-02-30T10:00:00Z", "2026-02-28T10:00:00Z", "2026-02-28", "", "2026-02-28T24:00:00Z",
                        "2026-02-28T10:00:00-0430", "2026-02-28t10:00:00z"}) {
    CAPTURE(s);
    CHECK(parse_timestamp(s, memo) == parse_timestamp(s));
  }
}

TEST_CASE("a months window keeps the day of month, clamped to the month's end") {
  auto t = *parse_timestamp("2026-05-31T12:00:00Z");
  CHECK(format_timestamp(minus_months(t, 3)) == "2026-02-28T12:00:00Z");
  CHECK(format_timestamp(minus_months(*parse_timestamp("2028-05-31T12:00:00Z"), 3)) == "2028-02-29T12:00:00Z");
  CHECK(format_timestamp(minus_months(*parse_timestamp("2026-01-15T08:00:00Z"), 12)) == "2025-01-15T08:00:00Z");
  CHECK(format_timestamp(minus_months(*parse_timestamp("2026-03-10T08:00:00Z"), 14)) == "2025-01-10T08:00:00Z");
}

TEST_CASE("completed months of age") {
  auto d = [](const char* s) { return *parse_date(s); };
  CHECK(months_between(d("2026-01-01"), d("2026-05-04")) == 4);
  CHECK(months_between(d("2026-01-05"), d("2026-05-04")) == 3);
  CHECK(months_between(d("2026-01-31"), d("2026-02-28")) == 1);  // clamped like a months window
  CHECK(months_between(d("2024-02-29"), d("2025-02-28")) == 12);
  CHECK(months_between(d("2026-05-04"), d("2026-05-04")) == 0);
  CHECK(months_between(d("2026-05-05"), d("2026-05-04")) < 0);
  CHECK(months_between(civil_from_days(d("2026-01-31")), civil_from_days(d("2026-02-28"))) == 1);  // the same from calendar dates
}

TEST_CASE("an offset may be whole hours") {
  CHECK(format_timestamp(*parse_timestamp("2026-05-04T11:00:00+01")) == "2026-05-04T10:00:00Z");
  CHECK_FALSE(parse_timestamp("2026-05-04T11:00:00+1").has_value());
}

TEST_CASE("timestamps are written digit by digit, and years outside 0000-9999 with their sign") {
  using frontdoor::detail::append_timestamp;
  std::string s = "deadline ";
  append_timestamp(s, 0);
  CHECK(s == "deadline 1970-01-01T00:00:00Z");
  CHECK(format_timestamp(-1) == "1969-12-31T23:59:59Z");
  CHECK(format_timestamp(253402300799000) == "9999-12-31T23:59:59Z");
  CHECK(format_timestamp(253402300800000) == "10000-01-01T00:00:00Z");
  CHECK(format_timestamp(-62167219201000) == "-001-12-31T23:59:59Z");
}

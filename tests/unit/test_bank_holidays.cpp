// The calendar presets against the bank holidays the UK government published (gov.uk/bank-holidays),
// written out here by hand rather than computed, so the rules in bank_holidays.cpp are checked
// against the dates, not against themselves.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "time/bank_holidays.hpp"
#include "time/civil.hpp"

using namespace frontdoor::detail;

namespace {
std::vector<std::string> dates(Nation n, int from, int to) {
  std::vector<std::string> out;
  for (auto d : bank_holidays(n, from, to)) out.push_back(format_date(d));
  return out;
}
}  // namespace

TEST_CASE("England and Wales: every bank holiday 2018-2028, as published") {
  const std::vector<std::string> published = {
      "2018-01-01", "2018-03-30", "2018-04-02", "2018-05-07", "2018-05-28", "2018-08-27", "2018-12-25", "2018-12-26", "2019-01-01",
      "2019-04-19", "2019-04-22", "2019-05-06", "2019-05-27", "2019-08-26", "2019-12-25", "2019-12-26", "2020-01-01", "2020-04-10",
      "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28", "2021-01-01", "2021-04-02", "2021-04-05",
      "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28", "2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02",
      "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27", "2023-01-02", "2023-04-07", "2023-04-10",
      "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28", "2023-12-25", "2023-12-26", "2024-01-01", "2024-03-29", "2024-04-01",
      "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26", "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05",
      "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26", "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25",
      "2026-08-31", "2026-12-25", "2026-12-28", "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30",
      "2027-12-27", "2027-12-28", "2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01", "2028-05-29", "2028-08-28", "2028-12-25",
      "2028-12-26",
  };
  CHECK(dates(Nation::england_and_wales, 2018, 2028) == published);
}

TEST_CASE("the one-off days of 2011 and 2012, and the preset's whole range") {
  auto ew = dates(Nation::england_and_wales, 2011, 2012);
  CHECK(std::count(ew.begin(), ew.end(), "2011-04-29") == 1);  // a royal wedding
  CHECK(std::count(ew.begin(), ew.end(), "2012-06-04") == 1);  // the spring holiday, moved
  CHECK(std::count(ew.begin(), ew.end(), "2012-06-05") == 1);  // the Diamond Jubilee
  CHECK(std::count(ew.begin(), ew.end(), "2012-05-28") == 0);
  // Every year of the range has its eight (more in the years with one-offs), none at a weekend.
  auto all = bank_holidays(Nation::england_and_wales, kFirstPresetYear, kLastPresetYear);
  CHECK(all.size() >= 8u * 31);
  for (auto d : all) CHECK((weekday(d) != 0 && weekday(d) != 6));
}

TEST_CASE("Scotland: 2 January and St Andrew's Day, the first Monday of August, no Easter Monday") {
  auto s = dates(Nation::scotland, 2022, 2022);
  const std::vector<std::string> scotland_2022 = {"2022-01-03", "2022-01-04", "2022-04-15", "2022-05-02", "2022-06-02", "2022-06-03",
                                                  "2022-08-01", "2022-09-19", "2022-11-30", "2022-12-26", "2022-12-27"};
  CHECK(s == scotland_2022);
  auto s25 = dates(Nation::scotland, 2025, 2025);
  CHECK(std::count(s25.begin(), s25.end(), "2025-12-01") == 1);  // St Andrew's Day on a Sunday: Monday
  CHECK(std::count(s25.begin(), s25.end(), "2025-04-21") == 0);
}

TEST_CASE("Northern Ireland: St Patrick's Day and the Battle of the Boyne, moved off weekends") {
  auto ni = dates(Nation::northern_ireland, 2024, 2025);
  CHECK(std::count(ni.begin(), ni.end(), "2024-03-18") == 1);  // 17 March 2024 was a Sunday
  CHECK(std::count(ni.begin(), ni.end(), "2024-07-12") == 1);
  CHECK(std::count(ni.begin(), ni.end(), "2025-03-17") == 1);
  CHECK(std::count(ni.begin(), ni.end(), "2025-07-14") == 1);  // 12 July 2025 was a Saturday
  CHECK(std::count(ni.begin(), ni.end(), "2025-04-21") == 1);  // Easter Monday, as in England
}

TEST_CASE("a preset is named by its id") {
  CHECK(nation_of_preset("england-and-wales") == Nation::england_and_wales);
  CHECK(nation_of_preset("scotland") == Nation::scotland);
  CHECK(nation_of_preset("northern-ireland") == Nation::northern_ireland);
  CHECK_FALSE(nation_of_preset("wales").has_value());
}

// The United Kingdom's bank holidays, for a document's `calendar: {preset: ...}` (SPEC 7.7): each
// nation's statutory pattern with substitute days, and the one-off days proclaimed since 2010.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace frontdoor::detail {

enum class Nation : unsigned char { england_and_wales, scotland, northern_ireland };

inline constexpr std::string_view kCalendarPresets[] = {"england-and-wales", "scotland", "northern-ireland"};
inline constexpr std::int32_t kFirstPresetYear = 2010, kLastPresetYear = 2040;

std::optional<Nation> nation_of_preset(std::string_view preset) noexcept;
// The nation's bank holidays in [from_year, to_year], as days since 1970-01-01, sorted.
std::vector<std::int32_t> bank_holidays(Nation, std::int32_t from_year, std::int32_t to_year);

}  // namespace frontdoor::detail

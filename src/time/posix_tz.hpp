// A zone's rule for the years after its last listed transition: the POSIX TZ string at the end of
// its TZif file (RFC 8536, section 3.3), such as "GMT0BST,M3.5.0/1,M10.5.0". The tz library reads
// only the listed transitions, which stop in 2037; the calendar presets promise 2040, and a
// contact received later must not lose its summer time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace frontdoor::detail {

struct PosixZoneRule {
  std::int32_t std_offset = 0, dst_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  struct Change {
    int month = 0, week = 0, weekday = 0;  // Mm.w.d: week 5 is the last; weekday 0 is Sunday
    std::int32_t time = 7200;              // seconds after local midnight (standard time to start, summer time to end)
  } start, end;
};

// The rule in a POSIX TZ string; nothing if it has a form this reader does not know (Jn, n).
std::optional<PosixZoneRule> parse_posix_rule(std::string_view);
// The footer of the zone's TZif file under $TZDIR or /usr/share/zoneinfo; nothing if unreadable.
std::optional<PosixZoneRule> zone_footer_rule(const std::string& zone);
// The changes of the years [from_year, to_year): (instant in UTC seconds, offset from then on).
std::vector<std::pair<std::int64_t, std::int32_t>> rule_changes(const PosixZoneRule&, int from_year, int to_year);

}  // namespace frontdoor::detail
